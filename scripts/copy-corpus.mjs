// Refreshes test-fixtures/corpus/ from the team's shared corpus (the tests never read it directly):
//   node scripts/copy-corpus.mjs /path/to/shared/corpus
// System.map files are stored gzip-compressed, kernel configs are left out (see test-fixtures/corpus/README.md).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const from = process.argv[2];
if (!from || !existsSync(join(from, 'syzkaller'))) {
  console.error(
    'usage: node scripts/copy-corpus.mjs SHARED_CORPUS_DIR (the folder holding syzkaller/, qemu/, qemu-arm64/)',
  );
  process.exit(2);
}
const to = resolve(import.meta.dirname, '../test-fixtures/corpus');
for (const name of ['syzkaller', 'qemu', 'qemu-arm64']) {
  const dest = join(to, name);
  const keep = name === 'syzkaller' ? readFileSync(join(dest, 'LICENSE')) : null;
  rmSync(dest, { recursive: true, force: true });
  cpSync(join(from, name), dest, { recursive: true });
  if (keep) writeFileSync(join(dest, 'LICENSE'), keep);
  const boot = join(dest, 'boot');
  if (!existsSync(boot)) continue;
  for (const f of readdirSync(boot)) {
    const p = join(boot, f);
    chmodSync(p, 0o644);
    if (f.startsWith('System.map-')) writeFileSync(p + '.gz', gzipSync(readFileSync(p), { level: 9 }));
    if (f.startsWith('System.map-') || f.startsWith('config-')) rmSync(p);
  }
}
console.log(`copied into ${to}`);
