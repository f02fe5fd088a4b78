// The faulting access in the CLI: `decode` adds one `Faulting access:` line after a memory fault's RIP line,
// `analyze --json` gives each event `access` (null for events that are no memory fault). The engine's answers
// are checked against objdump/gdb in server/test/access; here: that the CLI shows them, where it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU_LOGS, QEMU_MODULES } from '../symbolize-lsp/truth';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function run(args: string[]) {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
}

interface AccessJson {
  instruction: string;
  bytesFrom: string;
  base: { register: string; value: string } | null;
  address: string | null;
  agreesWithFaultAddress: boolean | null;
  summary: string;
}

function accesses(args: string[]): (AccessJson | null)[] {
  const r = run(['analyze', '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { events: { access: AccessJson | null }[] }[])[0].events.map(
    (e) => e.access,
  );
}

test('decode: one Faulting access line right after the first RIP line of each memory fault, with its prefix', () => {
  for (const sc of ['null_read', 'null_write', 'gpf', 'inline', 'null_wq']) {
    const log = join(QEMU_LOGS, `${sc}.console.log`);
    const r = run(['decode', log, '--modules', QEMU_MODULES]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.split('\n');
    const added = out.flatMap((l, i) => (/Faulting access: /.test(l) ? [i] : []));
    assert.equal(added.length, 1, `${sc}: ${added.length} access lines`);
    const rip = out[added[0] - 1];
    assert.match(rip, /RIP: 0010:/, sc);
    const prefix = rip.slice(0, rip.indexOf('RIP: '));
    const json = accesses(['--modules', QEMU_MODULES, log]).find((a) => a)!;
    assert.equal(out[added[0]], `${prefix}Faulting access: ${json.summary}`, sc);
    // Nothing else changed in number: the input's lines plus the one added.
    const input = readFileSync(log, 'utf8').split(/\r\n|\r|\n/);
    assert.equal(out.length, input.length + 1, sc);
  }
});

test('analyze --json: access on memory faults (bytes from buggy.ko with --modules, else the Code: line), null elsewhere', () => {
  const log = join(QEMU_LOGS, 'null_write.console.log');
  const [withFile] = accesses(['--modules', QEMU_MODULES, log]);
  assert.ok(withFile);
  assert.equal(withFile.bytesFrom, 'debug file');
  assert.equal(withFile.instruction, 'movq $0x1234,0x8(%rbx)');
  assert.deepEqual(withFile.base, { register: 'RBX', value: '0x0' });
  assert.equal(withFile.address, '0x8');
  assert.equal(withFile.agreesWithFaultAddress, true);
  const [fromLog] = accesses([log]);
  assert.ok(fromLog);
  assert.equal(fromLog.bytesFrom, 'Code: line');
  assert.equal(fromLog.instruction, withFile.instruction);
  for (const sc of ['warn_on', 'bug_on', 'panic'])
    assert.ok(
      accesses([join(QEMU_LOGS, `${sc}.console.log`)]).every((a) => a === null),
      sc,
    );
});
