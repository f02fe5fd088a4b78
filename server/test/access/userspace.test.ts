// The faulting access of real crashes: test-fixtures/access/faults.c built with gcc -g -O2 (DWARF 4 and 5)
// and run under gdb until its SIGSEGV; the PC, registers and fault address (si_addr) gdb reports are written
// as a kernel oops would print them and explained with the executable's DWARF. The oracle is gdb itself in
// the crashed frame: `&(expression)` must be the fault address, and `whatis` the variable's type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessEventOf,
  analyzeText,
  evidenceFromCall,
  evidenceFromFile,
  faultAccess,
  openDebugFile,
  type FaultAccess,
} from '../../src/engine';
import { buildFixture, hasTool } from '../symbolize/helpers';
import { normalizeInstruction } from '../explain/objdumpText';

const missing = ['gcc', 'gdb', 'nm'].filter((t) => !hasTool(t));
const skip =
  missing.length > 0 && `${missing.join(', ')} not installed (apt-get install -y gcc gdb binutils)`;

/** `retpoline`: indirect calls through gcc's `__x86_indirect_thunk_<reg>`, as a kernel with CONFIG_RETPOLINE makes them. */
function build(dwarf: 4 | 5, retpoline = false, optimize: '-O2' | '-O0' = '-O2'): string {
  return buildFixture(
    `faults-dwarf${dwarf}${retpoline ? '-retpoline' : ''}${optimize === '-O0' ? '-O0' : ''}`,
    ['../access/faults.c'],
    [
      '-g',
      `-gdwarf-${dwarf}`,
      optimize,
      '-fno-pie',
      '-no-pie',
      ...(retpoline ? ['-mindirect-branch=thunk'] : []),
    ],
  );
}

/** Runs the scenario under gdb to its SIGSEGV and prints what follows `commands`, each output after a marker. */
function gdbAtCrash(exe: string, scenario: string, commands: string[]): string[] {
  const args = ['-batch', '-nx', '-ex', 'run'];
  for (const c of commands) args.push('-ex', 'echo @@\\n', '-ex', c);
  const r = spawnSync('gdb', [...args, '--args', exe, scenario], { encoding: 'utf8', timeout: 60_000 });
  assert.ok(/SIGSEGV/.test(r.stdout), `${scenario} did not crash:\n${r.stdout}${r.stderr}`);
  return r.stdout
    .split('@@\n')
    .slice(1)
    .map((s) => s.trim());
}

interface Crash {
  faultAddress: bigint;
  registers: Map<string, bigint>;
  pc: bigint;
  /** `func+offset` of the PC; null when the PC is no code (a call through a NULL pointer). */
  func: string | null;
  offset: number;
  /** The return address on the stack when the PC is no code: the caller's `func+offset`. */
  caller: { func: string; offset: number } | null;
}

/** `call_fn + 14 in section .text` -> {func, offset}; null for `No symbol matches`. */
function symbolOf(info: string): { func: string; offset: number } | null {
  const s = /^(\w+)(?: \+ (\d+))? in section/.exec(info);
  return s ? { func: s[1], offset: Number(s[2] ?? 0) } : null;
}

function crash(exe: string, scenario: string): Crash {
  const [addr, regs, sym, ret] = gdbAtCrash(exe, scenario, [
    'p/x (unsigned long)$_siginfo._sifields._sigfault.si_addr',
    'info registers',
    'info symbol $pc',
    'info symbol *(unsigned long *)$sp',
  ]);
  const registers = new Map<string, bigint>();
  for (const m of regs.matchAll(/^(\w+)\s+(0x[0-9a-f]+)/gm)) registers.set(m[1].toUpperCase(), BigInt(m[2]));
  const at = symbolOf(sym);
  const caller = at ? null : symbolOf(ret);
  assert.ok(at || caller, `${sym}\n${ret}`);
  return {
    faultAddress: BigInt(/= (0x[0-9a-f]+)/.exec(addr)![1]),
    registers,
    pc: registers.get('RIP')!,
    func: at?.func ?? null,
    offset: at?.offset ?? 0,
    caller,
  };
}

