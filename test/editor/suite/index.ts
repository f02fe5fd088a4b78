// The extension-host test suite: runs inside a real VS Code (code-server in a browser, or desktop VS Code
// through @vscode/test-electron), opens fixtures and checks what the user would see: the language id,
// diagnostics, the outline, folding, and hovers.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, runAll, test } from './harness';
import { registerCaptureTests } from './capture';
import { registerCrashTreeTests } from './crashTree';
import { registerNavigationTests } from './navigation';
import './restricted';
import {
  cfg,
  codeOf,
  definitionAt,
  diagnostics,
  fixture,
  lineOf,
  open,
  screenshotPause,
  sleep,
  statusBarEntry,
} from './util';

const EXTENSION_ID = 'kernel-oops-lens.kernel-oops-lens';

test('the extension activates on a kernel log', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  await open(fixture('oops.dmesg'));
  await eventually('activation', () => (ext.isActive ? true : undefined));
  const fromRepo = path.resolve(ext.extensionPath) === path.resolve(cfg.repoRoot);
  if (cfg.expectInstall === 'vsix')
    assert.ok(!fromRepo, `expected the .vsix install, got ${ext.extensionPath}`);
  else assert.ok(fromRepo, `expected the repository's extension, got ${ext.extensionPath}`);
  console.log(`extension under test: ${ext.extensionPath} (v${ext.packageJSON.version})`);
});

// Screenshots first, while only the oops fixture is open, so the Problems panel shows just its events.
test('screenshot: an oops with its squiggles and the Problems panel', async () => {
  if (!cfg.screenshots) return;
  const doc = await open(fixture('oops.dmesg'));
  await diagnostics(doc.uri, 2);
  const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
  const editor = vscode.window.activeTextEditor!;
  editor.revealRange(new vscode.Range(header, 0, header, 0), vscode.TextEditorRevealType.AtTop);
  editor.selection = new vscode.Selection(header + 1, 0, header + 1, 0);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await sleep(1500);
  await screenshotPause('diagnostics');
}, 90_000);

test('screenshot: a register hover', async () => {
  if (!cfg.screenshots) return;
  await vscode.commands.executeCommand('workbench.action.closePanel');
  const doc = await open(fixture('oops.dmesg'));
  const line = lineOf(doc, 'RSP: 0018:');
  const editor = vscode.window.activeTextEditor!;
  const col = doc.lineAt(line).text.indexOf('RSP') + 1;
  editor.selection = new vscode.Selection(line, col, line, col);
  editor.revealRange(new vscode.Range(line - 8, 0, line - 8, 0), vscode.TextEditorRevealType.AtTop);
  await vscode.commands.executeCommand('editor.action.showHover');
  await sleep(1500);
  await screenshotPause('hover');
}, 90_000);

test('screenshot: the outline of a report', async () => {
  if (!cfg.screenshots) return;
  await vscode.commands.executeCommand('workbench.action.closePanel');
  const doc = await open(fixture('oops.dmesg'));
  const line = lineOf(doc, 'Call Trace:');
  const editor = vscode.window.activeTextEditor!;
  editor.selection = new vscode.Selection(line + 2, 2, line + 2, 2);
  editor.revealRange(new vscode.Range(line - 10, 0, line - 10, 0), vscode.TextEditorRevealType.AtTop);
  await vscode.commands.executeCommand('outline.focus');
  await vscode.commands.executeCommand('editor.unfoldAll');
  await sleep(1500);
  await screenshotPause('outline');
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
}, 90_000);

test('file names and first lines select the Kernel Log language', async () => {
  const byName = [
    'oops.dmesg',
    'crash.oops',
    'boot.console',
    'kern.log',
    'kern.log.1',
    'vmcore-dmesg.txt',
    'dmesg-2026-11-22.txt',
    'console-ttyS0.log',
  ];
  const byFirstLine = ['capture', 'journal-export', 'kmsg-record', 'linux-banner'];
  for (const name of [...byName, ...byFirstLine]) {
    const doc = await vscode.workspace.openTextDocument(fixture(name));
    assert.equal(doc.languageId, 'kernel-log', name);
  }
  const notes = await vscode.workspace.openTextDocument(fixture('notes.txt'));
  assert.equal(notes.languageId, 'plaintext', 'an ordinary text file must not be claimed');
});

