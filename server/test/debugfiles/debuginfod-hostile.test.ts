// The debuginfod client against a hostile server on 127.0.0.1: redirects to file:, to malformed URLs, in a
// loop; 200 answers that are junk or another build's file. Every case is a one-line `ok: false` (never an
// exception out of a response callback) and leaves nothing in the cache; a short redirect chain to the
// right file still works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fetchDebuginfo } from '../../src/engine/debugfiles';
import { buildMiniElf } from '../symbolize/miniElf';
import { tempDir } from './helpers';

/** The build id buildMiniElf writes (20 bytes 0xa0, 0xa1, …). */
const MINI_ID = Array.from({ length: 20 }, (_, i) => (0xa0 + i).toString(16)).join('');
const OTHER_ID = 'ab'.repeat(20);
const mini = buildMiniElf({ little: true, is64: true, machine: 62 });

let server: http.Server;
let base = '';
const hits = new Map<string, number>();

/** Each server is a path prefix: `${base}/<name>` is one DEBUGINFOD_URLS entry. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '';
  const name = url.split('/')[1];
  hits.set(name, (hits.get(name) ?? 0) + 1);
  const redirect = (location: string) => void res.writeHead(302, { Location: location }).end();
  const hop = /^\/chain(\d+)\//.exec(url);
  if (hop) {
    const n = Number(hop[1]);
    return n === 0
      ? void res.writeHead(200).end(mini)
      : redirect(url.replace(/^\/chain\d+/, `/chain${n - 1}`));
  }
  switch (name) {
    case 'file':
      return redirect('file:///etc/passwd');
    case 'garbage':
      return redirect('http://[::1');
    case 'ftp':
      return redirect('ftp://127.0.0.1/x');
    case 'loop':
      return redirect(url);
    case 'junk':
      return void res.writeHead(200).end('<html>surely an ELF file</html>');
    case 'elf':
      return void res.writeHead(200).end(mini);
    default:
      res.writeHead(404).end();
  }
}

before(async () => {
  server = http.createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function fetchFrom(names: string[], id: string, cache: string) {
  return fetchDebuginfo(id, {
    urls: names.map((n) => `${base}/${n}`).join(' '),
    cacheDir: cache,
    timeoutMs: 5000,
  });
}

function assertNothingCached(cache: string, id: string) {
  assert.equal(fs.existsSync(path.join(cache, 'debuginfod', id)), false, 'nothing left in the cache');
}

test('redirects to file:, ftp: or a malformed URL are one-line errors, not exceptions', async () => {
  const cache = tempDir('dbgi-redirect');
  try {
    for (const [name, want] of [
      ['file', /refused to follow file:/],
      ['ftp', /refused to follow ftp:/],
      ['garbage', /malformed URL/],
    ] as const) {
      const r = await fetchFrom([name], MINI_ID, cache);
      assert.equal(r.ok, false, name);
      if (!r.ok) {
        assert.match(r.error, want);
        assert.doesNotMatch(r.error, /\n/);
      }
      assertNothingCached(cache, MINI_ID);
    }
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('a redirect loop stops after 5 redirects; a chain of 5 is followed, 6 is not', async () => {
  const cache = tempDir('dbgi-loop');
  try {
    hits.clear();
    const loop = await fetchFrom(['loop'], MINI_ID, cache);
    assert.equal(loop.ok, false);
    if (!loop.ok) assert.match(loop.error, /more than 5 redirects/);
    assert.equal(hits.get('loop'), 6, 'the first request and 5 redirects');
    assertNothingCached(cache, MINI_ID);

    const six = await fetchFrom(['chain6'], MINI_ID, cache);
    assert.equal(six.ok, false);
    assertNothingCached(cache, MINI_ID);
    const five = await fetchFrom(['chain5'], MINI_ID, cache);
    assert.ok(five.ok, JSON.stringify(five));
    assert.ok(fs.readFileSync(five.path).equals(mini));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('a 200 answer that is not an ELF file, or another build, is not cached; the next server is asked', async () => {
  const cache = tempDir('dbgi-junk');
  try {
    const junk = await fetchFrom(['junk'], MINI_ID, cache);
    assert.equal(junk.ok, false);
    if (!junk.ok) assert.match(junk.error, /not an ELF file/);
    assertNothingCached(cache, MINI_ID);

    // A real ELF file, but not the build asked for.
    const other = await fetchFrom(['elf'], OTHER_ID, cache);
    assert.equal(other.ok, false);
    if (!other.ok) assert.match(other.error, new RegExp(`has build id ${MINI_ID}, not ${OTHER_ID}`));
    assertNothingCached(cache, OTHER_ID);

    // Junk from the first server, the right file from the second: the right file is cached and reused.
    const r = await fetchFrom(['junk', 'elf'], MINI_ID, cache);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.url, `${base}/elf`);
    hits.clear();
    const again = await fetchFrom(['junk'], MINI_ID, cache);
    assert.deepEqual(again, { ok: true, path: r.path, cached: true });
    assert.equal(hits.size, 0, 'answered from the cache');

    // Junk already in the cache (from an older version) is not trusted: it is fetched again.
    fs.writeFileSync(r.path, 'junk');
    const refetched = await fetchFrom(['elf'], MINI_ID, cache);
    assert.ok(refetched.ok && !refetched.cached, JSON.stringify(refetched));
    assert.ok(fs.readFileSync(r.path).equals(mini));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
