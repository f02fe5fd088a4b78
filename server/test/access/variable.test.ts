// Steps 3 and 4 on the real qemu crashes of buggy.ko, against independent oracles run on the same file:
// llvm-dwarfdump's --debug-info (its own DWARF 5 reader: location lists, inlined subroutines, abstract
// origins) says which variable is in the base register at the faulting PC, gdb's `ptype /o` which member
// lies at the displacement, gdb's `info scope` which variables are optimized out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hasTool } from '../symbolize/helpers';
import { faultEvent, KO, moduleOf, withModule, type CorpusArch } from './helpers';

const tools = ['llvm-dwarfdump', 'gdb', 'nm'].filter((t) => !hasTool(t));
const skip = tools.length > 0 && `${tools.join(', ')} not installed (apt-get install -y llvm gdb binutils)`;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
  return r.stdout;
}

// ---- llvm-dwarfdump's view: a DIE tree parsed from its text ----------------------------------------------

interface TextDie {
  offset: number;
  tag: string;
  attrs: Map<string, string>;
  /** `[lo, hi): expression` lines of a location list, or ranges of DW_AT_ranges. */
  listLines: Map<string, string[]>;
  children: TextDie[];
}

interface Dump {
  roots: TextDie[];
  byOffset: Map<number, TextDie>;
}
const dumps = new Map<string, Dump>();
/** The module whose dump the oracle functions below read. */
let ko = KO;

function dwarfdump(): Dump {
  const cached = dumps.get(ko);
  if (cached) return cached;
  const byOffset = new Map<number, TextDie>();
  const roots: TextDie[] = [];
  const stack: { depth: number; die: TextDie }[] = [];
  let current: TextDie | null = null;
  let lastAttr = '';
  for (const line of run('llvm-dwarfdump', ['--debug-info', ko]).split('\n')) {
    const head = /^0x([0-9a-f]{8}):( +)(DW_TAG_\w+|NULL)/.exec(line);
    if (head) {
      const depth = (head[2].length - 1) / 2;
      while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
      if (head[3] === 'NULL') {
        current = null;
        continue;
      }
      const die: TextDie = {
        offset: parseInt(head[1], 16),
        tag: head[3],
        attrs: new Map(),
        listLines: new Map(),
        children: [],
      };
      byOffset.set(die.offset, die);
      (stack.length ? stack[stack.length - 1].die.children : roots).push(die);
      stack.push({ depth, die });
      current = die;
      continue;
    }
    if (!current) continue;
    const attr = /^\s+(DW_AT_\w+)\t\((.*?)\)?$/.exec(line);
    if (attr) {
      lastAttr = attr[1];
      current.attrs.set(attr[1], attr[2]);
      continue;
    }
    const entry = /^\s+(\[0x[0-9a-f]+, 0x[0-9a-f]+\).*?)\)?$/.exec(line);
    if (entry) current.listLines.set(lastAttr, [...(current.listLines.get(lastAttr) ?? []), entry[1]]);
  }
  const dump = { roots, byOffset };
  dumps.set(ko, dump);
  return dump;
}

const hexAt = (s: string) => parseInt(/0x([0-9a-f]+)/.exec(s)![1], 16);

/** [lo, hi) pairs of a DIE's code, from low_pc/high_pc or its DW_AT_ranges list. */
function rangesOf(d: TextDie): [number, number][] {
  const lo = d.attrs.get('DW_AT_low_pc');
  const hi = d.attrs.get('DW_AT_high_pc');
  if (lo && hi) return [[hexAt(lo), hexAt(hi)]];
  return (d.listLines.get('DW_AT_ranges') ?? []).map((l) => {
    const m = /\[0x([0-9a-f]+), 0x([0-9a-f]+)\)/.exec(l)!;
    return [parseInt(m[1], 16), parseInt(m[2], 16)];
  });
}

/** The name and the DIE with the type: the DIE itself or its abstract origin (`(0x0000b95f "o")`). */
function origin(d: TextDie): TextDie {
  const o = d.attrs.get('DW_AT_abstract_origin');
  return o ? dwarfdump().byOffset.get(hexAt(o))! : d;
}
const nameOf = (d: TextDie) => /"(.*)"/.exec(origin(d).attrs.get('DW_AT_name') ?? '')?.[1] ?? null;

