// LSP-level hover tests. `provideHover` (server/src/lsp/hover.ts) is tested on real documents, CRLF and
// lone-CR line breaks included; when the built server (dist/server.js) advertises hoverProvider, the same
// facts are checked through a real JSON-RPC round trip over stdio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { analyzeText } from '../../server/src/engine';
import { provideHover, initDisassemblers } from '../../server/src/lsp/hover';

const ROOT = join(__dirname, '../..');
const X86 = join(ROOT, 'test-fixtures/corpus/qemu/logs/null_write.console.log');
const ARM = join(ROOT, 'test-fixtures/corpus/qemu-arm64/logs/bug_on.console.log');
const FIX = join(ROOT, 'test-fixtures/hover/x86-mixed.log');

function doc(path: string): TextDocument {
  return TextDocument.create(pathToFileURL(path).toString(), 'kernel-log', 1, readFileSync(path, 'utf8'));
}

/** Position of `needle` (+delta) in the document, counting \r\n, \r and \n as LSP does. */
function positionOf(d: TextDocument, needle: string, delta = 0) {
  const text = d.getText();
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `no ${needle}`);
  return d.positionAt(at + delta);
}

function value(h: ReturnType<typeof provideHover>): string {
  assert.ok(h, 'a hover');
  const c = h.contents as { kind: string; value: string };
  assert.equal(c.kind, 'markdown');
  return c.value;
}

/** The facts each hover kind must show: [file, needle, delta, expected patterns]. */
const CASES: [string, string, number, RegExp[]][] = [
  [X86, 'EFLAGS: 00000246', 0, [/\*\*PF\*\*/, /\*\*ZF\*\*/, /\*\*IF\*\*/]],
  [FIX, 'EFLAGS: 00010246', 0, [/\*\*PF\*\*/, /\*\*ZF\*\*/, /\*\*IF\*\*/, /\*\*RF\*\*/]],
  [X86, 'Oops: 0002', 7, [/kernel-mode write of a not-present page/]],
  [X86, 'Tainted: G           OE', 21, [/OOT_MODULE/, /`buggy`/]],
  [X86, 'RIP: 0010:buggy_null_write', 0, [/__KERNEL_CS/, /0x19 into a 39-byte/, /module `buggy`/]],
  [X86, 'ORIG_RAX: 0000000000000001', 0, [/`write`/]],
  [X86, 'CR2: 0000000000000008', 0, [/NULL \+ 0x8/]],
  [X86, 'buggy_dispatch+0x4d', 0, [/module `buggy`/, /process context/]],
  [X86, 'Code: de e6', 0, [/buggy_null_write\+0x19:\* +48 c7 43 08 34 12 00 00 +movq/]],
  [X86, 'BUG: kernel NULL pointer dereference', 0, [/kernel\.panic_on_oops/, /docs\.kernel\.org/]],
  [ARM, 'Code: ', 0, [/brk +#0x800 +<-- trapping instruction/]],
  [ARM, 'pstate: ', 0, [/EL1h/]],
  [FIX, 'gfp_mask=0xcc0', 0, [/__GFP_FS/]],
  [FIX, 'stuck for 22s', 0, [/22 s/]],
];

before(async () => {
  await initDisassemblers();
});

test('provideHover: every hover kind on real documents with the analysis', () => {
  for (const [file, needle, delta, patterns] of CASES) {
    const d = doc(file);
    const h = provideHover(d, positionOf(d, needle, delta), analyzeText(d.getText()));
    const v = value(h);
    for (const p of patterns) assert.match(v, p, `${needle}: ${p}`);
    assert.equal(h!.range!.start.line, positionOf(d, needle).line, 'range on the hovered line');
  }
});

test('provideHover: line-local facts without the analysis; ranges count CR/LF line breaks', () => {
  const d = doc(X86);
  assert.ok(d.getText().includes('\r\n'), 'the capture has CRLF line breaks');
  const pos = positionOf(d, 'EFLAGS: 00000246', 3);
  const h = provideHover(d, pos, undefined);
  assert.match(value(h), /\*\*IF\*\*/);
  const lineText = d.getText({
    start: { line: pos.line, character: h!.range!.start.character },
    end: { line: pos.line, character: h!.range!.end.character },
  });
  assert.equal(lineText, 'EFLAGS: 00000246');
  // A lone CR is a line break too.
  const cr = TextDocument.create(
    'file:///cr.log',
    'kernel-log',
    1,
    'first line\rRAX: 0000000000000000 RBX: 0000000000000001\r\nnext',
  );
  const hh = provideHover(cr, { line: 1, character: 2 }, undefined);
  assert.match(value(hh), /return value/);
  assert.equal(provideHover(cr, { line: 7, character: 0 }, undefined), null);
  assert.equal(provideHover(cr, { line: 0, character: 3 }, undefined), null);
});

// ---- through the real server, once server.ts registers the provider -------------------------------------

const SERVER = join(ROOT, 'dist/server.js');
let proc: ChildProcess | null = null;
let conn: MessageConnection | null = null;
let hoverAdvertised = false;

async function startServer(): Promise<void> {
  if (!existsSync(SERVER)) return;
  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.listen();
  const init = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  })) as { capabilities: { hoverProvider?: unknown } };
  hoverAdvertised = !!init.capabilities.hoverProvider;
  await conn.sendNotification('initialized', {});
}

after(() => {
  conn?.dispose();
  proc?.kill();
});

test('LSP round trip through dist/server.js --stdio', async (t) => {
  await startServer();
  if (!conn) return t.skip('dist/server.js not built (npm run build)');
  if (!hoverAdvertised) return t.skip('server.ts does not register the hover provider yet');
  for (const wasm of ['iced_x86_bg.wasm', 'iced_x86.js', 'capstone.wasm'])
    assert.ok(
      existsSync(join(ROOT, 'dist', wasm)),
      `dist/${wasm} missing: scripts/build.mjs must copy it beside dist/server.js (the disassemblers load it from __dirname)`,
    );
  for (const [file, needle, delta, patterns] of CASES) {
    const d = doc(file);
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: d.uri, languageId: 'kernel-log', version: 1, text: d.getText() },
    });
    const h = (await conn.sendRequest('textDocument/hover', {
      textDocument: { uri: d.uri },
      position: positionOf(d, needle, delta),
    })) as { contents: { value: string } } | null;
    assert.ok(h, `hover at ${needle}`);
    for (const p of patterns) assert.match(h.contents.value, p, `${needle}: ${p}`);
  }
});
