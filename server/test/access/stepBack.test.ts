// One step back (access/stepBack.ts) on hand-assembled x86_64 bytes (encodings as objdump prints them): the
// loads followed to the root register, and the walk stopped where the register may come from elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadsBefore } from '../../src/engine/access/stepBack';
import { hasTool } from '../symbolize/helpers';
import { normalizeInstruction } from '../explain/objdumpText';

const MOV_8_RDI_RAX = [0x48, 0x8b, 0x47, 0x08]; // mov 0x8(%rdi),%rax
const MOV_8_RAX_RAX = [0x48, 0x8b, 0x40, 0x08]; // mov 0x8(%rax),%rax
const MOV_RDI_RAX = [0x48, 0x89, 0xf8]; // mov %rdi,%rax
const JMP_0 = [0xeb, 0x00]; // jmp to the next instruction: a jump target
const CALL_0 = [0xe8, 0, 0, 0, 0]; // call (a .ko's unrelocated call)
const rootIs = (want: string) => (register: string) => register === want;

test('loads followed back to the register the root variable is in, through a register copy', () => {
  const code = Uint8Array.from([...MOV_RDI_RAX, ...MOV_8_RAX_RAX, ...MOV_8_RAX_RAX]);
  const chain = loadsBefore(code, code.length, 'RAX', rootIs('RDI'));
  assert.ok(typeof chain !== 'string', String(chain));
  assert.deepEqual(
    chain.loads.map((l) => [l.at, l.text, l.into, l.memory.base, l.memory.displacement]),
    [
      [3, 'mov 0x8(%rax),%rax', 'RAX', 'RAX', 8n],
      [7, 'mov 0x8(%rax),%rax', 'RAX', 'RAX', 8n],
    ],
  );
  assert.deepEqual(chain.root, { register: 'RDI', at: 0 });
});

test('a register the root holds right away: no load, the root at the copy', () => {
  const code = Uint8Array.from([...MOV_8_RDI_RAX]);
  const chain = loadsBefore(code, code.length, 'RAX', rootIs('RDI'));
  assert.ok(typeof chain !== 'string');
  assert.equal(chain.loads.length, 1);
  assert.deepEqual(chain.root, { register: 'RDI', at: 0 });
});

test('the walk stops at a jump target, a call that clobbers the register, and a computed value', () => {
  const joined = Uint8Array.from([...MOV_8_RDI_RAX, ...JMP_0, ...MOV_8_RAX_RAX]);
  assert.match(String(loadsBefore(joined, joined.length, 'RAX', rootIs('RDI'))), /another path/);
  const called = Uint8Array.from([...CALL_0, ...MOV_8_RAX_RAX]);
  assert.match(String(loadsBefore(called, called.length, 'RAX', rootIs('RDI'))), /set by the call/);
  const added = Uint8Array.from([0x48, 0x01, 0xf8, ...MOV_8_RAX_RAX]); // add %rdi,%rax
  assert.match(String(loadsBefore(added, added.length, 'RAX', rootIs('RDI'))), /computed by `add %rdi,%rax`/);
  // No variable anywhere: said, not guessed.
  const code = Uint8Array.from([...MOV_8_RDI_RAX]);
  assert.match(String(loadsBefore(code, code.length, 'RAX', () => false)), /no variable holds/);
});

const LEA_10_RDI_RAX = [0x48, 0x8d, 0x47, 0x10]; // lea 0x10(%rdi),%rax
const SPILL_RDI_8_RSP = [0x48, 0x89, 0x7c, 0x24, 0x08]; // mov %rdi,0x8(%rsp)
const RELOAD_8_RSP_RAX = [0x48, 0x8b, 0x44, 0x24, 0x08]; // mov 0x8(%rsp),%rax
const SPILL_RDI_M18_RBP = [0x48, 0x89, 0x7d, 0xe8]; // mov %rdi,-0x18(%rbp)
const RELOAD_M18_RBP_RAX = [0x48, 0x8b, 0x45, 0xe8]; // mov -0x18(%rbp),%rax
const PUSH_RBX = [0x53]; // push %rbx
const MOVL_0_C_RSP = [0xc7, 0x44, 0x24, 0x0c, 0, 0, 0, 0]; // movl $0x0,0xc(%rsp): half of the slot at 0x8