/** The location expression at `pc`: the exprloc, or the list entry whose [lo, hi) holds pc. */
function locationAt(d: TextDie, pc: number): string | null {
  const list = d.listLines.get('DW_AT_location');
  if (!list) return d.attrs.get('DW_AT_location') ?? null;
  for (const l of list) {
    const m = /\[0x([0-9a-f]+), 0x([0-9a-f]+)\): (.*)$/.exec(l)!;
    if (pc >= parseInt(m[1], 16) && pc < parseInt(m[2], 16)) return m[3];
  }
  return null;
}

interface OracleVariable {
  name: string;
  kind: 'parameter' | 'local';
  function: string;
  inlinedIn: string[];
  /** `buggy_obj *` as llvm-dwarfdump names the type. */
  type: string;
}

/**
 * Per llvm-dwarfdump: in the subprogram named `fn`, the scopes covering section offset `pc`; the innermost
 * variable whose location there is exactly `DW_OP_regN <register>`.
 */
function oracleVariable(fn: string, pc: number, register: string): OracleVariable | null {
  const sub = [...dwarfdump().byOffset.values()].find(
    (d) => d.tag === 'DW_TAG_subprogram' && d.attrs.get('DW_AT_name') === `"${fn}"` && rangesOf(d).length,
  );
  assert.ok(sub, `llvm-dwarfdump shows no subprogram ${fn}`);
  const scopes: { die: TextDie; owner: string; outer: string[] }[] = [{ die: sub, owner: fn, outer: [] }];
  for (;;) {
    const cur = scopes[scopes.length - 1];
    const next = cur.die.children.find(
      (c) =>
        (c.tag === 'DW_TAG_lexical_block' || c.tag === 'DW_TAG_inlined_subroutine') &&
        rangesOf(c).some(([lo, hi]) => pc >= lo && pc < hi),
    );
    if (!next) break;
    scopes.push(
      next.tag === 'DW_TAG_inlined_subroutine'
        ? { die: next, owner: nameOf(next)!, outer: [cur.owner, ...cur.outer] }
        : { die: next, owner: cur.owner, outer: cur.outer },
    );
  }
  for (const s of scopes.reverse())
    for (const v of s.die.children) {
      if (v.tag !== 'DW_TAG_formal_parameter' && v.tag !== 'DW_TAG_variable') continue;
      const loc = locationAt(v, pc);
      if (!loc || !isRegister(loc, register)) continue;
      return {
        name: nameOf(v)!,
        kind: v.tag === 'DW_TAG_formal_parameter' ? 'parameter' : 'local',
        function: s.owner,
        inlinedIn: s.outer,
        type: /"(.*)"/.exec(origin(v).attrs.get('DW_AT_type')!)![1],
      };
    }
  return null;
}

/**
 * Is the location `DW_OP_regN NAME` exactly `register`? x86_64: llvm-dwarfdump's name (`RDI`); arm64: the
 * number, x0–x30 = 0–30 and sp = 31 (DWARF for the Arm 64-bit Architecture; llvm prints them as `W19`).
 */
function isRegister(loc: string, register: string): boolean {
  const m = /^DW_OP_reg(\d+) (\w+)$/.exec(loc);
  if (!m) return false;
  if (/^x\d+$|^sp$/.test(register))
    return Number(m[1]) === (register === 'sp' ? 31 : Number(register.slice(1)));
  return m[2] === register;
}

/** Section offset of `fn` (nm's symbol value: for a .ko, the offset in its section). */
function symbolStart(fn: string): number {
  const line = run('nm', [ko])
    .split('\n')
    .find((l) => / [tT] /.test(l) && l.endsWith(` ${fn}`));
  assert.ok(line, `nm shows no ${fn}`);
  return parseInt(line.split(' ')[0], 16);
}

/** llvm-dwarfdump's `struct NAME`: member name by byte offset (top level). */
function dwarfMembers(struct: string): Map<number, string> {
  const s = [...dwarfdump().byOffset.values()].find(
    (d) =>
      d.tag === 'DW_TAG_structure_type' && d.attrs.get('DW_AT_name') === `"${struct}"` && d.children.length,
  );
  assert.ok(s, `llvm-dwarfdump shows no struct ${struct}`);
  const members = new Map<number, string>();
  for (const m of s.children)
    if (m.tag === 'DW_TAG_member')
      members.set(
        hexAt(m.attrs.get('DW_AT_data_member_location')!),
        /"(.*)"/.exec(m.attrs.get('DW_AT_name')!)![1],
      );
  return members;
}