/** kallsyms-style size of `func`: the distance to the next symbol (`nm -n`). */
function kallsymsSize(exe: string, func: string): number {
  const r = spawnSync('nm', ['-n', exe], { encoding: 'utf8' });
  const rows = r.stdout
    .split('\n')
    .map((l) => l.split(' '))
    .filter((c) => c.length === 3 && /^[tTwW]$/.test(c[1]));
  const i = rows.findIndex((c) => c[2] === func);
  assert.ok(i >= 0 && i + 1 < rows.length, `nm: no ${func}`);
  return parseInt(rows[i + 1][0], 16) - parseInt(rows[i][0], 16);
}

const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

/**
 * The crash as an x86_64 oops prints it (`guard`: as a hit of the stack's guard page, the EFLAGS of the
 * crash, whose DF a string instruction's direction reads).
 */
function oopsText(c: Crash, exe: string, guard = false): string {
  const frame = (f: { func: string; offset: number }) =>
    `${f.func}+0x${f.offset.toString(16)}/0x${kallsymsSize(exe, f.func).toString(16)}`;
  const r = (n: string) => `${n}: ${hex16(c.registers.get(n) ?? 0n)}`;
  const eflags = guard ? (c.registers.get('EFLAGS') ?? 0n).toString(16).padStart(8, '0') : '00010246';
  return [
    ...(guard
      ? [
          `BUG: TASK stack guard page was hit at ${hex16(c.faultAddress)}`,
          'stack guard page: 0000 [#1] PREEMPT SMP NOPTI',
        ]
      : [
          `BUG: kernel NULL pointer dereference, address: ${hex16(c.faultAddress)}`,
          '#PF: supervisor read access in kernel mode',
          'Oops: 0000 [#1] PREEMPT SMP NOPTI',
        ]),
    'CPU: 0 PID: 1 Comm: faults Not tainted 6.1.0 #1',
    `RIP: 0010:${c.func ? frame({ func: c.func, offset: c.offset }) : `0x${c.pc.toString(16)}`}`,
    `RSP: 0018:${hex16(c.registers.get('RSP')!)} EFLAGS: ${eflags}`,
    [r('RAX'), r('RBX'), r('RCX')].join(' '),
    [r('RDX'), r('RSI'), r('RDI')].join(' '),
    [r('RBP'), r('R8').replace('R8:', 'R08:'), r('R9').replace('R9:', 'R09:')].join(' '),
    [r('R10'), r('R11'), r('R12')].join(' '),
    [r('R13'), r('R14'), r('R15')].join(' '),
    `CR2: ${hex16(c.faultAddress)} CR3: 0000000001062000 CR4: 00000000000006f0`,
    ...(c.caller ? ['Call Trace:', ' <TASK>', ` ${frame(c.caller)}`, ' </TASK>'] : []),
  ].join('\n');
}

function explain(exe: string, scenario: string, guard = false): { access: FaultAccess; crash: Crash } {
  const c = crash(exe, scenario);
  const e = analyzeText(oopsText(c, exe, guard)).events[0];
  assert.ok(e && (e.ip || accessEventOf(e).caller), scenario);
  const df = openDebugFile(exe);
  const caller = accessEventOf(e).caller;
  const access = faultAccess(e, caller ? evidenceFromCall(df, caller, e) : evidenceFromFile(df, e.ip!));
  assert.ok(access, scenario);
  return { access, crash: c };
}

/** Scenarios whose pointer DWARF names at the PC, and what kind of access each is (DWARF 4: the location-list ones). */
const NAMED: Record<string, { kind: string; member: RegExp }> = {
  read_type: { kind: 'read', member: /^hw\.mac\.type$/ },
  after_call: { kind: 'read', member: /^hw\.mac\.type$/ },
  read_tbl: { kind: 'read', member: /^tbl\[5\]$/ },
  write_half: { kind: 'write', member: /^u\.half\[1\]$/ },
  read_count: { kind: 'read', member: /^count$/ },
  call_cb: { kind: 'read', member: /^cb$/ },
  // `p` lives on the stack (its address is taken): `mov 0x8(%rsp),%rax` reloads it, DW_OP_fbreg names it.
  stack_ptr: { kind: 'read', member: /^count$/ },
};

