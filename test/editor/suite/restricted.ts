// Restricted Mode (the launcher's --restricted: workspace trust on, the folder untrusted). The folder holds
// a log and the module its frames name, as a hostile checkout could: nothing from it may be opened, and
// Select debug files must store a choice where the server honours it (user settings, with consent).
import * as assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './harness';
import { cfg, definitionAt, diagnostics, lineOf, open, statusBarEntry } from './util';

const restricted = (name: string, fn: () => Promise<void>, timeoutMs = 60_000) =>
  test(name, fn, timeoutMs, 'restricted');

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(f, 'the restricted launcher opens a folder');
  return f;
}

/** The buggy frame of the workspace's log and its position. */
async function buggyFrame(): Promise<{ doc: vscode.TextDocument; pos: vscode.Position }> {
  const doc = await open(vscode.Uri.file(path.join(folder(), 'null_read.console.log')));
  await diagnostics(doc.uri);
  const line = lineOf(doc, 'buggy_null_read_level1+0xa/0x20 [buggy]');
  return { doc, pos: new vscode.Position(line, doc.lineAt(line).text.indexOf('buggy_null_read_level1') + 2) };
}

restricted('the workspace is in Restricted Mode', async () => {
  assert.equal(vscode.workspace.isTrusted, false, 'the launcher must open an untrusted folder');
});

restricted(
  'a module in the untrusted folder is not opened: no frame placed, the status bar says so',
  async () => {
    const { doc, pos } = await buggyFrame();
    await statusBarEntry('No matching debug files');
    assert.equal(
      await definitionAt(doc.uri, pos),
      undefined,
      'module/buggy.ko in the folder must not be used',
    );
  },
);

restricted(
  'Select debug files: not into the ignored workspace settings; into user settings with consent',
  async () => {
    const config = () => vscode.workspace.getConfiguration('kernelOops');
    const moduleDir = path.join(folder(), 'module');
    const tree = mkdtempSync(path.join(tmpdir(), 'kol-restricted-src-'));
    copyFileSync(path.join(cfg.corpusDir, 'qemu/module/buggy.c'), path.join(tree, 'buggy.c'));
    try {
      // Without consent (no scope): nothing is written where VS Code would ignore it.
      const saved = await vscode.commands.executeCommand<boolean>('kernelOops.selectDebugFiles', {
        setting: 'modulePaths',
        paths: [moduleDir],
      });
      assert.equal(saved, false);
      assert.equal(config().inspect('modulePaths')?.workspaceValue, undefined);
      assert.equal(config().inspect('modulePaths')?.globalValue, undefined);
      // With consent: the user settings, which the server honours in Restricted Mode.
      for (const [setting, paths] of [
        ['modulePaths', [moduleDir]],
        ['sourceRoot', [tree]],
      ] as const)
        assert.equal(
          await vscode.commands.executeCommand<boolean>('kernelOops.selectDebugFiles', {
            setting,
            paths,
            scope: 'user',
          }),
          true,
        );
      assert.deepEqual(config().inspect('modulePaths')?.globalValue, [moduleDir]);
      const { doc, pos } = await buggyFrame();
      // decoded/null_read.truth.tsv: buggy_null_read_level1+0xa returns to buggy.c:51.
      const target = await eventually('a definition', () => definitionAt(doc.uri, pos), 30_000);
      assert.equal(target.uri.fsPath, path.join(tree, 'buggy.c'));
      assert.equal(target.line + 1, 51);
      await statusBarEntry('buggy');
    } finally {
      await config().update('modulePaths', undefined, vscode.ConfigurationTarget.Global);
      await config().update('sourceRoot', undefined, vscode.ConfigurationTarget.Global);
    }
  },
  90_000,
);
