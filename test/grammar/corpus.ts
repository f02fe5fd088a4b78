// Real logs from test-fixtures/corpus used by the snapshot and line-independence tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, splitLines } from './load-grammar.mjs';

const corpus = join(repoRoot, 'test-fixtures', 'corpus');

export interface CorpusLog {
  /** Snapshot name, e.g. "qemu-gpf". */
  name: string;
  lines: string[];
}

const QEMU = ['gpf', 'oom', 'hung', 'softlockup', 'warn_on'];
const QEMU_ARM64 = ['null_read', 'oom', 'sysrq_l_smp2'];
// KASAN, powerpc, arm32, KCSAN, KMSAN, UBSAN, kmemleak, lockdep, hung task with caller ids, KFENCE,
// riscv, syslog-prefixed, and a negative (no crash) case.
const SYZKALLER = ['154', '431', '697', '427', '626', '40', '151', '115', '1000', '590', '545', '731', '1'];

/** The console log of a syzkaller report file: after the header block, before "REPORT:". */
export function syzkallerLog(text: string): string {
  const body = text.replace(/\r/g, '').slice(text.indexOf('\n\n') + 2);
  const cut = body.search(/\n\nREPORT:\n/);
  return cut >= 0 ? body.slice(0, cut) : body;
}

export function corpusLogs(): CorpusLog[] {
  // latin1: the captures hold a few non-UTF-8 bytes; reading them as latin1 keeps every byte a char.
  const read = (p: string) => readFileSync(join(corpus, p), 'latin1');
  return [
    ...QEMU.map((s) => ({ name: `qemu-${s}`, lines: splitLines(read(`qemu/logs/${s}.console.log`)) })),
    ...QEMU_ARM64.map((s) => ({
      name: `qemu-arm64-${s}`,
      lines: splitLines(read(`qemu-arm64/logs/${s}.console.log`)),
    })),
    ...SYZKALLER.map((n) => ({
      name: `syzkaller-${n}`,
      lines: splitLines(syzkallerLog(read(`syzkaller/report/${n}`))),
    })),
  ];
}