/** Calls through a NULL function pointer: a parameter in a register, a member of a real struct. */
const BAD_CALLS: Record<string, { expression: string | null; evaluate: boolean }> = {
  // gdb cannot evaluate `fn` in the caller's frame (optimized out after the call), only see it at the call.
  call_fn: { expression: 'fn', evaluate: false },
  call_member: { expression: 'a->cb', evaluate: true },
};

/**
 * The same through a retpoline: `fn` moved to RAX for `call __x86_indirect_thunk_rax`; `a->cb` was loaded
 * into RAX and no variable holds it (naming it needs the load before: step 5).
 */
const BAD_CALLS_RETPOLINE: typeof BAD_CALLS = {
  call_fn: { expression: 'fn', evaluate: false },
  // RAX is no variable: one step back, it was loaded from `a->cb` (`mov 0x60(%rdi),%rax`).
  call_member: { expression: 'a->cb', evaluate: true },
};

/** objdump's instruction at `address` (hex): `call *0x60(%rax)`, `call 40134a <__x86_indirect_thunk_rax>`. */
function objdumpInstruction(exe: string, address: string): string {
  const dis = spawnSync('objdump', ['-d', '--no-show-raw-insn', exe], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }).stdout;
  const line = dis.split('\n').find((l) => l.trimStart().startsWith(`${address}:`));
  assert.ok(line, `objdump has no instruction at ${address}`);
  return line.split('\t').pop()!.trim();
}

/** The register an objdump call goes through: `*%rax`, `*0x60(%rax)`, `<__x86_indirect_thunk_rax>`, and the displacement. */
function callOperand(text: string): { register: string; displacement: string | null } {
  const thunk = /<__x86_indirect_thunk_(\w+)>$/.exec(text);
  if (thunk) return { register: thunk[1].toUpperCase(), displacement: null };
  const m = /\*(-?0x[0-9a-f]+)?\(?%(\w+)\)?$/.exec(text);
  assert.ok(m, `no indirect call operand in ${text}`);
  return { register: m[2].toUpperCase(), displacement: text.includes('(') ? (m[1] ?? '0x0') : null };
}

/**
 * gdb's `info scope` at the instruction at `at` (hex) puts the access's variable in the register the call or
 * jump went through — or, when it was loaded one step back, in the register the variable is in.
 */
function assertVariableInRegister(exe: string, scenario: string, at: string, a: FaultAccess): void {
  const v = a.variable!;
  const [scope] = gdbAtCrash(exe, scenario, [`info scope *0x${at}`]);
  const reg = (a.pointer === v.name ? a.base!.register : v.location).toLowerCase();
  assert.match(
    scope,
    new RegExp(
      `Symbol ${v.name} is (?:a variable in \\$${reg}|multi-location:[\\s\\S]*?Range 0x[0-9a-f]+-0x[0-9a-f]+: a variable in \\$${reg})`,
    ),
    scope,
  );
}

/** gdb runs cost seconds: DWARF 4 (.debug_loc) is checked on the scenarios with location lists and a union. */
const DWARF4 = ['after_call', 'call_cb', 'write_half'];

