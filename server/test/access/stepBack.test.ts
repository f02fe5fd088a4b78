// One step back (access/stepBack.ts) on hand-assembled x86_64 bytes (encodings as objdump prints them): the
// loads followed to the root register, and the walk stopped where the register may come from elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadsBefore } from '../../src/engine/access/stepBack';

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