/** gdb `ptype /o struct NAME`: member name by byte offset (top level). */
function gdbMembers(struct: string): Map<number, string> {
  const out = run('gdb', ['-batch', '-nx', '-ex', `ptype /o struct ${struct}`, KO]);
  const members = new Map<number, string>();
  for (const m of out.matchAll(/^\/\*\s+(\d+)\s+\|\s+\d+ \*\/ {4}\S.*?(\w+);$/gm))
    if (!members.has(Number(m[1]))) members.set(Number(m[1]), m[2]);
  return members;
}

/** The memory faults whose base register holds a variable at the PC (x86_64 null_write's `o` is optimized out). */
const SCENARIOS: Record<CorpusArch, string[]> = {
  x86_64: ['null_read', 'gpf', 'inline', 'null_wq'],
  arm64: ['null_read', 'null_write', 'gpf', 'inline', 'null_wq', 'init_null_read'],
};

for (const arch of ['x86_64', 'arm64'] as const) {
  test(
    `${arch}: the variable in the base register at the faulting PC is the one llvm-dwarfdump shows there`,
    { skip },
    () => {
      ko = moduleOf(arch);
      for (const sc of SCENARIOS[arch]) {
        const e = faultEvent(sc, arch);
        const a = withModule(e);
        assert.ok(a.base, sc);
        const want = oracleVariable(
          e.ip!.function!,
          symbolStart(e.ip!.function!) + e.ip!.offset!,
          a.base.register,
        );
        assert.ok(want, `${sc}: llvm-dwarfdump shows no variable in ${a.base.register}`);
        assert.ok(a.variable, `${sc}: ${a.notes.join('; ')}`);
        assert.deepEqual(
          {
            name: a.variable.name,
            kind: a.variable.kind,
            function: a.variable.function,
            inlinedIn: a.variable.inlinedIn,
            type: a.variable.type.replace(/^struct /, ''),
          },
          { ...want, type: want.type.replace(/^struct /, '') },
          sc,
        );
        assert.equal(a.variable.location, a.base.register, sc);
      }
    },
  );

  test(
    `${arch}: the member at the displacement is the one ${arch === 'arm64' ? "llvm-dwarfdump's struct" : 'gdb ptype /o'} puts at that offset; the expression reads it`,
    { skip },
    () => {
      ko = moduleOf(arch);
      // gdb reads no arm64 .ko (it applies no aarch64 relocations to its DWARF): llvm-dwarfdump's layout there.
      const layout = arch === 'arm64' ? dwarfMembers('buggy_obj') : gdbMembers('buggy_obj');
      for (const sc of SCENARIOS[arch]) {
        const a = withModule(faultEvent(sc, arch));
        const offset = parseInt(a.displacement!, 16);
        if (!/struct buggy_obj \*/.test(a.variable!.type)) {
          // gpf: `unsigned long *p`, read at +0: the pointee itself.
          assert.equal(offset, 0);
          assert.equal(a.expression, `*${a.variable!.name}`);
          continue;
        }
        const member = layout.get(offset);
        assert.ok(member, `${sc}: gdb shows no member at ${offset}`);
        assert.equal(a.member, member, sc);
        assert.equal(a.container, `struct buggy_obj +0x${offset.toString(16)}`, sc);
        assert.equal(a.expression, `${a.variable!.name}->${member}`, sc);
        assert.ok(
          a.summary.startsWith(
            `${a.kind === 'write' ? 'writing' : 'reading'} \`${a.expression}\` (struct buggy_obj`,
          ),
          a.summary,
        );
      }
    },
  );
}

test('a pointer gdb calls optimized out is said to be, and no variable is guessed', { skip }, () => {
  ko = KO;
  const e = faultEvent('null_write');
  const scope = run('gdb', ['-batch', '-nx', '-ex', `info scope *(${e.ip!.function}+${e.ip!.offset})`, KO]);
  const gone = [...scope.matchAll(/Symbol (\w+) is optimized out/g)].map((m) => m[1]);
  assert.ok(gone.length > 0, scope);
  const a = withModule(e);
  assert.equal(a.variable, null);
  assert.equal(a.expression, null);
  for (const name of gone)
    assert.ok(
      a.notes.some((n) => n.includes(`\`${name}\` is optimized out`)),
      a.notes.join('; '),
    );
});
