// Steps 1 and 2 on the real qemu crashes of buggy.ko: the faulting instruction read from the .ko at the RIP
// (checked against objdump's disassembly of the same file), the same instruction decoded from the log's
// Code: line, the register values and the effective address against the fault address the kernel printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessEventOf, analyzeText, evidenceFromCall, faultAccess, openDebugFile } from '../../src/engine';
import { qemuLog } from '../engine/fixtures';
import { hasTool } from '../symbolize/helpers';
import { faultEvent, KO, withModule } from './helpers';

/** The memory faults of the corpus (the others are BUG/WARN/lockups/panic/OOM: no access to explain). */
const FAULTS = ['null_read', 'null_write', 'gpf', 'gpf_moffs', 'inline', 'null_wq'];
const hasObjdump = hasTool('objdump');

/** objdump's line for the instruction at `symbol+offset` in buggy.ko: `{bytes, text}` (AT&T, spaces collapsed). */
function objdumpAt(symbol: string, offset: number): { bytes: string; text: string } {
  const r = spawnSync('objdump', ['-d', '-w', KO], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const head = lines.findIndex((l) => l.endsWith(` <${symbol}>:`));
  assert.ok(head >= 0, `objdump shows no ${symbol}`);
  const start = parseInt(lines[head].split(' ')[0], 16);
  const want = (start + offset).toString(16);
  for (let i = head + 1; i < lines.length && lines[i].trim(); i++) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(lines[i]);
    if (m && m[1] === want) return { bytes: m[2], text: m[3].replace(/\s+#.*$/, '').replace(/\s+/g, ' ') };
  }
  throw new Error(`objdump has no instruction at ${symbol}+0x${offset.toString(16)}`);
}

/** `0x8(%rbx)` / `(%rax)` / `0x10(%rdi)` in objdump text -> base register and displacement. */
function objdumpOperand(text: string): { base: string; displacement: string } | null {
  const m = /(-?0x[0-9a-f]+)?\(%(\w+)\)/.exec(text);
  return m ? { base: m[2].toUpperCase(), displacement: m[1] ?? '0x0' } : null;
}

/** The register's value as the log prints it, read with a pattern of its own (not the engine's parser). */
function dumpValue(scenario: string, register: string): string {
  const m = new RegExp(`\\b${register}: ?([0-9a-f]{16})`).exec(qemuLog('x86_64', scenario));
  assert.ok(m, `${scenario}: no ${register} in the dump`);
  return '0x' + BigInt('0x' + m[1]).toString(16);
}

test(
  'the faulting instruction from buggy.ko equals objdump at the RIP, and the log Code: bytes decode to the same',
  { skip: !hasObjdump && 'objdump not installed (apt-get install -y binutils)' },
  () => {
    for (const sc of FAULTS) {
      const e = faultEvent(sc);
      const a = withModule(e);
      const oracle = objdumpAt(e.ip!.function!, e.ip!.offset!);
      assert.equal(a.bytesFrom, 'debug file', sc);
      assert.equal(a.bytes, oracle.bytes, sc);
      assert.equal(a.instruction, oracle.text, sc);
      const operand = objdumpOperand(oracle.text);
      if (operand) {
        assert.equal(a.base?.register, operand.base, sc);
        assert.equal(a.displacement, operand.displacement, sc);
        assert.equal(a.base?.value, dumpValue(sc, operand.base), `${sc}: ${operand.base} from the dump`);
      } else assert.equal(a.base, null, `${sc}: ${oracle.text} has no base register`);
      // Without the debug file the Code: line gives the same instruction (null_read's log has no bytes).
      const fromLog = faultAccess(e)!;
      if (sc === 'null_read') {
        assert.equal(fromLog.instruction, '');
        assert.match(fromLog.summary, /^faulting access unknown: the Code: line holds no instruction bytes/);
      } else {
        assert.equal(fromLog.bytesFrom, 'Code: line');
        assert.equal(fromLog.instruction, a.instruction, sc);
        assert.equal(fromLog.address, a.address, sc);
      }
    }
  },
);

test('the effective address is the fault address the kernel printed, except where the kernel guessed wrong', () => {
  for (const sc of FAULTS) {
    const a = withModule(faultEvent(sc));
    const printed = /(?:pointer dereference, address: |for (?:non-canonical )?address 0x)([0-9a-f]+)/.exec(
      qemuLog('x86_64', sc),
    )![1];
    assert.equal(a.faultAddress, '0x' + BigInt('0x' + printed).toString(16), sc);
    if (sc === 'gpf_moffs') {
      // movabs 0xdead00000000beef,%rax: the kernel's GP decoder cannot read a moffs operand and prints 0x10.
      assert.equal(a.address, '0xdead00000000beef');
      assert.equal(a.agreesWithFaultAddress, false);
      assert.ok(a.notes.some((n) => n.includes('is not the computed address')));
    } else {
      assert.equal(a.agreesWithFaultAddress, true, `${sc}: ${a.summary}`);
      assert.equal(a.address, a.faultAddress, sc);
    }
    assert.equal(a.kind, sc === 'null_write' ? 'write' : 'read', sc);
    assert.equal(a.size, 8, sc);
  }
});

test('events that are no memory fault have no access; a memory fault without bytes says why', () => {
  for (const sc of ['bug_on', 'warn_on', 'softlockup', 'panic', 'list_corrupt', 'oom', 'hung']) {
    for (const e of analyzeText(qemuLog('x86_64', sc)).events) assert.equal(faultAccess(e), null, sc);
  }
  const e = faultEvent('null_write');
  const noBytes = faultAccess({ ...e, code: null })!;
  assert.match(noBytes.summary, /^faulting access unknown: the log has no Code: line/);
  const corrupt = faultAccess({ ...e, code: '48 c7 <43>' })!;
  assert.match(corrupt.summary, /^faulting access unknown/);
});

test('a register the dump does not print is said, not guessed', () => {
  const e = faultEvent('null_write');
  const a = faultAccess({ ...e, registers: e.registers.filter((r) => r.name !== 'RBX') })!;
  assert.equal(a.address, null);
  assert.equal(a.agreesWithFaultAddress, null);
  assert.deepEqual(a.base, { register: 'RBX', value: null });
  assert.ok(a.notes.includes('the register dump does not print RBX'), a.notes.join('; '));
  assert.match(a.summary, /RBX == not in the dump/);
});

/** objdump -dr -w's relocation at `symbol+offset` of buggy.ko (`a9: R_X86_64_PLT32\t__x86_indirect_thunk_rax-0x4`): its symbol. */
function relocationAt(symbol: string, offset: number): string | null {
  const r = spawnSync('objdump', ['-dr', '-w', KO], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = r.stdout.split('\n');
  const head = lines.findIndex((l) => l.endsWith(` <${symbol}>:`));
  const want = (parseInt(lines[head].split(' ')[0], 16) + offset).toString(16);
  const m = new RegExp(`\\t${want}: R_X86_64_\\w+\\t([\\w.]+)`).exec(r.stdout);
  return m ? m[1] : null;
}

test(
  "a call through a NULL function pointer from buggy.ko's dispatcher is its retpoline call (objdump -dr's relocation)",
  { skip: !hasObjdump && 'objdump not installed (apt-get install -y binutils)' },
  () => {
    // null_read's oops as `buggy_scenarios[i].fn()` with a NULL fn would print it: RIP 0x0, RAX 0, the
    // dispatcher's return address first in the trace.
    const log = qemuLog('x86_64', 'null_read')
      .replace(/address: 0000000000000010/, 'address: 0000000000000000')
      .replace(/RIP: 0010:buggy_null_read_level2\+0x5\/0x20 \[buggy\]/, 'RIP: 0010:0x0')
      .replace(/RAX: 0000000000000010/, 'RAX: 0000000000000000')
      .replace(/CR2: ffffffffc02e1fdb/, 'CR2: 0000000000000000')
      .split('\n')
      .filter((l) => !/ buggy_null_read(?:_level1)?\+/.test(l))
      .join('\n');
    const e = analyzeText(log).events.find((x) => x.registers.length);
    assert.ok(e && !e.ip);
    const caller = accessEventOf(e).caller;
    assert.equal(caller?.function, 'buggy_dispatch');
    const a = faultAccess(e, evidenceFromCall(openDebugFile(KO), caller!))!;
    const why = `${a.summary} ${a.notes.join('; ')}`;
    const callAt = caller!.offset! - 5;
    assert.equal(a.instruction, `call ${relocationAt('buggy_dispatch', callAt + 1)}`, why);
    assert.equal(a.instruction, 'call __x86_indirect_thunk_rax', why);
    assert.equal(a.function, 'buggy_dispatch');
    assert.equal(a.offset, callAt);
    assert.equal(objdumpAt('buggy_dispatch', callAt).bytes, 'e8 00 00 00 00');
    assert.deepEqual(a.base, { register: 'RAX', value: '0x0' });
    assert.equal(a.address, '0x0');
    assert.equal(a.agreesWithFaultAddress, true);
    assert.match(a.summary, /^calling through RAX == NULL at buggy_dispatch\+0x48 /, why);
  },
);
