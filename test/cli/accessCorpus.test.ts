// The faulting access on the real qemu crashes made for it (test-fixtures/corpus/qemu-access): `analyze --json`'s
// `access` against the ground truth of decoded/access.truth.tsv (the expression read off the faulting source
// line, checked with gdb), and the engine's own expression evaluated by gdb on access.ko: the address of the
// expression at the dump's register value is the fault address; a called expression is a function pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const DIR = join(ROOT, 'test-fixtures/corpus/qemu-access');
const KO = join(DIR, 'module/access.ko');
const VMLINUX = process.env.OOPS_LENS_VMLINUX;
const hasGdb = spawnSync('gdb', ['--version']).status === 0;

interface Truth {
  scenario: string;
  expression: string;
  pointer: string;
  variable: string;
  type: string;
  register: string;
  value: string;
  address: string;
  fault: string;
}

const truth: Truth[] = readFileSync(join(DIR, 'decoded/access.truth.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [scenario, , , expression, pointer, variable, type, register, value, address, fault] =
      l.split('\t');
    return { scenario, expression, pointer, variable, type, register, value, address, fault };
  });

interface AccessJson {
  kind: string;
  address: string | null;
  agreesWithFaultAddress: boolean | null;
  base: { register: string; value: string | null } | null;
  variable: { name: string; type: string } | null;
  expression: string | null;
  pointer: string | null;
  summary: string;
}

function accessOf(scenario: string, vmlinux?: string): AccessJson {
  const args = ['analyze', '--json', '--modules', KO, ...(vmlinux ? ['--vmlinux', vmlinux] : [])];
  const r = spawnSync(process.execPath, [CLI, ...args, join(DIR, 'logs', `${scenario}.console.log`)], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const events = (JSON.parse(r.stdout) as { events: { access: AccessJson | null }[] }[])[0].events;
  const a = events.find((e) => e.access)?.access;
  assert.ok(a, `${scenario}: no access`);
  return a;
}

function gdb(...commands: string[]): string[] {
  const r = spawnSync('gdb', ['-batch', '-nx', KO, ...commands.flatMap((c) => ['-ex', c])], {
    encoding: 'utf8',
  });
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.replace(/^\$\d+ = |^type = /, ''));
}

/** The truth rows that need vmlinux (the fault is inside a vmlinux function). */
const IN_VMLINUX = new Set(['mutex_null']);

test('qemu-access corpus: the ground truth covers every capture', () => {
  const logs = ['nested_null', 'ops_null', 'fop_null', 'uaf_poison', 'array_loop', 'mutex_null'];
  assert.deepEqual(truth.map((t) => t.scenario).sort(), [...logs].sort());
  for (const sc of logs) assert.ok(existsSync(join(DIR, 'logs', `${sc}.console.log`)), sc);
});

for (const t of truth) {
  const needsVmlinux = IN_VMLINUX.has(t.scenario);
  test(
    `analyze --json access of qemu-access ${t.scenario}: \`${t.expression}\` as the truth and gdb say`,
    {
      skip:
        (needsVmlinux && !(VMLINUX && existsSync(VMLINUX)) && 'OOPS_LENS_VMLINUX not set') ||
        (!hasGdb && 'gdb not installed (apt-get install -y gdb)'),
    },
    () => {
      const a = accessOf(t.scenario, needsVmlinux ? VMLINUX : undefined);
      assert.equal(a.expression, t.expression, a.summary);
      assert.equal(a.pointer, t.pointer, a.summary);
      assert.equal(a.variable?.name, t.variable, a.summary);
      assert.equal(a.variable?.type, t.type, a.summary);
      assert.equal(a.address, t.address, a.summary);
      assert.equal(a.agreesWithFaultAddress, true, a.summary);
      const root = `((${a.variable!.type})0)`;
      if (a.kind === 'exec') {
        // A call: the expression is a function pointer (gdb's type of it), RIP its NULL value.
        assert.equal(a.address, t.fault);
        const type = gdb(`whatis ${root}${a.expression!.slice(a.variable!.name.length)}`)[0];
        assert.match(type, /\(\*\)\(/, `${t.scenario}: gdb says ${type}`);
        return;
      }
      assert.deepEqual(a.base, { register: t.register, value: t.value });
      // gdb: the pointer's type, then &(pointer at the register's value)->rest == the fault address.
      const pointerType = gdb(`whatis ${root}${a.pointer!.slice(a.variable!.name.length)}`)[0];
      const rest = a.expression!.slice(a.pointer!.length);
      const at = gdb(`print/x (unsigned long)&((${pointerType})${a.base!.value})${rest}`)[0];
      assert.equal(at, t.fault, `${t.scenario}: gdb puts &${a.expression} at ${at}`);
    },
  );
}