/** The Kernel Log documents VS Code has open for `uri` (a language switch replaces the document object). */
const openDoc = (uri: vscode.Uri) =>
  vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());

test('one real serial capture under the names people give it: Kernel Log, same Problems', async () => {
  const capture = path.join(cfg.corpusDir, 'qemu/logs/null_read.console.log');
  const dir = mkdtempSync(path.join(tmpdir(), 'kol-editor-names-'));
  const names = [
    'null_read.console.log',
    'dmesg.log',
    'serial.log',
    'ttyS0.log',
    'host1.console.log',
    'journal.txt',
    'report.txt',
    'crash.txt',
    'oops.txt',
    'messages',
    'syslog',
    'report0',
  ];
  let expected: number | undefined;
  for (const name of names) {
    copyFileSync(capture, path.join(dir, name));
    const uri = vscode.Uri.file(path.join(dir, name));
    await open(uri);
    const doc = await eventually(`${name} as Kernel Log`, () => {
      const d = openDoc(uri);
      return d?.languageId === 'kernel-log' ? d : undefined;
    });
    const diags = await diagnostics(doc.uri);
    assert.ok(
      diags.some((d) => codeOf(d) === 'null-deref'),
      `${name}: ${diags.map(codeOf).join(', ')}`,
    );
    // Let the count settle, then it must be the same under every name.
    await sleep(500);
    const count = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'kernel-oops-lens').length;
    expected ??= count;
    assert.equal(count, expected, `${name}: ${count} problems, ${names[0]} has ${expected}`);
    console.log(`  ${name}: ${doc.languageId}, ${count} problems`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
});

test('detection leaves other documents alone and respects a switch back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kol-editor-not-logs-'));
  const capture = path.join(cfg.corpusDir, 'qemu/logs/null_read.console.log');
  const cases: [string, string, string][] = [
    ['app.log', path.join(cfg.repoRoot, 'test-fixtures/detect/dpkg.log'), 'log'],
    ['notes-with-a-log.md', capture, 'markdown'],
    ['buggy.c', path.join(cfg.corpusDir, 'qemu/module/buggy.c'), 'c'],
  ];
  for (const [name, from, language] of cases) {
    copyFileSync(from, path.join(dir, name));
    const uri = vscode.Uri.file(path.join(dir, name));
    await open(uri);
    await sleep(1000);
    assert.equal(openDoc(uri)?.languageId, language, name);
  }
  // A log the user switched to Plain Text stays Plain Text.
  copyFileSync(capture, path.join(dir, 'oops.txt'));
  const uri = vscode.Uri.file(path.join(dir, 'oops.txt'));
  await open(uri);
  const detected = await eventually('oops.txt as Kernel Log', () =>
    openDoc(uri)?.languageId === 'kernel-log' ? openDoc(uri) : undefined,
  );
  await vscode.languages.setTextDocumentLanguage(detected, 'plaintext');
  await sleep(1000);
  assert.equal(openDoc(uri)?.languageId, 'plaintext', "the user's choice was undone");
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('an oops gets an error at its header, its panic is marked as a consequence', async () => {
  const doc = await open(fixture('oops.dmesg'));
  const diags = await diagnostics(doc.uri, 2);
  const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
  const oops = diags.find((d) => codeOf(d) === 'null-deref');
  assert.ok(oops, `no null-deref diagnostic in ${JSON.stringify(diags.map(codeOf))}`);
  assert.equal(oops.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(oops.range.start.line, header);
  assert.match(oops.message, /NULL pointer dereference in demo_queue_push/);
  assert.match(oops.message, /culprit: demo_queue_push\+0x2c\/0x90 \[demo_drv\]/);
  const guilty = oops.relatedInformation?.find((r) => r.message.startsWith('guilty frame'));
  assert.ok(guilty, 'no related information for the guilty frame');
  assert.equal(doc.getText(guilty.location.range), 'demo_queue_push');

  const panic = diags.find((d) => codeOf(d) === 'panic');
  assert.ok(panic, 'no panic diagnostic');
  assert.equal(panic.range.start.line, lineOf(doc, 'Kernel panic - not syncing'));
  assert.ok(panic.tags?.includes(vscode.DiagnosticTag.Unnecessary), 'panic not tagged as a consequence');
  assert.ok(
    panic.relatedInformation?.some((r) => r.location.range.start.line === header),
    'panic does not link to the oops',
  );
});

test('Language-model tool kernel-oops-lens_explainCrash: the crash under the cursor as JSON evidence', async () => {
  // The lm API of VS Code ≥ 1.95 (code-server 1.100 has it); @types/vscode here is 1.91's.
  const lm = (
    vscode as unknown as {
      lm: {
        tools: readonly { name: string }[];
        invokeTool(
          name: string,
          options: { input: object; toolInvocationToken: undefined },
        ): Thenable<{ content: { value?: string }[] }>;
      };
    }
  ).lm;
  assert.ok(typeof lm?.invokeTool === 'function', 'vscode.lm.invokeTool is missing');
  assert.ok(
    lm.tools.some((t) => t.name === 'kernel-oops-lens_explainCrash'),
    lm.tools.map((t) => t.name).join(', '),
  );
  const doc = await open(fixture('oops.dmesg'));
  await diagnostics(doc.uri, 2);
  const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(header + 3, 0, header + 3, 0);
  const result = await lm.invokeTool('kernel-oops-lens_explainCrash', {
    input: {},
    toolInvocationToken: undefined,
  });
  const evidence = JSON.parse(result.content.map((p) => p.value ?? '').join('')) as {
    uri: string;
    line: number;
    title: string;
    reportLines: string[];
    taint: unknown[];
    faultAccess: string | null;
  };
  // The same facts as the crash-report command the Copy crash report lens runs.
  const report = (await vscode.commands.executeCommand('kernelOops.copyCrashReport')) as {
    title: string;
    line: number;
    lines: string[];
    faultAccess: string | null;
  };
  assert.equal(evidence.uri, doc.uri.toString());
  assert.equal(evidence.line, header);
  assert.equal(evidence.title, report.title);
  assert.match(evidence.title, /NULL pointer dereference in demo_queue_push/);
  assert.deepEqual(evidence.reportLines, report.lines);
  assert.match(evidence.reportLines[0], /^BUG: kernel NULL pointer dereference/);
  assert.equal(evidence.faultAccess, report.faultAccess);
  // Input naming a line: the panic's own report.
  const panic = lineOf(doc, 'Kernel panic - not syncing');
  const second = await lm.invokeTool('kernel-oops-lens_explainCrash', {
    input: { uri: doc.uri.toString(), line: panic },
    toolInvocationToken: undefined,
  });
  assert.match(JSON.parse(second.content.map((p) => p.value ?? '').join('')).title, /^kernel panic/);
});

test('Copy crash report: a CodeLens on the oops header copies its report to the clipboard', async () => {
  const doc = await open(fixture('oops.dmesg'));
  await diagnostics(doc.uri, 2);
  const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
  const lenses = await eventually('code lenses', async () => {
    const l = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      doc.uri,
    );
    return l && l.some((x) => x.range.start.line === header) ? l : undefined;
  });
  const lens = lenses.find((l) => l.range.start.line === header && l.command?.title === 'Copy report')!;
  assert.ok(lens, lenses.map((l) => l.command?.title).join(', '));
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
  const copied = await eventually(
    'the clipboard',
    async () => (await vscode.env.clipboard.readText()) || undefined,
  );
  const lines = copied.split('\n');
  assert.match(lines[0], /NULL pointer dereference in demo_queue_push/);
  assert.ok(lines.includes('Report:'), copied);
  assert.ok(copied.includes('BUG: kernel NULL pointer dereference'), copied);

  // The command on the event under the cursor: the panic line's own report.
  const editor = await vscode.window.showTextDocument(doc);
  const panic = lineOf(doc, 'Kernel panic - not syncing');
  editor.selection = new vscode.Selection(panic, 0, panic, 0);
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand('kernelOops.copyCrashReport');
  const second = await eventually(
    'the clipboard',
    async () => (await vscode.env.clipboard.readText()) || undefined,
  );
  assert.match(second.split('\n')[0], /^kernel panic/, second);

  // The same report in Markdown: the title as a heading, the lines fenced.
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand('kernelOops.copyCrashReportMarkdown');
  const markdown = await eventually(
    'the clipboard',
    async () => (await vscode.env.clipboard.readText()) || undefined,
  );
  assert.equal(markdown.split('\n')[0], `## ${second.split('\n')[0]}`, markdown);
  assert.match(markdown, /^```text\nKernel panic - not syncing/m, markdown);

  // The other lenses of the header: Decode opens the decoded copy at this event; without debug files the
  // culprit lens says why, as plain text.
  const titles = lenses.filter((l) => l.range.start.line === header).map((l) => l.command?.title ?? '');
  assert.deepEqual(titles.slice(0, 2), ['Decode', 'Copy report']);
  assert.match(titles[2], /^No culprit source: /);
  const decode = lenses.find((l) => l.range.start.line === header && l.command?.title === 'Decode')!;
  await vscode.commands.executeCommand(decode.command!.command, ...(decode.command!.arguments ?? []));
  const copy = await eventually('the decoded copy at the event', () => {
    const e = vscode.window.activeTextEditor;
    return e?.document.uri.scheme === 'kernel-oops-decoded' ? e : undefined;
  });
  assert.equal(copy.document.lineAt(copy.selection.active.line).text, doc.lineAt(header).text);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

registerNavigationTests();
registerCrashTreeTests();
registerCaptureTests();

test('outline: the oops with its registers, call trace and modules', async () => {
  const doc = await open(fixture('oops.dmesg'));
  const symbols = await eventually('document symbols', async () => {
    const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      doc.uri,
    );
    return s && s.length >= 2 ? s : undefined;
  });
  const oops = symbols.find((s) => s.name.includes('NULL pointer dereference'));
  assert.ok(oops, `symbols: ${symbols.map((s) => s.name).join(' | ')}`);
  const children = oops.children.map((c) => c.name);
  for (const part of ['Registers', 'Call Trace', 'Modules linked in'])
    assert.ok(children.includes(part), `${part} missing from ${children.join(', ')}`);
  const trace = oops.children.find((c) => c.name === 'Call Trace')!;
  assert.deepEqual(
    trace.children.slice(0, 2).map((f) => f.name),
    ['demo_submit', 'demo_ioctl'],
  );
});

test('folding: the report, its register dump and its call trace fold', async () => {
  const doc = await open(fixture('oops.dmesg'));
  const ranges = await eventually('folding ranges', async () => {
    const r = await vscode.commands.executeCommand<vscode.FoldingRange[]>(
      'vscode.executeFoldingRangeProvider',
      doc.uri,
    );
    return r && r.length ? r : undefined;
  });
  const starts = ranges.map((r) => r.start);
  assert.ok(starts.includes(lineOf(doc, 'BUG: kernel NULL pointer dereference')), 'report does not fold');
  assert.ok(starts.includes(lineOf(doc, 'Call Trace:')), 'call trace does not fold');
  assert.ok(
    starts.includes(lineOf(doc, 'RSP: 0018')) || starts.includes(lineOf(doc, 'RIP: 0010')),
    'register dump does not fold',
  );
});

test('a log above 300,000 lines, which VS Code does not tokenize: the viewport coloured by our semantic tokens', async () => {
  const oops = readFileSync(fixture('oops.dmesg').fsPath, 'utf8');
  const lines = oops.split(/\r\n|\r|\n/).length - 1;
  const dir = mkdtempSync(path.join(tmpdir(), 'kol-tokens-'));
  const file = path.join(dir, 'long-capture.log');
  writeFileSync(file, oops.repeat(Math.ceil(310_000 / lines)));
  try {
    const doc = await open(vscode.Uri.file(file));
    assert.ok(doc.lineCount > 300_000, String(doc.lineCount));
    const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
    const tokens = await eventually('semantic tokens of the viewport', async () => {
      const t = await vscode.commands.executeCommand<vscode.SemanticTokens>(
        'vscode.provideDocumentRangeSemanticTokens',
        doc.uri,
        new vscode.Range(header, 0, header + 20, 0),
      );
      return t && t.data.length > 0 ? t : undefined;
    });
    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>(
      'vscode.provideDocumentRangeSemanticTokensLegend',
      doc.uri,
    );
    // The header's first token on its line: the timestamp's bracket; the header text coloured as an oops.
    const types: string[] = [];
    for (let i = 0; i < tokens.data.length; i += 5) types.push(legend.tokenTypes[tokens.data[i + 3]]);
    assert.equal(tokens.data[0], header, 'the first token on the header line (lines count from the top)');
    assert.ok(types.includes('kl-comment-timestamp'), types.join(' '));
    assert.ok(
      types.some((t) => t.startsWith('kl-invalid-illegal')),
      types.join(' '),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('hover on a register explains it', async () => {
  const doc = await open(fixture('oops.dmesg'));
  await diagnostics(doc.uri, 2);
  const line = lineOf(doc, 'RSP: 0018:');
  const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('RSP') + 1);
  const hovers = await eventually('a hover', async () => {
    const h = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      pos,
    );
    return h && h.length ? h : undefined;
  });
  const text = hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
  assert.match(text, /RSP/);
  assert.match(text, /stack pointer/i);
});

test('a real CRLF serial capture: positions agree with the editor', async () => {
  const file = path.join(cfg.corpusDir, 'qemu/logs/null_read.console.log');
  assert.ok(existsSync(file), `${file} missing`);
  let doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  doc = await vscode.languages.setTextDocumentLanguage(doc, 'kernel-log');
  await vscode.window.showTextDocument(doc);
  const diags = await diagnostics(doc.uri);
  const oops = diags.find((d) => codeOf(d) === 'null-deref');
  assert.ok(oops);
  const header = lineOf(doc, 'BUG: kernel NULL pointer dereference');
  assert.equal(oops.range.start.line, header);
  assert.equal(
    doc.getText(oops.range).startsWith('BUG: kernel NULL pointer dereference'),
    true,
    doc.getText(oops.range),
  );
});

test('editing re-analyses; closing clears the diagnostics', async () => {
  const src = await vscode.workspace.openTextDocument(fixture('oops.dmesg'));
  const doc = await vscode.workspace.openTextDocument({
    language: 'kernel-log',
    content: '[    1.000000] nothing to see here\n',
  });
  const editor = await vscode.window.showTextDocument(doc);
  await sleep(1000);
  assert.equal(vscode.languages.getDiagnostics(doc.uri).length, 0, 'a quiet log has no diagnostics');
  await editor.edit((e) => e.insert(new vscode.Position(1, 0), src.getText()));
  const diags = await diagnostics(doc.uri, 2);
  assert.ok(diags.some((d) => codeOf(d) === 'null-deref'));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await eventually('diagnostics cleared after close', () =>
    vscode.languages.getDiagnostics(doc.uri).length === 0 ? true : undefined,
  );
});

test('go to definition on a module frame opens buggy.c at the ground-truth line (modulePaths + sourceRoot)', async () => {
  const qemu = path.join(cfg.corpusDir, 'qemu');
  const tree = mkdtempSync(path.join(tmpdir(), 'kol-editor-tree-'));
  copyFileSync(path.join(qemu, 'module/buggy.c'), path.join(tree, 'buggy.c'));
  const config = vscode.workspace.getConfiguration('kernelOops');
  await config.update('modulePaths', [path.join(qemu, 'module')], vscode.ConfigurationTarget.Global);
  await config.update('sourceRoot', tree, vscode.ConfigurationTarget.Global);
  try {
    let doc = await vscode.workspace.openTextDocument(
      vscode.Uri.file(path.join(qemu, 'logs/null_read.console.log')),
    );
    doc = await vscode.languages.setTextDocumentLanguage(doc, 'kernel-log');
    await vscode.window.showTextDocument(doc);
    const line = lineOf(doc, 'buggy_null_read_level1+0xa/0x20 [buggy]');
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('buggy_null_read_level1') + 2);
    // decoded/null_read.truth.tsv: buggy_null_read_level1+0xa is a return address; the call is at buggy.c:51.
    const target = await eventually('a definition', () => definitionAt(doc.uri, pos), 30_000);
    assert.equal(target.uri.fsPath, path.join(tree, 'buggy.c'));
    assert.equal(target.line + 1, 51);
    // "Kernel Oops Lens: Decode log" opens a read-only decode_stacktrace.sh-style copy beside the log,
    // named after it, saying what was decoded, and not analysed a second time.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('kernelOops.decodeLog');
    const decoded = await eventually('the decoded copy', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.scheme === 'kernel-oops-decoded' ? d : undefined;
    });
    assert.equal(path.posix.basename(decoded.uri.path), 'null_read.console.log (decoded)');
    assert.equal(decoded.languageId, 'kernel-log');
    assert.ok(!decoded.isDirty && !decoded.isUntitled);
    const text = decoded.getText();
    assert.match(text.split('\n')[1], /^Decoded [1-9]\d* of \d+ frames\.$/, text.slice(0, 400));
    assert.ok(
      text.includes('buggy_null_read_level1 (/var/lib/dkms/buggy/1.0/build/buggy.c:51) buggy'),
      text.slice(0, 600),
    );
    await sleep(2000);
    const twice = vscode.languages.getDiagnostics(decoded.uri).filter((x) => x.source === 'kernel-oops-lens');
    assert.equal(twice.length, 0, 'the decoded copy must not repeat the log’s problems');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.ok(
      !vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'kernel-oops-decoded'),
      'closing the decoded copy asks nothing',
    );
  } finally {
    await config.update('modulePaths', undefined, vscode.ConfigurationTarget.Global);
    await config.update('sourceRoot', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
}, 60_000);

test('an arm64 log with an x86_64 module configured: nothing symbolized, the status bar says why', async () => {
  const config = vscode.workspace.getConfiguration('kernelOops');
  const x86Module = path.join(cfg.corpusDir, 'qemu/module');
  await config.update('modulePaths', [x86Module], vscode.ConfigurationTarget.Global);
  try {
    const doc = await open(
      vscode.Uri.file(path.join(cfg.corpusDir, 'qemu-arm64/logs/null_read.console.log')),
    );
    await eventually('Kernel Log', () =>
      vscode.window.activeTextEditor?.document.languageId === 'kernel-log' ? true : undefined,
    );
    const entry = await statusBarEntry("Debug files don't match this log");
    console.log(`  status bar: ${entry}`);
    // A call-trace frame of the module (not the `lr :` register line).
    const line = lineOf(doc, ' buggy_null_read+0x2c/0x44 [buggy]');
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('buggy_null_read') + 2);
    assert.equal(
      await definitionAt(doc.uri, pos),
      undefined,
      'an x86_64 module must not place an arm64 frame',
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      pos,
    );
    const hoverText = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(hoverText, /does not match this log/, hoverText.slice(0, 800));
  } finally {
    await config.update('modulePaths', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
}, 90_000);

export async function run(): Promise<void> {
  // A launcher runs either the usual tests or, in a Restricted-Mode workspace, the restricted ones.
  const { failed } = await runAll(
    (line) => console.log(line),
    cfg.restricted ? 'restricted' : 'trusted',
    cfg.only,
  );
  if (failed) throw new Error(`${failed} editor test(s) failed`);
}
