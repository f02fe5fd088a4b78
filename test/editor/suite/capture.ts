// Editor tests of Open kernel log: this boot / previous boot / from a file…. The suite runs in the
// extension host, the process that spawns journalctl: it puts a stub journalctl (and dmesg) first in that
// process's PATH, so the real command path is taken — spawn, streaming, fallbacks — on a known log. The
// stub records its arguments; in "stream" mode it prints the first lines, waits for the test's go file and
// prints the rest, so the document is seen growing. The last test uses the machine's real dmesg, with
// `dmesg` run by the test itself as the oracle (the log, or the refusal where the machine forbids it).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './harness';
import { diagnostics, fixture } from './util';

interface CaptureResult {
  uri: string | null;
  source: string | null;
  message: string | null;
}

const JOURNALCTL = `#!/bin/sh
printf '%s\\n' "$@" > "$KOL_STUB_DIR/journalctl.args"
case "$KOL_STUB_MODE" in
  stream)
    head -n 20 "$KOL_STUB_DIR/log"
    i=0
    while [ ! -e "$KOL_STUB_DIR/go" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
    tail -n +21 "$KOL_STUB_DIR/log" ;;
  empty) echo '-- No entries --'; echo 'No journal files were found.' >&2 ;;
  denied) echo 'No journal files were opened due to insufficient permissions.' >&2; exit 1 ;;
esac
`;
const DMESG_DENIED = `#!/bin/sh
echo 'dmesg: read kernel buffer failed: Operation not permitted' >&2
exit 1
`;

/** A stub folder: bin/journalctl, denied/dmesg, and the fixture oops as journalctl -o short-monotonic prints it. */
function stubs(): { dir: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kol-capture-'));
  for (const [sub, name, text] of [
    ['bin', 'journalctl', JOURNALCTL],
    ['denied', 'dmesg', DMESG_DENIED],
  ]) {
    mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, sub, name), text);
    chmodSync(path.join(dir, sub, name), 0o755);
  }
  const log = readFileSync(fixture('oops.dmesg').fsPath, 'utf8').replace(
    /^(\[ *\d+\.\d+\]) /gm,
    '$1 buildhost kernel: ',
  );
  writeFileSync(path.join(dir, 'log'), log);
  return { dir, log };
}

/** Runs `f` with the stubs first in PATH and the capture's environment set, restoring it afterwards. */
async function withStubs<T>(
  mode: string,
  extraPath: string[],
  f: (s: { dir: string; log: string }) => Promise<T>,
): Promise<T> {
  const s = stubs();
  const saved = { ...process.env };
  process.env.PATH = [...extraPath.map((p) => path.join(s.dir, p)), path.join(s.dir, 'bin'), saved.PATH].join(
    ':',
  );
  process.env.KOL_STUB_DIR = s.dir;
  process.env.KOL_STUB_MODE = mode;
  process.env.KERNEL_OOPS_LENS_KERN_LOG = path.join(s.dir, 'no-kern.log');
  try {
    return await f(s);
  } finally {
    for (const k of ['PATH', 'KOL_STUB_DIR', 'KOL_STUB_MODE', 'KERNEL_OOPS_LENS_KERN_LOG'])
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
  }
}

const captureDoc = (uri: string) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);