for (const dwarf of [4, 5] as const) {
  test(
    `DWARF ${dwarf}: gdb in the crashed frame finds the expression at the fault address, the variable of that type`,
    { skip },
    () => {
      const exe = build(dwarf);
      const scenarios = Object.entries(NAMED).filter(([sc]) => dwarf === 5 || DWARF4.includes(sc));
      for (const [scenario, want] of scenarios) {
        const { access: a, crash: c } = explain(exe, scenario);
        assert.ok(a.expression && a.variable, `${scenario}: ${a.summary} ${a.notes.join('; ')}`);
        assert.equal(a.kind, want.kind, scenario);
        assert.match(a.member ?? '', want.member, `${scenario}: ${a.expression}`);
        assert.equal(a.address, '0x' + c.faultAddress.toString(16), scenario);
        assert.equal(a.agreesWithFaultAddress, true, scenario);
        const [where, type] = gdbAtCrash(exe, scenario, [
          `p/x (unsigned long)&(${a.expression})`,
          `whatis ${a.variable.name}`,
        ]);
        assert.equal(where, `$1 = 0x${c.faultAddress.toString(16)}`, `${scenario}: &(${a.expression})`);
        assert.equal(type, `type = ${a.variable.type}`, scenario);
      }
    },
  );

  test(
    `DWARF ${dwarf}: a pointer known only by its entry value is not named (sum_tbl's strength-reduced loop)`,
    { skip },
    () => {
      const exe = build(dwarf);
      const { access: a } = explain(exe, 'sum_tbl');
      const [scope] = gdbAtCrash(exe, 'sum_tbl', ['info scope *$pc']);
      // gdb: at this PC `a` is DW_OP_entry_value(RDI): its value at entry, not what RDI holds now.
      assert.match(scope, /Symbol a is multi-location:[\s\S]*DW_OP_(GNU_)?entry_value/);
      assert.equal(a.variable, null);
      assert.equal(a.expression, null);
      assert.ok(
        a.notes.some((n) =>
          n.includes('no variable in scope is in RDI here (`a`: only its value at function entry is known)'),
        ),
        a.notes.join('; '),
      );
    },
  );

  for (const retpoline of dwarf === 5 ? [false, true] : [false])
    test(
      `DWARF ${dwarf}: a call through a NULL function pointer (RIP 0x0) is the ${retpoline ? 'retpoline thunk call' : 'indirect call'} before the return address`,
      { skip },
      () => {
        const exe = build(dwarf, retpoline);
        for (const [scenario, want] of Object.entries(retpoline ? BAD_CALLS_RETPOLINE : BAD_CALLS)) {
          const { access: a, crash: c } = explain(exe, scenario);
          const why = `${scenario}: ${a.summary} ${a.notes.join('; ')}`;
          assert.equal(c.pc, 0n, scenario);
          assert.equal(a.kind, 'exec', why);
          assert.equal(a.address, '0x0', why);
          assert.equal(a.agreesWithFaultAddress, true, why);
          // objdump: the instruction that ends at the return address is this call, through this register.
          const ret = parseInt(
            spawnSync('gdb', ['-batch', '-nx', '-ex', `p/x ${c.caller!.func}+${c.caller!.offset}`, exe], {
              encoding: 'utf8',
            }).stdout.match(/0x[0-9a-f]+/)![0],
            16,
          );
          const at = (ret - a.bytes.split(' ').length).toString(16);
          const theirs = objdumpInstruction(exe, at);
          const operand = callOperand(theirs);
          assert.equal(a.base?.register, operand.register, `${scenario}: ${theirs}`);
          assert.equal(a.displacement, operand.displacement, `${scenario}: ${theirs}`);
          assert.equal(
            a.base?.value,
            '0x' + (c.registers.get(operand.register) ?? -1n).toString(16),
            scenario,
          );
          if (retpoline) {
            assert.equal(a.instruction, `call __x86_indirect_thunk_${operand.register.toLowerCase()}`, why);
            assert.ok(
              a.notes.some((n) => n.startsWith('a retpoline:')),
              why,
            );
          } else assert.equal(normalizeInstruction(a.instruction), normalizeInstruction(theirs), scenario);
          assert.equal(a.expression, want.expression, why);
          if (!a.variable) continue;
          // gdb: at the call, the variable is in the register the call went through (or, loaded one step
          // back, in the register the load read it from).
          assertVariableInRegister(exe, scenario, at, a);
          const [type, value] = gdbAtCrash(exe, scenario, [
            'frame 1',
            `whatis ${a.variable.name}`,
            want.evaluate ? `p/x (unsigned long)(${a.expression})` : 'p 0',
          ]).slice(1);
          assert.equal(type, `type = ${a.variable.type}`, scenario);
          if (want.evaluate)
            assert.equal(value, '$1 = 0x0', `${scenario}: ${a.expression} in the caller's frame`);
        }
      },
    );
}

