// messageReader.ts against JSON.parse as the oracle: messages with long strings full of escapes (`\n`,
// `\\`, `\"`, `\uXXXX` and surrogate pairs written as escapes), raw UTF-8 of every width and backslash runs,
// framed and fed in chunks of random sizes, read back equal; a document's text arrives in pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { LargeMessageReader, StreamingBodyParser } from '../../src/lsp/messageReader';
import { TextPieces } from '../../src/lsp/worker';
import { Rng } from '../fuzz/fuzzer';

const ALPHABET = [
  'a',
  ' ',
  '\n',
  '\r',
  '\\',
  '\\\\',
  '"',
  '\t',
  'é',
  '€',
  '\u{1F600}',
  '\u0001',
  '\uFFFD',
  'u',
  '\\u',
];

function randomString(g: Rng, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(ALPHABET[g.int(ALPHABET.length)]);
  return parts.join('');
}

/** JSON with some characters written as `\uXXXX` escapes (editors escape differently). */
function stringify(v: unknown, g: Rng): string {
  return JSON.stringify(v).replace(/[é€\u{1F600}a]/gu, (c) =>
    g.float() < 0.3 ? [...c].map((ch) => escapeUnits(ch)).join('') : c,
  );
}

function escapeUnits(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

function frame(body: string): Buffer {
  const b = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`, 'ascii'), b]);
}

async function readAll(bytes: Buffer, g: Rng, count: number): Promise<unknown[]> {
  const stream = new PassThrough();
  const reader = new LargeMessageReader(stream);
  const got: unknown[] = [];
  const done = new Promise<void>((resolve, reject) => {
    reader.onError(reject);
    reader.listen((m) => {
      got.push(m);
      if (got.length === count) resolve();
    });
  });
  for (let at = 0; at < bytes.length;) {
    const n = 1 + g.int(g.float() < 0.5 ? 64 : 300_000);
    stream.write(bytes.subarray(at, at + n));
    at += n;
  }
  await done;
  return got;
}

/** The message with its pieces joined, as the library would have given it. */
function joined(v: unknown): unknown {
  if (v instanceof TextPieces) return v.toString();
  if (Array.isArray(v)) return v.map(joined);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, joined(x)]));
  return v;
}

test('messages of every size read as JSON.parse reads them; document texts come in pieces', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const g = new Rng(seed);
    const big = randomString(g, 700_000 + g.int(400_000));
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { a: [1, 'x', null] } },
      {
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: 'file:///a.log', languageId: 'kernel-log', version: 1, text: big } },
      },
      {
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: {
          textDocument: { uri: 'file:///a.log', version: 2 },
          contentChanges: [
            { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: big },
            { text: big.slice(3) },
          ],
        },
      },
      { jsonrpc: '2.0', id: 2, result: { other: big.slice(5), short: 'é"\\' } },
      { jsonrpc: '2.0', method: 'x', params: { text: randomString(g, 50) } },
    ];
    const bytes = Buffer.concat(messages.map((m) => frame(stringify(m, g))));
    const got = await readAll(bytes, g, messages.length);
    assert.deepEqual(got.map(joined), messages, `seed ${seed}`);
    type Texts = { params: { textDocument: { text: unknown }; contentChanges: { text: unknown }[] } };
    const [, open, change] = got as Texts[];
    assert.ok(open.params.textDocument.text instanceof TextPieces, 'didOpen text in pieces');
    assert.equal(typeof change.params.contentChanges[0].text, 'string', 'a range change is joined');
    assert.ok(change.params.contentChanges[1].text instanceof TextPieces, 'a whole-text change in pieces');
    assert.equal(typeof (got[3] as { result: { other: unknown } }).result.other, 'string');
  }
});

test('a long string cut anywhere: inside UTF-8 sequences, escapes, backslash runs and surrogate escapes', () => {
  const g = new Rng(7);
  for (let round = 0; round < 25; round++) {
    const s = randomString(g, 600_000);
    const body = Buffer.from(
      stringify({ method: 'textDocument/didOpen', params: { textDocument: { text: s } } }, g),
    );
    const p = new StreamingBodyParser('\u0000mark:');
    for (let at = 0; at < body.length;) {
      const n = 1 + g.int(g.float() < 0.3 ? 8 : 1 << 21);
      p.push(body.subarray(at, at + n));
      at += n;
    }
    const m = p.end() as unknown as { params: { textDocument: { text: TextPieces | string } } };
    assert.equal(String(m.params.textDocument.text), s, `round ${round}`);
  }
});