/** objdump's text of each instruction of `code` (raw x86-64 bytes), the independent reading of the encodings. */
function objdumpTexts(code: number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-stepback-'));
  try {
    writeFileSync(join(dir, 'code.bin'), Uint8Array.from(code));
    const r = spawnSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', join(dir, 'code.bin')], {
      encoding: 'utf8',
    });
    return [...r.stdout.matchAll(/^\s*[0-9a-f]+:\t[0-9a-f ]+\t(.*)$/gm)].map((m) =>
      normalizeInstruction(m[1]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const skipObjdump = !hasTool('objdump') && 'objdump not installed (apt-get install -y binutils)';

test(
  'a lea is the pointer plus a constant: followed back to its base, the texts objdump prints',
  { skip: skipObjdump },
  () => {
    const code = [...LEA_10_RDI_RAX, ...MOV_8_RAX_RAX];
    const chain = loadsBefore(Uint8Array.from(code), code.length, 'RAX', rootIs('RDI'));
    assert.ok(typeof chain !== 'string', String(chain));
    assert.deepEqual(
      chain.loads.map((l) => [l.kind, l.at, l.into, l.memory.base, l.memory.displacement]),
      [
        ['lea', 0, 'RAX', 'RDI', 0x10n],
        ['load', 4, 'RAX', 'RAX', 8n],
      ],
    );
    assert.deepEqual(
      chain.loads.map((l) => l.text),
      objdumpTexts(code),
    );
    assert.deepEqual(chain.root, { register: 'RDI', at: 0 });
    // A lea off the stack is the address of a local, no pointer's member: not followed.
    const stack = [0x48, 0x8d, 0x44, 0x24, 0x10]; // lea 0x10(%rsp),%rax
    assert.match(
      String(loadsBefore(Uint8Array.from(stack), stack.length, 'RAX', rootIs('RSP'))),
      /computed by `lea 0x10\(%rsp\),%rax`/,
    );
  },
);

test(
  'a pointer spilled to the stack and reloaded (across a call) is followed back to the register spilled',
  { skip: skipObjdump },
  () => {
    for (const [spill, reload, slot] of [
      [SPILL_RDI_8_RSP, RELOAD_8_RSP_RAX, '0x8(%rsp)'],
      [SPILL_RDI_M18_RBP, RELOAD_M18_RBP_RAX, '-0x18(%rbp)'],
    ] as const) {
      const code = [...spill, ...CALL_0, ...reload, ...MOV_8_RAX_RAX];
      const texts = objdumpTexts(code);
      assert.equal(texts[0], `mov %rdi,${slot}`);
      assert.equal(texts[2], `mov ${slot},%rax`);
      const chain = loadsBefore(Uint8Array.from(code), code.length, 'RAX', rootIs('RDI'));
      assert.ok(typeof chain !== 'string', String(chain));
      assert.deepEqual(chain.root, { register: 'RDI', at: 0 });
      assert.deepEqual(
        chain.loads.map((l) => l.text),
        [texts[3]],
      );
      assert.deepEqual(chain.notes, [
        `${slot} was spilled from RDI by \`${texts[0]}\` (+0x0)`,
        `RAX was reloaded from the stack by \`${texts[2]}\` (+0x${(spill.length + CALL_0.length).toString(16)})`,
      ]);
    }
  },
);

test('the slot is not followed across a change of RSP or a write into it', () => {
  const pushed = [...SPILL_RDI_8_RSP, ...PUSH_RBX, ...RELOAD_8_RSP_RAX];
  assert.match(
    String(loadsBefore(Uint8Array.from(pushed), pushed.length, 'RAX', rootIs('RDI'))),
    /RSP changes at \+0x5 \(`push %rbx`\)/,
  );
  const written = [...SPILL_RDI_8_RSP, ...MOVL_0_C_RSP, ...RELOAD_8_RSP_RAX];
  assert.match(
    String(loadsBefore(Uint8Array.from(written), written.length, 'RAX', rootIs('RDI'))),
    /the stack slot 0x8\(%rsp\) is written by `movl \$0x0,0xc\(%rsp\)`/,
  );
  const none = [...RELOAD_8_RSP_RAX];
  assert.match(
    String(loadsBefore(Uint8Array.from(none), none.length, 'RAX', rootIs('RDI'))),
    /no register was spilled to the stack slot 0x8\(%rsp\) in this block/,
  );
});

test('a reload from the slot of a variable that lives on the stack stops there, at the slot CFA + k', () => {
  const asked: bigint[] = [];
  const at = (cfa: bigint) => (offset: bigint) => (asked.push(offset), offset === cfa);
  // sub $0x18,%rsp; call; mov 0x8(%rsp),%rax: RSP = CFA - 8 - 0x18, the slot CFA - 0x18 (gcc's fbreg -24).
  const rsp = [0x48, 0x83, 0xec, 0x18, ...CALL_0, ...RELOAD_8_RSP_RAX, ...MOV_8_RAX_RAX];
  const chain = loadsBefore(Uint8Array.from(rsp), rsp.length, 'RAX', rootIs('RDI'), at(-0x18n));
  assert.ok(typeof chain !== 'string', String(chain));
  assert.deepEqual(chain.root, { register: 'RAX', at: 9, stack: -0x18n });
  assert.deepEqual(asked, [-0x18n]);
  // push %rbp; mov %rsp,%rbp; mov -0x18(%rbp),%rax: RBP = CFA - 0x10, the slot CFA - 0x28.
  const rbp = [0x55, 0x48, 0x89, 0xe5, ...RELOAD_M18_RBP_RAX];
  const framed = loadsBefore(Uint8Array.from(rbp), rbp.length, 'RAX', rootIs('RDI'), at(-0x28n));
  assert.ok(typeof framed !== 'string', String(framed));
  assert.deepEqual(framed.root, { register: 'RAX', at: 4, stack: -0x28n });
  // After a jump the depth is the jump's: `jmp` over a push, the push not counted at its target.
  asked.length = 0;
  const jumped = [0xeb, 0x01, ...PUSH_RBX, ...RELOAD_8_RSP_RAX]; // jmp +1; push %rbx; mov 0x8(%rsp),%rax
  loadsBefore(Uint8Array.from(jumped), jumped.length, 'RAX', () => false, at(0n));
  assert.deepEqual(asked, [0n]); // 0x8 - 8 - 0: the push is not on the path to the reload
});