/** Tail calls through a NULL function pointer: no call ends at the return address, a direct call does. */
const TAIL_CALLS: Record<string, { callee: string; expression: string }> = {
  // `mov %rdi,%rax; …; jmp *%rax`: `fn` is in RAX at the jump, or one step back in RDI.
  tail_fn: { callee: 'tail_fn', expression: 'fn' },
  // `mov 0x60(%rdi),%rax; …; jmp *%rax`: loaded one step back from `a->cb`.
  tail_member: { callee: 'tail_cb', expression: 'a->cb' },
};

/** gdb's address of `expression` in `exe` (no process). */
function gdbAddress(exe: string, expression: string): number {
  const out = spawnSync('gdb', ['-batch', '-nx', '-ex', `p/x ${expression}`, exe], {
    encoding: 'utf8',
  }).stdout;
  return parseInt(out.match(/0x[0-9a-f]+/)![0], 16);
}

for (const retpoline of [false, true])
  test(
    `DWARF 5: a tail call through a NULL function pointer is the ${retpoline ? 'retpoline thunk jump' : 'indirect jump'} in the function called before the return address`,
    { skip },
    (t) => {
      const exe = build(5, retpoline);
      for (const [scenario, want] of Object.entries(TAIL_CALLS)) {
        const { access: a, crash: c } = explain(exe, scenario);
        const why = `${scenario}: ${a.summary} ${a.notes.join('; ')}`;
        t.diagnostic(why);
        assert.equal(c.pc, 0n, scenario);
        assert.equal(a.kind, 'exec', why);
        assert.equal(a.address, '0x0', why);
        // objdump: a direct call of the callee ends at the return address …
        const ret = gdbAddress(exe, `${c.caller!.func}+${c.caller!.offset}`);
        assert.match(
          objdumpInstruction(exe, (ret - 5).toString(16)),
          new RegExp(`^call\\s+[0-9a-f]+ <${want.callee}>$`),
        );
        assert.equal(a.function, want.callee, why);
        // … and the instruction explained is the callee's jump through the register RIP came from.
        const theirs = objdumpInstruction(exe, (gdbAddress(exe, `&${want.callee}`) + a.offset!).toString(16));
        assert.match(theirs, retpoline ? /^jmp\s+[0-9a-f]+ <__x86_indirect_thunk_\w+>$/ : /^jmp\s+\*/, why);
        const operand = callOperand(theirs);
        assert.equal(a.base?.register, operand.register, `${scenario}: ${theirs}`);
        assert.equal(a.base?.value, '0x' + (c.registers.get(operand.register) ?? -1n).toString(16), why);
        assert.ok(
          a.notes.some((n) => n.startsWith('a tail call:')),
          why,
        );
        assert.equal(a.expression, want.expression, why);
        assert.ok(a.variable, why);
        // gdb: at the jump, the variable is in the register jumped through (or, loaded one step back, in the
        // register the load read it from).
        assertVariableInRegister(
          exe,
          scenario,
          (gdbAddress(exe, `&${want.callee}`) + a.offset!).toString(16),
          a,
        );
      }
    },
  );

