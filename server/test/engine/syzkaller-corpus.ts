// Reads test-fixtures/corpus/syzkaller/report/N: a header of `KEY: value` lines (`#` comments), a blank line,
// the console log, and optionally a blank line + `REPORT:` + the report text syzkaller expects.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYZKALLER_REPORTS = join(__dirname, '../../../test-fixtures/corpus/syzkaller/report');
/** Newer syzkaller reports the shared copy lacks (test-fixtures/corpus/README.md). */
export const SYZKALLER_EXTRA_REPORTS = join(
  __dirname,
  '../../../test-fixtures/corpus/syzkaller-extra/report',
);

export interface SyzCase {
  name: string;
  titles: string[]; // TITLE first, then ALTs; empty for a negative case
  type: string | null;
  corrupted: boolean;
  log: string;
}

export function loadSyzkallerCases(dir = SYZKALLER_REPORTS): SyzCase[] {
  const names = readdirSync(dir).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return names.map((name) => parseCase(name, readFileSync(join(dir, name), 'latin1').replace(/\r/g, '')));
}

function parseCase(name: string, text: string): SyzCase {
  const lines = text.split('\n');
  const titles: string[] = [];
  let type: string | null = null;
  let corrupted = false;
  let i = 0;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = /^([A-Z]+): ?(.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[1] === 'TITLE') {
      if (m[2].trim()) titles.unshift(m[2]);
    } else if (m[1] === 'ALT' && m[2].trim()) titles.push(m[2]);
    else if (m[1] === 'TYPE') type = m[2];
    else if (m[1] === 'CORRUPTED') corrupted = m[2] === 'Y';
  }
  let body = lines.slice(i + 1);
  const report = body.indexOf('REPORT:');
  if (report > 0 && body[report - 1] === '') body = body.slice(0, report - 1);
  return { name, titles, type, corrupted, log: body.join('\n') };
}
