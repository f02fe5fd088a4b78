// pstore dumps (/sys/fs/pstore/dmesg-ramoops-N, dmesg-efi-…, systemd-pstore's copies): what a crashed machine
// leaves behind without kdump. fs/pstore/platform.c pstore_dump writes the kernel log from its end, one record
// per buffer, each headed `%s#%d Part%u` (the kmsg_dump reason, the dump's count, the part: Part1 is the most
// recent text, Part2 the text before it, …), the lines kept with their `<level>[timestamp]` prefixes. Joining
// the parts in reverse order gives the log as it was printed.

/** `Oops#1 Part1`: kmsg_dump_reason_str names (include/linux/kmsg_dump.h, v6.1). */
const RECORD_HEADER =
  /^(Panic|Oops|Emergency|Restart|Halt|Poweroff|Shutdown|Unknown)#(\d{1,9}) Part(\d{1,6})\r?$/;

export interface PstoreRecord {
  /** `Oops#1`: the reason and the dump's count; parts of one dump share it. */
  dump: string;
  part: number;
  /** Where the record came from (a file name), for messages. */
  source: string;
  /** The record's lines after its header. */
  lines: string[];
}

/** The records of a pstore text (one file, or several concatenated); text before the first header is dropped. */
export function splitPstoreRecords(text: string, source: string): PstoreRecord[] {
  const records: PstoreRecord[] = [];
  let current: PstoreRecord | null = null;
  for (const line of text.split('\n')) {
    const m = RECORD_HEADER.exec(line);
    if (m) {
      current = { dump: `${m[1]}#${m[2]}`, part: Number(m[3]), source, lines: [] };
      records.push(current);
    } else if (current) current.lines.push(line.replace(/\r$/, ''));
  }
  for (const r of records) while (r.lines.length > 0 && r.lines[r.lines.length - 1] === '') r.lines.pop();
  return records;
}

export interface JoinedDump {
  dump: string;
  /** Part numbers in the order they were joined (highest first: oldest text first). */
  parts: number[];
  /** Part numbers missing between 1 and the highest one seen. */
  missing: number[];
  /** A part seen more than once (the same dump in two files): only the first is used. */
  duplicates: number[];
  lines: string[];
}

/** Every dump of `records` with its parts in print order: dumps by their count, parts from the highest down. */
export function joinPstoreRecords(records: readonly PstoreRecord[]): JoinedDump[] {
  const byDump = new Map<string, Map<number, PstoreRecord>>();
  const duplicates = new Map<string, number[]>();
  for (const r of records) {
    let parts = byDump.get(r.dump);
    if (!parts) byDump.set(r.dump, (parts = new Map()));
    if (parts.has(r.part)) duplicates.set(r.dump, [...(duplicates.get(r.dump) ?? []), r.part]);
    else parts.set(r.part, r);
  }
  const count = (dump: string) => Number(dump.slice(dump.indexOf('#') + 1));
  return [...byDump.entries()]
    .sort(([a], [b]) => count(a) - count(b) || a.localeCompare(b))
    .map(([dump, parts]) => {
      const numbers = [...parts.keys()].sort((a, b) => b - a);
      const missing: number[] = [];
      for (let n = numbers[0]; n >= 1; n--) if (!parts.has(n)) missing.push(n);
      return {
        dump,
        parts: numbers,
        missing,
        duplicates: duplicates.get(dump) ?? [],
        lines: numbers.flatMap((n) => parts.get(n)!.lines),
      };
    });
}