test(
  'DWARF 5: of two tail calls, the one whose register holds RIP; when both do, neither is guessed',
  { skip },
  () => {
    const exe = build(5);
    const { access: a } = explain(exe, 'tail_either');
    // objdump: tail_either has two indirect jumps.
    const dis = spawnSync('objdump', ['-d', '--no-show-raw-insn', exe], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }).stdout;
    const body = dis.split('<tail_either>:')[1].split('\n\n')[0];
    const jumps = body.split('\n').filter((l) => /\tjmp\s+\*%/.test(l));
    assert.equal(jumps.length, 2, body);
    assert.equal(a.expression, null, a.summary);
    assert.ok(
      a.notes.some((n) => /tail_either has 2 indirect jumps that could be the tail call/.test(n)),
      a.notes.join('; '),
    );
    // `b` is a real function: only the jump through `a`'s register fits RIP 0, and gdb puts `a` there.
    const { access: chosen, crash: c } = explain(exe, 'tail_chosen');
    assert.equal(chosen.expression, 'a', chosen.summary);
    const at = (gdbAddress(exe, '&tail_either') + chosen.offset!).toString(16);
    assert.equal(
      `jmp *%${chosen.base!.register.toLowerCase()}`,
      objdumpInstruction(exe, at).replace(/\s+/, ' '),
    );
    assert.equal(c.registers.get(chosen.base!.register), 0n);
    const [scope] = gdbAtCrash(exe, 'tail_chosen', [`info scope *0x${at}`]);
    assert.match(
      scope,
      new RegExp(
        `Symbol a is (?:a variable in \\$${chosen.base!.register.toLowerCase()}|multi-location:[\\s\\S]*?a variable in \\$${chosen.base!.register.toLowerCase()})`,
      ),
      scope,
    );
  },
);

test(
  'DWARF 5: a pointer that lives on the stack is named at its reload by DW_OP_fbreg, the slot gdb gives',
  { skip },
  () => {
    const exe = build(5);
    const { access: a } = explain(exe, 'stack_ptr');
    const why = `${a.summary} ${a.notes.join('; ')}`;
    assert.equal(a.expression, 'p->count', why);
    assert.ok(
      a.notes.some((n) => /^RAX was reloaded from the stack by `mov 0x[0-9a-f]+\(%rsp\),%rax`/.test(n)),
      why,
    );
    // gdb: `p` is DW_OP_fbreg N, and the frame base is the CFA: the slot we name is CFA+N.
    const [where] = gdbAtCrash(exe, 'stack_ptr', ['info scope stack_ptr']);
    const fbreg =
      /Symbol p is a (?:complex DWARF expression|variable with complex DWARF expression locating its address in memory):\s*0: DW_OP_fbreg (-?\d+)/.exec(
        where,
      );
    assert.ok(fbreg, where);
    const n = BigInt(fbreg[1]);
    assert.equal(
      a.variable?.location,
      `the stack slot CFA${n < 0n ? '-' : '+'}0x${(n < 0n ? -n : n).toString(16)}`,
      why,
    );
  },
);

