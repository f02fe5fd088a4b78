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
    await vscode.window.showTextDocument(doc);
    const oops = lineOf(doc, 'BUG: kernel NULL pointer dereference');
    const panic = lineOf(doc, 'Kernel panic - not syncing');
    // The command sets the selection through its own TextEditor object: ours learns of it asynchronously.
    const at = () => vscode.window.activeTextEditor!.selection.active;
    const go = async (command: string, line: number) => {
      await vscode.commands.executeCommand(command);
      return eventually(
        `the cursor on line ${line + 1} after ${command}`,
        () => (at().line === line ? at() : undefined),
        5000,
      );
    };
    vscode.window.activeTextEditor!.selection = new vscode.Selection(0, 0, 0, 0);
    await eventually('the cursor on the first line', () => (at().line === 0 ? true : undefined), 5000);
    let pos = await go('kernelOops.nextCrash', oops);
    assert.ok(doc.lineAt(oops).text.slice(pos.character).startsWith('BUG: kernel NULL'), 'not at the header');
    pos = await go('kernelOops.nextCrash', panic);
    assert.ok(doc.lineAt(panic).text.slice(pos.character).startsWith('Kernel panic'));
    // No crash after the last one: the command says so and the cursor stays.
    assert.equal(await vscode.commands.executeCommand('kernelOops.nextCrash'), null);
    await go('kernelOops.previousCrash', oops);
    // From inside the oops' report, Previous goes to its own header; before the first, nowhere.
    vscode.window.activeTextEditor!.selection = new vscode.Selection(oops + 3, 0, oops + 3, 0);
    await eventually('the cursor inside the report', () => (at().line === oops + 3 ? true : undefined), 5000);
    await go('kernelOops.previousCrash', oops);
    assert.equal(await vscode.commands.executeCommand('kernelOops.previousCrash'), null);
    // The selection echoes between the extension host and the window asynchronously (a loaded machine once
    // read line 0 here for a moment): the cursor must settle on the header, not merely pass by it.
    await eventually(
      'the cursor staying on the oops header',
      () => (at().line === oops ? true : undefined),
      5000,
    );

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