export function registerCaptureTests(): void {
  test('Open kernel log: this boot streams journalctl -k -b 0 into a read-only Kernel Log', async () => {
    await withStubs('stream', [], async ({ dir, log }) => {
      const running = vscode.commands.executeCommand<CaptureResult>('kernelOops.openKernelLog.thisBoot');
      // While the stub waits, the document already shows its first lines.
      const partial = await eventually('the capture growing', () => {
        const d = vscode.window.activeTextEditor?.document;
        return d?.uri.scheme === 'kernel-oops-capture' && d.getText().includes('BUG: kernel NULL')
          ? d
          : undefined;
      });
      assert.ok(!partial.getText().includes('Kernel panic'), 'the whole log before the stub finished');
      writeFileSync(path.join(dir, 'go'), '');
      const result = await running;
      assert.equal(result.message, null);
      assert.equal(result.source, 'journalctl -k -b 0 -o short-monotonic --no-pager');
      assert.deepEqual(readFileSync(path.join(dir, 'journalctl.args'), 'utf8').split('\n').slice(0, -1), [
        '-k',
        '-b',
        '0',
        '-o',
        'short-monotonic',
        '--no-pager',
      ]);
      const doc = await eventually('the whole capture', () => {
        const d = captureDoc(result.uri!);
        return d && d.getText() === log ? d : undefined;
      });
      assert.equal(doc.languageId, 'kernel-log');
      const diags = await diagnostics(doc.uri, 2);
      assert.ok(diags.some((d) => d.message.includes('NULL pointer dereference in demo_queue_push')));
      // Read-only: typing into it changes nothing.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('type', { text: 'typed' });
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!doc.isDirty, 'the capture took an edit');
      assert.equal(doc.getText(), log);
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }, 60_000);

  test('Open kernel log: previous boot asks journalctl for -b -1', async () => {
    await withStubs('stream', [], async ({ dir, log }) => {
      writeFileSync(path.join(dir, 'go'), '');
      const result = await vscode.commands.executeCommand<CaptureResult>(
        'kernelOops.openKernelLog.previousBoot',
      );
      assert.equal(result.source, 'journalctl -k -b -1 -o short-monotonic --no-pager');
      assert.deepEqual(readFileSync(path.join(dir, 'journalctl.args'), 'utf8').split('\n').slice(0, 3), [
        '-k',
        '-b',
        '-1',
      ]);
      await eventually('the whole capture', () =>
        captureDoc(result.uri!)?.getText() === log ? true : undefined,
      );
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('capture refused for lack of privilege (dmesg_restrict): one message saying how to get the log', async () => {
    await withStubs('denied', ['denied'], async () => {
      const result = await vscode.commands.executeCommand<CaptureResult>('kernelOops.openKernelLog.thisBoot');
      assert.equal(result.uri, null);
      assert.match(result.message ?? '', /not allowed to read the kernel log of this boot/);
      assert.match(
        result.message ?? '',
        /insufficient permissions.*Operation not permitted.*no-kern\.log: not found/,
      );
      assert.match(result.message ?? '', /dmesg_restrict.*sudo dmesg/);
    });
  });

  test('no journal: the real dmesg of this machine, or its refusal', async () => {
    const oracle = spawnSync('dmesg', [], { encoding: 'utf8' });
    await withStubs('empty', [], async () => {
      const result = await vscode.commands.executeCommand<CaptureResult>('kernelOops.openKernelLog.thisBoot');
      if (oracle.status === 0 && oracle.stdout.trim()) {
        assert.equal(result.source, 'dmesg', JSON.stringify(result));
        const first = oracle.stdout.split('\n')[0];
        assert.equal(captureDoc(result.uri!)?.lineAt(0).text, first);
        console.log(`  real dmesg: ${oracle.stdout.split('\n').length} lines`);
      } else {
        assert.equal(result.uri, null);
        assert.match(result.message ?? '', /journalctl .*no kernel messages.*dmesg/, JSON.stringify(result));
        console.log(`  real dmesg refused: ${result.message}`);
      }
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open kernel log: pstore joins the parts of a dump oldest first into a read-only Kernel Log', async () => {
    // The fixture oops as fs/pstore/platform.c keeps it: `<level>` prefixes, split inside its call trace, the
    // most recent text in Part1.
    const lines = readFileSync(fixture('oops.dmesg').fsPath, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('['))
      .map((l) => `<4>${l}`);
    const cut = lines.findIndex((l) => l.includes('Call Trace:')) + 2;
    assert.ok(cut > 2 && cut < lines.length - 2);
    const dir = mkdtempSync(path.join(tmpdir(), 'kol-pstore-'));
    writeFileSync(path.join(dir, 'dmesg-ramoops-0'), ['Oops#1 Part1', ...lines.slice(cut)].join('\n') + '\n');
    writeFileSync(
      path.join(dir, 'dmesg-ramoops-1'),
      ['Oops#1 Part2', ...lines.slice(0, cut)].join('\n') + '\n',
    );
    const saved = process.env.KERNEL_OOPS_LENS_PSTORE_DIRS;
    process.env.KERNEL_OOPS_LENS_PSTORE_DIRS = dir;
    try {
      const result = await vscode.commands.executeCommand<CaptureResult>('kernelOops.openKernelLog.pstore');
      assert.equal(result.message, null);
      assert.equal(result.source, 'Oops#1: parts 2, 1 joined, oldest first');
      const doc = await eventually('the pstore document', () => captureDoc(result.uri!));
      assert.equal(doc.getText(), lines.join('\n') + '\n');
      assert.equal(doc.languageId, 'kernel-log');
      const diags = await diagnostics(doc.uri, 1);
      assert.ok(
        diags.some((d) => d.message.includes('NULL pointer dereference in demo_queue_push')),
        JSON.stringify(diags.map((d) => d.message)),
      );
      // An empty pstore: a message, no document.
      process.env.KERNEL_OOPS_LENS_PSTORE_DIRS = mkdtempSync(path.join(tmpdir(), 'kol-pstore-empty-'));
      const none = await vscode.commands.executeCommand<CaptureResult>('kernelOops.openKernelLog.pstore');
      assert.equal(none.uri, null);
      assert.match(none.message ?? '', /no pstore dump found/);
    } finally {
      if (saved === undefined) delete process.env.KERNEL_OOPS_LENS_PSTORE_DIRS;
      else process.env.KERNEL_OOPS_LENS_PSTORE_DIRS = saved;
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open kernel log: from a file… opens it as Kernel Log', async () => {
    const file = fixture('notes.txt');
    assert.ok(existsSync(file.fsPath));
    const uri = await vscode.commands.executeCommand<vscode.Uri | null>(
      'kernelOops.openKernelLog.fromFile',
      file,
    );
    assert.equal(uri?.toString(), file.toString());
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'kernel-log');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}