test(
  '-O0: variables live in RBP-relative slots; each pointer is named at its reload by DW_OP_fbreg, as gdb evaluates it',
  { skip },
  () => {
    const exe = build(5, false, '-O0');
    for (const [scenario, want] of Object.entries(NAMED)) {
      const { access: a, crash: c } = explain(exe, scenario);
      const why = `${scenario}: ${a.summary} ${a.notes.join('; ')}`;
      assert.ok(a.expression && a.variable, why);
      assert.match(a.member ?? '', want.member, why);
      assert.match(a.variable.location, /^the stack slot CFA-0x[0-9a-f]+$/, why);
      assert.ok(
        a.notes.some((n) => /was reloaded from the stack by `mov -0x[0-9a-f]+\(%rbp\),%r/.test(n)),
        why,
      );
      const [where, type] = gdbAtCrash(exe, scenario, [
        `p/x (unsigned long)&(${a.expression})`,
        `whatis ${a.variable.name}`,
      ]);
      assert.equal(where, `$1 = 0x${c.faultAddress.toString(16)}`, `${scenario}: &(${a.expression})`);
      assert.equal(type, `type = ${a.variable.type}`, scenario);
    }
  },
);

/** Writes into the guard of the stack faults.c runs them on (on_guarded_stack): the buffer each frame holds, and how it is written. */
interface GuardWrite {
  expression: RegExp;
  instruction: RegExp;
  inlined: boolean;
  /** Built at -O0 (RBP a frame pointer) rather than -O2. */
  O0?: boolean;
}

const GUARD: Record<string, GuardWrite> = {
  // `rep stos` from `mov %rsp,%rsi; mov %rsi,%rdi`, the buffer of an inlined helper.
  guard_stos: { expression: /^buf\[0\]$/, instruction: /^rep stos %rax,\(%rdi\)$/, inlined: true },
  // A byte store with RSP as its base and an index: inside the buffer.
  guard_down: { expression: /^buf\[\d+\]$/, instruction: /^mov %cl,\(%rsp,%rdx(?:,1)?\)$/, inlined: false },
  // `rep stos` from `lea 0x8(%rsp),%rdx; mov %rdx,%rdi`: a member of a struct on the stack.
  guard_member: { expression: /^req\.data\[0\]$/, instruction: /^rep stos %rax,\(%rdi\)$/, inlined: false },
  // -O0: the first write of the frame is the parameter's spill to its slot, RBP-relative.
  'guard_down -O0': {
    expression: /^depth$/,
    instruction: /^mov %edi,-0x[0-9a-f]+\(%rbp\)$/,
    inlined: false,
    O0: true,
  },
};

test(
  'DWARF 5: a write into the stack guard page names the local buffer by its DW_OP_fbreg offset from the CFA, as gdb gives them in the crashed frame',
  { skip },
  () => {
    for (const [name, want] of Object.entries(GUARD)) {
      const exe = build(5, false, want.O0 ? '-O0' : '-O2');
      const scenario = name.split(' ')[0];
      const { access: a, crash: c } = explain(exe, scenario, true);
      const why = `${scenario}: ${a.summary} ${a.notes.join('; ')}`;
      // The overflow hit the instruction the scenario is about (not a push of the frame's top bytes).
      assert.match(a.instruction, want.instruction, why);
      assert.equal(a.kind, 'write', why);
      assert.match(a.expression ?? '', want.expression, why);
      assert.ok(a.variable && a.stack, why);
      assert.equal(a.agreesWithFaultAddress, true, why);
      assert.equal(a.stack.byte, '0x' + c.faultAddress.toString(16), why);
      if (/^rep /.test(a.instruction))
        assert.ok(
          a.notes.some((n) =>
            /has RCX == 0x[0-9a-f]+ elements of 8 bytes left to write from RDI: .*the fault address is in it/.test(
              n,
            ),
          ),
          why,
        );
      const [where, type, frame, scope] = gdbAtCrash(exe, scenario, [
        `p/x (unsigned long)&(${a.expression})`,
        `whatis ${a.variable.name}`,
        'info frame',
        'info scope *$pc',
      ]);
      // gdb: the expression is at the fault address, the variable of that type …
      assert.equal(where, `$1 = 0x${c.faultAddress.toString(16)}`, `${scenario}: &(${a.expression})`);
      assert.equal(type.replace(/\s+/g, ''), `type=${a.variable.type}`.replace(/\s+/g, ''), why);
      // … the frame's CFA (`frame at`), the function that owns the variable, inlined or not …
      assert.match(frame, new RegExp(`frame at ${a.stack.cfa}:`), why);
      assert.match(frame, new RegExp(`rip = 0x[0-9a-f]+ in ${a.variable.function} `), why);
      assert.equal(/inlined into frame/.test(frame), want.inlined, frame);
      assert.equal(a.variable.inlinedIn.length > 0, want.inlined, why);
      // … and the variable is DW_OP_fbreg N, the slot we name.
      const fbreg = new RegExp(
        `Symbol ${a.variable.name} is a (?:complex DWARF expression|variable with complex DWARF expression locating its address in memory):\\s*0: DW_OP_fbreg (-?\\d+)`,
      ).exec(scope);
      assert.ok(fbreg, scope);
      const n = BigInt(fbreg[1]);
      assert.equal(
        a.variable.location,
        `the stack at CFA${n < 0n ? '-' : '+'}0x${(n < 0n ? -n : n).toString(16)}`,
        why,
      );
    }
  },
);
