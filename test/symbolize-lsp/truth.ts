// Ground truth of test-fixtures/corpus/qemu/decoded/*.truth.tsv for the module (buggy.ko) frames, keyed by the
// token the log prints, with the answer our rule must give: the faulting IP (RIP rows) at the address,
// call-trace entries (CALL / CALL? rows) at address-1 (inside the call instruction, as the kernel's %pB).
// Not a test file itself.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const QEMU = path.resolve(__dirname, '../../test-fixtures/corpus/qemu');
export const QEMU_LOGS = path.join(QEMU, 'logs');
export const QEMU_MODULES = path.join(QEMU, 'module');

export interface Level {
  function: string;
  file: string;
  line: number;
}

export interface ModuleTruth {
  log: string;
  kind: string;
  /** `buggy_null_read+0x1d/0x29` as printed. */
  token: string;
  symbol: string;
  isIp: boolean;
  /** Innermost inline level first. */
  want: Level[];
}

/** `f at file:line |  (inlined by) g at file:line` -> levels. */
export function parseAddr2line(text: string): Level[] {
  return text
    .split(' | ')
    .map((p) => /^\s*(?:\(inlined by\)\s*)?(\S+) at (.+):(\d+)/.exec(p))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ function: m[1], file: m[2], line: Number(m[3]) }));
}

export const QEMU_ARM64 = path.resolve(__dirname, '../../test-fixtures/corpus/qemu-arm64');
export const QEMU_HARDENING = path.resolve(__dirname, '../../test-fixtures/corpus/qemu-hardening');

/**
 * Every row of `object` (buggy | vmlinux) of every log of a qemu corpus whose answer is known. The faulting
 * pc (x86 RIP, arm64 PC and the identical first trace entry CALL=PC) is looked up at the address; other
 * trace entries at the call (address-1 on x86_64, address-4 on arm64). WARN_AT rows are the `at func+off/size`
 * of a WARNING header (the pc again, on the header line: looked up at the address); arm64 LR rows are the
 * `lr :` register line, a return address like a trace entry; AMBIGUOUS rows (several symbols of that name and
 * size) have no single answer. CALL_TRACK (a SLUB `Allocated in`/`Freed in` track) and CALL_PB (stack-protector's
 * %pB) are return addresses printed outside a call trace: at address-1 too.
 */
export function truthRows(corpus = QEMU, object = 'buggy'): ModuleTruth[] {
  const dir = path.join(corpus, 'decoded');
  const out: ModuleTruth[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.truth.tsv'))
    .sort()) {
    const [header, ...rows] = readFileSync(path.join(dir, name), 'utf8').trim().split('\n');
    const cols = header.split('\t');
    const previous = cols.find((c) => c.startsWith('addr2line_at_address_minus_'))!;
    for (const row of rows) {
      const r = Object.fromEntries(row.split('\t').map((v, i) => [cols[i], v]));
      if (r.object !== object || r.note) continue;
      const isIp = r.kind === 'RIP' || r.kind === 'PC' || r.kind === 'CALL=PC' || r.kind === 'WARN_AT';
      const want = parseAddr2line(isIp ? r.addr2line_at_address : r[previous]);
      if (want.length === 0) continue;
      out.push({
        log: name.replace('.truth.tsv', ''),
        kind: r.kind,
        token: `${r.symbol}+${r.offset}/${r.size}`,
        symbol: r.symbol,
        isIp,
        want,
      });
    }
  }
  return out;
}

/** The x86_64 buggy.ko rows. */
export function moduleTruth(): ModuleTruth[] {
  return truthRows(QEMU, 'buggy');
}

/**
 * null_read's log with two module frames printed as raw addresses (as kernels without kallsyms print
 * them): the address = the section's load address from the log's sysfs dump + the truth's section offset.
 */
export function rawAddressLog(): {
  text: string;
  rows: { address: string; resolved: string; line: number }[];
} {
  let text = readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
  const tsv = readFileSync(path.join(QEMU, 'decoded/null_read.truth.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const rows: { address: string; resolved: string; line: number }[] = [];
  for (const symbol of ['buggy_null_read_level1', 'buggy_dispatch']) {
    const r = tsv.find((c) => c[2] === symbol && c[1] === 'CALL')!;
    const [, , , offset, size, , section, address] = r;
    const base = BigInt(
      new RegExp(`^${section.replace(/\./g, '\\.')} (0x[0-9a-f]+)`, 'm').exec(text.replace(/\r/g, ''))![1],
    );
    const raw = (base + BigInt(address)).toString(16);
    text = text.replace(`${symbol}+${offset}/${size} [buggy]`, `? 0x${raw}`);
    const want = parseAddr2line(r[9])[0];
    rows.push({ address: raw, resolved: `${symbol}+${offset}/${size} [buggy]`, line: want.line });
  }
  return { text, rows };
}
