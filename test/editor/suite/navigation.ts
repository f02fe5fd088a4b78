// Editor tests of moving between crashes: Next / Previous crash (and their default keybindings), the code
// actions on a diagnostic, and workspace symbols (Ctrl+T) over every open kernel log.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, test } from './harness';
import { diagnostics, fixture, lineOf, open } from './util';

const EXTENSION_ID = 'kernel-oops-lens.kernel-oops-lens';

export function registerNavigationTests(): void {
  test('Next crash / Previous crash move the cursor between event headers', async () => {
    const doc = await open(fixture('oops.dmesg'));
    await diagnostics(doc.uri, 2);
    const editor = await vscode.window.showTextDocument(doc);
    const oops = lineOf(doc, 'BUG: kernel NULL pointer dereference');
    const panic = lineOf(doc, 'Kernel panic - not syncing');
    const at = () => editor.selection.active;
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('kernelOops.nextCrash');
    assert.equal(at().line, oops);
    assert.ok(
      doc.lineAt(oops).text.slice(at().character).startsWith('BUG: kernel NULL'),
      'not at the header',
    );
    await vscode.commands.executeCommand('kernelOops.nextCrash');
    assert.equal(at().line, panic);
    assert.ok(doc.lineAt(panic).text.slice(at().character).startsWith('Kernel panic'));
    await vscode.commands.executeCommand('kernelOops.nextCrash');
    assert.equal(at().line, panic, 'no crash after the last: the cursor stays');
    await vscode.commands.executeCommand('kernelOops.previousCrash');
    assert.equal(at().line, oops);
    // From inside the oops' report, Previous goes to its own header's predecessor: none, so it stays.
    editor.selection = new vscode.Selection(oops + 3, 0, oops + 3, 0);
    await vscode.commands.executeCommand('kernelOops.previousCrash');
    assert.equal(at().line, oops);
    await vscode.commands.executeCommand('kernelOops.previousCrash');
    assert.equal(at().line, oops);

    // The default keybindings apply only in kernel logs.
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: {
        keybindings: { command: string; key: string; when: string }[];
        languages: { id: string }[];
      };
    };
    assert.equal(doc.languageId, pkg.contributes.languages[0].id);
    for (const command of ['kernelOops.nextCrash', 'kernelOops.previousCrash']) {
      const kb = pkg.contributes.keybindings.find((k) => k.command === command);
      assert.ok(kb, `no keybinding for ${command}`);
      assert.match(kb.when, new RegExp(`editorLangId == ${doc.languageId}\\b`));
    }
  });

  test('code actions on the oops diagnostic: Copy crash report copies it; syzbot and debug files offered', async () => {
    const doc = await open(fixture('oops.dmesg'));
    const diags = await diagnostics(doc.uri, 2);
    const oops = diags.find((d) => d.message.includes('NULL pointer dereference'))!;
    const actions = await eventually('code actions', async () => {
      const a = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        oops.range,
      );
      return a?.some((x) => x.title === 'Copy crash report') ? a : undefined;
    });
    const titles = actions.map((a) => a.title);
    for (const t of ['Copy crash report', 'Search this title on syzbot', 'Select debug files…'])
      assert.ok(titles.includes(t), `${t} missing from ${titles.join(', ')}`);
    const syzbot = actions.find((a) => a.title === 'Search this title on syzbot')!;
    assert.equal(syzbot.command?.command, 'kernelOops.searchSyzbot');
    assert.match(String(syzbot.command?.arguments?.[0]), /NULL pointer dereference in demo_queue_push/);
    const copy = actions.find((a) => a.title === 'Copy crash report')!;
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(copy.command!.command, ...(copy.command!.arguments ?? []));
    const copied = await eventually(
      'the clipboard',
      async () => (await vscode.env.clipboard.readText()) || undefined,
    );
    assert.match(copied.split('\n')[0], /NULL pointer dereference in demo_queue_push/, copied);
  });

  test('workspace symbols: the events of every open kernel log by title, culprit and task', async () => {
    const oops = await open(fixture('oops.dmesg'));
    const kern = await open(fixture('kern.log'));
    await diagnostics(kern.uri, 1);
    const query = (q: string) =>
      vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', q);
    const byCulprit = await eventually('workspace symbols', async () => {
      const s = await query('demo_fence_signal');
      return s?.length ? s : undefined;
    });
    const warning = byCulprit.find((s) => s.location.uri.toString() === kern.uri.toString());
    assert.ok(warning, JSON.stringify(byCulprit.map((s) => s.name)));
    assert.equal(warning.location.range.start.line, lineOf(kern, 'WARNING: CPU'));
    assert.match(warning.name, /^WARNING in demo_fence_signal/);
    const all = await query('');
    const files = new Set(all.map((s) => s.location.uri.toString()));
    assert.ok(files.has(oops.uri.toString()) && files.has(kern.uri.toString()), [...files].join(', '));
    assert.ok(all.some((s) => s.name.includes('NULL pointer dereference in demo_queue_push')));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}
