// Editor test of the Kernel Crashes view, through the page as a user sees it (the launcher reads the view's
// rows and clicks them): the workspace's kernel logs grouped as `oops-lens triage --json` groups the same
// files (the oracle), a group expanded lists its events, and clicking one opens the log at its header.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './harness';
import { cfg, clickViewRow, fixture, lineOf, notificationTexts, pressButton, viewRows } from './util';

const EXTENSION_ID = 'kernel-oops-lens.kernel-oops-lens';
const VIEW = 'Kernel Crashes';

interface Group {
  title: string;
  count: number;
  logs: number;
  first: { file: string; line: number };
}

export function registerCrashTreeTests(): void {
  test('Kernel Crashes view: the workspace logs grouped as oops-lens triage does; a click opens the event', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The files the view lists: those package.json names as kernel logs (the oracle is given the same).
    const lang = (
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
        contributes: {
          languages: { id: string; extensions: string[]; filenames: string[]; filenamePatterns: string[] }[];
        };
      }
    ).contributes.languages.find((l) => l.id === 'kernel-log')!;
    const glob = `**/{${[...lang.extensions.map((e) => `*${e}`), ...lang.filenames, ...lang.filenamePatterns].join(',')}}`;
    const files = (await vscode.workspace.findFiles(glob)).map((u) => u.fsPath);
    assert.ok(files.length >= 5, files.join(', '));
    const cli = spawnSync(
      process.execPath,
      [path.join(cfg.repoRoot, 'dist/cli.js'), 'triage', '--json', ...files],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const truth = (JSON.parse(cli.stdout) as { groups: Group[] }).groups;
    assert.ok(truth.length >= 3, cli.stdout);

    await vscode.commands.executeCommand('kernelOops.crashes.focus');
    const label = (g: Group) =>
      `${g.title}, ${g.count} event${g.count === 1 ? '' : 's'}, ${g.logs} log${g.logs === 1 ? '' : 's'}`;
    const rows = await eventually(
      'the groups in the view',
      async () => {
        const r = await viewRows(VIEW);
        return truth.every((g) => r.some((x) => x.label === label(g))) ? r : undefined;
      },
      60_000,
    ).catch(async (e: Error) => {
      throw new Error(
        `${e.message}\nrows: ${JSON.stringify(await viewRows(VIEW))}\nwant: ${truth.map(label).join(' | ')}`,
      );
    });
    const groupRows = rows.filter((r) => r.level === 2);
    assert.equal(
      groupRows.length - groupRows.filter((r) => !truth.some((g) => r.label === label(g))).length,
      truth.length,
    );
    assert.ok(rows.some((r) => r.level === 1 && r.label.startsWith('Kernel logs in the workspace')));

    // Expand the oops' group, click its event: the log opens with the cursor on the header.
    const oops = truth.find((g) => g.title.includes('in demo_queue_push'))!;
    assert.ok(oops, cli.stdout);
    assert.ok(await clickViewRow(VIEW, label(oops)), 'the group row');
    const name = `${path.basename(oops.first.file)}:${oops.first.line + 1}`;
    await eventually('the group’s event row', async () =>
      (await viewRows(VIEW)).some((r) => r.level === 3 && r.label.startsWith(name)) ? true : undefined,
    );
    assert.ok(await clickViewRow(VIEW, name), 'the event row');
    const editor = await eventually('the log opened at the event', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === oops.first.file && e.selection.active.line === oops.first.line
        ? e
        : undefined;
    });
    assert.equal(
      editor.selection.active.line,
      lineOf(editor.document, 'BUG: kernel NULL pointer dereference'),
    );
    assert.ok(
      editor.document
        .lineAt(editor.selection.active.line)
        .text.slice(editor.selection.active.character)
        .startsWith('BUG:'),
      'the cursor at the header text',
    );
    // The active log now has a scope of its own.
    await eventually('the This log scope', async () =>
      (await viewRows(VIEW)).some(
        (r) => r.level === 1 && r.label.startsWith(`This log: ${path.basename(oops.first.file)}`),
      )
        ? true
        : undefined,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }, 120_000);

  test('a log above the 50 MB VS Code gives extensions: read from disk, its problems shown and its events under This log, a notice says what is missing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // 55 MB of boot chatter, then a real oops: found from disk, past what VS Code gives extensions.
    const oops = readFileSync(fixture('oops.dmesg').fsPath, 'utf8');
    const oopsDoc = await vscode.workspace.openTextDocument(fixture('oops.dmesg'));
    const chatterLines = Math.ceil((55 << 20) / 70);
    const chatter = '[    1.000000] usb 1-1: new high-speed USB device number 2 using xhci_hcd\n'.repeat(
      chatterLines,
    );
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kol-large-')), 'serial-capture.log');
    writeFileSync(file, `${chatter}${oops}\n`);
    const mb = (statSync(file).size / (1 << 20)).toFixed(0);
    const cli = spawnSync(
      process.execPath,
      [path.join(cfg.repoRoot, 'dist/cli.js'), 'triage', '--json', file],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const truth = (JSON.parse(cli.stdout) as { groups: Group[] }).groups;
    assert.equal(truth.length, 1, cli.stdout);

    const uri = vscode.Uri.file(file);
    // code-server asks before showing a file this size (its remote limit is 10 MB): the user's click.
    void Promise.resolve(vscode.commands.executeCommand('vscode.open', uri)).catch(() => undefined);
    await eventually(
      'the large file in the active tab',
      async () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        if (input instanceof vscode.TabInputText && input.uri.fsPath === file) return true;
        await pressButton('Open Anyway');
        return undefined;
      },
      60_000,
    );
    // What this test is about: VS Code keeps the document from the extension host.
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file), 'the document was synced');

    await vscode.commands.executeCommand('kernelOops.crashes.focus');
    const want = `${truth[0].title}, ${truth[0].count} event${truth[0].count === 1 ? '' : 's'}`;
    await eventually(
      'the large log under This log',
      async () => {
        const rows = await viewRows(VIEW);
        const scope = rows.findIndex(
          (r) => r.level === 1 && r.label.trim() === 'This log: serial-capture.log',
        );
        return scope >= 0 && rows[scope + 1]?.label.trim() === want ? true : undefined;
      },
      90_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\nrows: ${JSON.stringify(await viewRows(VIEW))}\nwant: ${want}`);
    });
    const notice = await eventually('the notice', async () =>
      (await notificationTexts()).find((t) => t.startsWith(`serial-capture.log is ${mb} MB`)),
    );
    assert.match(notice, /VS Code gives extensions no file above 50 MB/);
    const events = (JSON.parse(cli.stdout) as { events: number }).events;
    assert.match(notice, new RegExp(`Read from disk instead: ${events} events? in the Problems panel`));
    // The server's diagnostics for the file, as for a log the editor gives us: the oops at its header.
    const ours = await eventually('the diagnostics of the large log', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'kernel-oops-lens');
      return d.length ? d : undefined;
    });
    const header = chatterLines + lineOf(oopsDoc, 'BUG: kernel NULL pointer dereference');
    assert.ok(
      ours.some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === header),
      JSON.stringify(ours.map((d) => [d.range.start.line, d.message])),
    );
    // Its tab closed: the server lets it go and the diagnostics are cleared.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually('the diagnostics cleared', () =>
      vscode.languages.getDiagnostics(uri).some((x) => x.source === 'kernel-oops-lens') ? undefined : true,
    );
    rmSync(path.dirname(file), { recursive: true, force: true });
  }, 180_000);
}
