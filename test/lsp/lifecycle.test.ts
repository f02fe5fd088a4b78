// Document life cycle and settings over LSP: edits re-analyse (debounced, newest version only), closing
// clears, settings from initializationOptions and from workspace/configuration shape what is published.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LspSession, fixtureText, lineIndex, lspLines, messageOf, uriOf } from './lspClient';

const OOPS = fixtureText('oops-then-panic.dmesg');
const QUIET = '[    0.000000] Linux version 6.1.0\n[    1.000000] nothing happened\n';

async function session(init?: unknown, workspaceConfiguration = false): Promise<LspSession> {
  const lsp = new LspSession();
  await lsp.initialize(workspaceConfiguration ? { workspace: { configuration: true } } : {}, init);
  return lsp;
}

test('incremental edits re-analyse and publish for the new version with shifted lines', async (t) => {
  const lsp = await session();
  t.after(() => lsp.shutdown());
  const uri = 'untitled:edit-me';
  await lsp.open(uri, QUIET);
  assert.deepEqual(await lsp.waitForDiagnostics(uri, (p) => p.version === 1), []);
  // Insert the oops after the first line: an incremental change with a range.
  await lsp.change(uri, 2, [
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: OOPS },
  ]);
  const d2 = await lsp.waitForDiagnostics(uri, (p) => p.version === 2);
  const text2 = lspLines(QUIET)[0] + '\n' + OOPS + lspLines(QUIET).slice(1).join('\n');
  assert.equal(d2.length, 2);
  assert.equal(
    d2.find((d) => d.code === 'null-deref')?.range.start.line,
    lineIndex(text2, 'BUG: kernel NULL'),
  );
  // A full-text change back to the quiet log clears them.
  await lsp.change(uri, 3, [{ text: QUIET }]);
  assert.deepEqual(await lsp.waitForDiagnostics(uri, (p) => p.version === 3), []);
});

test('a burst of edits is analysed once, for the last version', async (t) => {
  const lsp = await session();
  t.after(() => lsp.shutdown());
  const uri = 'untitled:burst';
  await lsp.open(uri, OOPS);
  await lsp.waitForDiagnostics(uri, (p) => p.version === 1);
  const before = lsp.published.length;
  for (let v = 2; v <= 21; v++) {
    await lsp.change(uri, v, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        text: `[    0.00000${v % 10}] edit ${v}\n`,
      },
    ]);
  }
  const last = await lsp.waitForDiagnostics(uri, (p) => p.version === 21, 20_000, before);
  assert.equal(last.length, 2);
  await new Promise((r) => setTimeout(r, 500));
  const versions = lsp.published
    .slice(before)
    .filter((p) => p.uri === uri)
    .map((p) => p.version);
  assert.deepEqual(versions, [21], `published versions after the burst: ${versions}`);
});

test('closing a document clears its diagnostics; requests on it then return nothing', async (t) => {
  const lsp = await session();
  t.after(() => lsp.shutdown());
  const uri = uriOf('oops-then-panic.dmesg');
  await lsp.open(uri, OOPS);
  assert.equal((await lsp.waitForDiagnostics(uri)).length, 2);
  const before = lsp.published.length;
  await lsp.close(uri);
  assert.deepEqual(await lsp.waitForDiagnostics(uri, () => true, 5000, before), []);
  assert.equal(await lsp.symbols(uri), null);
  assert.equal(await lsp.folding(uri), null);
  assert.equal(await lsp.hover(uri, 3, 20), null);
  // Re-opening works from scratch.
  await lsp.open(uri, OOPS);
  assert.equal(
    (await lsp.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 10_000, before + 1)).length,
    2,
  );
});

test('initializationOptions: minimumSeverity and markConsequences', async (t) => {
  const lsp = await session({
    kernelOops: { diagnostics: { minimumSeverity: 'error', markConsequences: false } },
  });
  t.after(() => lsp.shutdown());
  const warn = uriOf('warn-oom.kern.log');
  await lsp.open(warn, fixtureText('warn-oom.kern.log'));
  assert.deepEqual(await lsp.waitForDiagnostics(warn), [], 'warnings are below the minimum');
  const oops = uriOf('oops-then-panic.dmesg');
  await lsp.open(oops, OOPS);
  const d = await lsp.waitForDiagnostics(oops);
  const panic = d.find((x) => x.code === 'panic');
  assert.ok(panic);
  assert.equal(panic.tags, undefined);
  assert.doesNotMatch(messageOf(panic), /consequence/);
});

test('workspace/configuration is pulled, and re-pulled after didChangeConfiguration', async (t) => {
  const lsp = await session(undefined, true);
  t.after(() => lsp.shutdown());
  lsp.configuration = { diagnostics: { enable: false } };
  const uri = uriOf('oops-then-panic.dmesg');
  await lsp.open(uri, OOPS);
  assert.deepEqual(await lsp.waitForDiagnostics(uri), [], 'diagnostics disabled');
  const before = lsp.published.length;
  lsp.configuration = { diagnostics: { enable: true } };
  await lsp.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  assert.equal((await lsp.waitForDiagnostics(uri, () => true, 5000, before)).length, 2);
});
