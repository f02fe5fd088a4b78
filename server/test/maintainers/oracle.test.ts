// Maintainers without Perl, checked against the real scripts/get_maintainer.pl of a kernel tree (Debian's
// linux-source-6.1) line for line, roles included, as `-f FILE` answers (the `K:` keywords matched against
// the file's content): 200 files spread evenly over the sorted tree, every guilty file of the syzkaller
// corpus that the tree still has (also with --no-keywords), and files whose content Perl finds a `K:` regex in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  findMaintainers,
  formatMaintainersLikeScript,
  loadMaintainers,
  maintainersOf,
  type MaintainersAnswer,
} from '../../src/engine';
import { SYZKALLER_REPORTS } from '../engine/syzkaller-corpus';
import { filesMatchingKeywords, getMaintainerPl, KERNEL_SOURCE, NO_KERNEL_SOURCE } from './kernelTree';

const SAMPLE = 200;

/** Every file of the tree, relative and sorted (hidden folders left out). */
function treeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${name}` : name;
      const st = statSync(join(root, rel));
      if (st.isDirectory()) walk(rel);
      else if (st.isFile()) out.push(rel);
    }
  };
  walk('');
  return out;
}

/** `FILE:` of each syzkaller guilty-file case. */
function syzkallerGuiltyFiles(): string[] {
  const dir = join(SYZKALLER_REPORTS, '../guilty');
  return readdirSync(dir).map((n) => /^FILE: (.*)$/m.exec(readFileSync(join(dir, n), 'utf8'))![1].trim());
}

/** Compares each file's answer with the script's; `keywords` false compares `--no-keywords` answers. */
async function compare(tree: string, files: string[], keywords = true): Promise<number> {
  const db = loadMaintainers(tree);
  assert.ok(db, 'the tree has a MAINTAINERS file');
  let compared = 0;
  const queue = [...files];
  // Two perl processes at a time: a third of a second each.
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const expected = await getMaintainerPl(tree, f, keywords);
      // With keywords, as the report asks: the tree's file read by findMaintainers.
      const ours: MaintainersAnswer | null = keywords ? findMaintainers([tree], f) : maintainersOf(db, f);
      assert.ok(ours);
      assert.deepEqual(formatMaintainersLikeScript(ours), expected, f);
      compared++;
    }
  };
  await Promise.all([worker(), worker()]);
  return compared;
}

test(
  'get_maintainer.pl answers on 200 files across the kernel tree',
  { skip: NO_KERNEL_SOURCE },
  async () => {
    const tree = KERNEL_SOURCE!;
    // YAML bindings also name their maintainers inside the file (the script's maintainers_in_file): not compared.
    const all = treeFiles(tree).filter((f) => !f.endsWith('.yaml'));
    assert.ok(all.length > 50_000, `${all.length} files`);
    const sample = Array.from(
      { length: SAMPLE },
      (_, i) => all[Math.floor(((i + 0.5) * all.length) / SAMPLE)],
    );
    assert.equal(await compare(tree, sample), SAMPLE);
  },
);

test(
  "get_maintainer.pl answers for the syzkaller corpus' guilty files",
  { skip: NO_KERNEL_SOURCE },
  async () => {
    const tree = KERNEL_SOURCE!;
    const guilty = [...new Set(syzkallerGuiltyFiles())];
    const present = guilty.filter((f) => {
      try {
        return statSync(join(tree, f)).isFile();
      } catch {
        return false;
      }
    });
    assert.ok(
      present.length >= guilty.length / 2,
      `${present.length} of ${guilty.length} guilty files in the tree`,
    );
    assert.equal(await compare(tree, present), present.length);
    assert.equal(await compare(tree, present, false), present.length);
  },
);

test(
  'get_maintainer.pl answers for files whose content matches a K: keyword',
  { skip: NO_KERNEL_SOURCE },
  async () => {
    const tree = KERNEL_SOURCE!;
    const all = treeFiles(tree).filter((f) => !f.endsWith('.yaml') && f !== 'MAINTAINERS');
    // Every 10th file of the tree, searched by Perl itself for any K: regex; 60 of those spread evenly.
    const matching = await filesMatchingKeywords(
      tree,
      all.filter((_, i) => i % 10 === 0),
    );
    assert.ok(matching.length >= 100, `${matching.length} files match a keyword`);
    const picked = Array.from(
      { length: 60 },
      (_, i) => matching[Math.floor(((i + 0.5) * matching.length) / 60)],
    );
    assert.equal(await compare(tree, picked), picked.length);
    // The keywords are what these answers are about: for many, --no-keywords answers otherwise.
    let differ = 0;
    for (const f of picked)
      if (
        JSON.stringify(await getMaintainerPl(tree, f, false)) !==
        JSON.stringify(await getMaintainerPl(tree, f))
      )
        differ++;
    assert.ok(differ >= 20, `${differ} of ${picked.length} answers change with keywords`);
  },
);
