// A debuginfod client (the protocol of elfutils' debuginfod): `GET <url>/buildid/<hex>/debuginfo` on each
// server of `DEBUGINFOD_URLS` in turn, the answer streamed to `<cache>/debuginfod/<hex>/debuginfo` (a
// vmlinux is ~600 MB: never held in memory). This is the only code of the extension that uses the network,
// and only when the user has set DEBUGINFOD_URLS and enabled `kernelOops.debuginfod.enable`. The servers
// are not trusted: at most 5 redirects, to http(s) only, and only an ELF file carrying the build id asked
// for is ever cached (the cache is reused offline).
import * as fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import * as path from 'node:path';
import { readBuildId } from '../symbolize';
import { defaultCacheDir } from './decompress';

export interface DebuginfodOptions {
  /** Space-separated server URLs (the `DEBUGINFOD_URLS` format). */
  urls: string;
  cacheDir?: string;
  /** Per server: no answer (or no progress) for this long fails it. Default 30 s. */
  timeoutMs?: number;
  /** Largest download accepted. Default 4 GiB. */
  maxBytes?: number;
}

export type Fetched =
  { ok: true; path: string; cached: boolean; url?: string } | { ok: false; error: string };

const BUILD_ID = /^[0-9a-f]{8,128}$/;

/** The server list of a `DEBUGINFOD_URLS` value (http/https only). */
export function debuginfodUrls(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\s+/)
    .filter((u) => /^https?:\/\//.test(u))
    .map((u) => u.replace(/\/+$/, ''));
}

/** Downloads (or finds in the cache) the debug file with `buildId`. Never throws. */
export async function fetchDebuginfo(buildId: string, opts: DebuginfodOptions): Promise<Fetched> {
  const id = buildId.toLowerCase();
  if (!BUILD_ID.test(id)) return { ok: false, error: `debuginfod: '${buildId}' is not a build id` };
  const urls = debuginfodUrls(opts.urls);
  if (urls.length === 0) return { ok: false, error: 'debuginfod: DEBUGINFOD_URLS names no http(s) server' };
  const dest = path.join(opts.cacheDir ?? defaultCacheDir(), 'debuginfod', id, 'debuginfo');
  if (fs.existsSync(dest)) {
    if (!notTheFile(dest, id)) return { ok: true, path: dest, cached: true };
    // Junk an older version cached: fetch again.
    fs.rmSync(dest, { force: true });
  }
  const errors: string[] = [];
  for (const url of urls) {
    const r = await download(
      `${url}/buildid/${id}/debuginfo`,
      { dest, id, timeoutMs: opts.timeoutMs ?? 30_000, maxBytes: opts.maxBytes ?? 4 * 2 ** 30 },
      MAX_REDIRECTS,
    );
    if (r === null) return { ok: true, path: dest, cached: false, url };
    errors.push(`${url}: ${r}`);
  }
  // Nothing of a failed download stays in the cache, not even its folder.
  try {
    fs.rmdirSync(path.dirname(dest));
  } catch {
    // Not there, or holds another download's file.
  }
  return { ok: false, error: `debuginfod has no debug file for build id ${id} (${errors.join('; ')})` };
}

/** Redirects followed per request (elfutils' client follows a few too). */
const MAX_REDIRECTS = 5;

interface Target {
  dest: string;
  /** The build id asked for: the answer must be an ELF file carrying it. */
  id: string;
  timeoutMs: number;
  maxBytes: number;
}

/** Why `file` is not the debug file with build id `id`, or null when it is. */
function notTheFile(file: string, id: string): string | null {
  let actual: string | null;
  try {
    actual = readBuildId(file);
  } catch (e) {
    return `the answer is not an ELF file (${firstLine(e)})`;
  }
  if (actual === id || (actual && id.length >= 8 && actual.startsWith(id))) return null;
  return actual ? `the answer has build id ${actual}, not ${id}` : 'the answer has no build id';
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Streams `url` to `t.dest` (via a temporary file); null on success, else why not (one line). */
function download(url: string, t: Target, redirectsLeft: number): Promise<string | null> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: string | null) => {
      if (!settled) {
        settled = true;
        resolve(why);
      }
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done(`malformed URL ${JSON.stringify(url.slice(0, 200))}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return done(`refused to follow ${target.protocol} (only http and https)`);
    // http/https load on first use: most processes never download, and loading https costs start-up time.
    const get =
      target.protocol === 'https:'
        ? (require('node:https') as typeof Https).get
        : (require('node:http') as typeof Http).get;
    const onResponse = (res: Http.IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirectsLeft <= 0) return done(`more than ${MAX_REDIRECTS} redirects`);
        let next: string;
        try {
          next = new URL(res.headers.location, target).href;
        } catch {
          return done(`redirect to a malformed URL ${JSON.stringify(res.headers.location.slice(0, 200))}`);
        }
        void download(next, t, redirectsLeft - 1).then(done);
        return;
      }
      if (status !== 200) {
        res.resume();
        return done(status === 404 ? 'not found (404)' : `HTTP ${status}`);
      }
      const claimed = Number(res.headers['content-length'] ?? 0);
      if (claimed > t.maxBytes) {
        res.destroy();
        return done(`refused: ${claimed} bytes is more than the ${t.maxBytes} accepted`);
      }
      fs.mkdirSync(path.dirname(t.dest), { recursive: true });
      const tmp = `${t.dest}.${process.pid}.${Date.now()}.part`;
      const out = fs.createWriteStream(tmp);
      let received = 0;
      const abort = (why: string) => {
        res.destroy();
        out.destroy();
        fs.rm(tmp, { force: true }, () => done(why));
      };
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > t.maxBytes) abort(`refused: more than ${t.maxBytes} bytes`);
      });
      res.on('error', (e) => abort(e.message));
      res.on('aborted', () => abort('connection closed before the end'));
      out.on('error', (e) => abort(`cannot write ${tmp}: ${e.message}`));
      out.on('finish', () => {
        if (settled) return;
        if (claimed && received !== claimed) return abort(`truncated: ${received} of ${claimed} bytes`);
        // Only the file asked for is cached: junk would be reused offline forever.
        const wrong = notTheFile(tmp, t.id);
        if (wrong) return abort(wrong);
        try {
          fs.renameSync(tmp, t.dest);
          done(null);
        } catch (e) {
          abort((e as Error).message);
        }
      });
      res.pipe(out);
    };
    let req: Http.ClientRequest;
    try {
      req = get(
        target,
        { timeout: t.timeoutMs, headers: { 'User-Agent': 'kernel-oops-lens' } },
        (res: Http.IncomingMessage) => {
          // Nothing may throw out of a response callback: it would end the process.
          try {
            onResponse(res);
          } catch (e) {
            res.destroy();
            done(firstLine(e));
          }
        },
      );
    } catch (e) {
      return done(firstLine(e));
    }
    req.on('timeout', () => {
      req.destroy();
      done(`no answer within ${t.timeoutMs} ms`);
    });
    req.on('error', (e) => done((e as NodeJS.ErrnoException).code ?? e.message));
  });
}
