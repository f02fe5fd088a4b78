// `K:` keywords on a made-up tree: the Perl forms MAINTAINERS uses (a leading `(?i)`, `(?i:…)` groups, `\b`,
// `/x` white space), `.` and `$` as Perl reads them, a section found by path and by keyword listed once, and
// keyword sections after the path ones in the script's string order of their line numbers. Checked by hand
// here, and against the real get_maintainer.pl (run with --no-tree on this tree) when a kernel tree is at hand.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { findMaintainers, formatMaintainersLikeScript } from '../../src/engine';
import { KERNEL_SOURCE, NO_KERNEL_SOURCE } from './kernelTree';

const filler = Array.from(
  { length: 12 },
  (_, i) => `FILLER ${i}\nM:\tFill ${i} <fill${i}@example.org>\nS:\tMaintained\nF:\tnone${i}/\n`,
).join('\n');

const MAINTAINERS = `PIDFD API
M:\tPid Fd <pidfd@example.org>
S:\tMaintained
K:\t(?i)pidfd

CLANG/LLVM BUILD SUPPORT
M:\tCee Lang <clang@example.org>
L:\tllvm@example.org
S:\tSupported
K:\t\\b(?i:clang|llvm)\\b

DRIVERS FOO
M:\tFoo Owner <foo@example.org>
S:\tMaintained
F:\tdrivers/foo/
K:\tfoo_magic

${filler}
SPACED
M:\tSpace Man <space@example.org>
S:\tOdd Fixes
K:\tspaced   _thing

DOT AND END
M:\tDot End <dot@example.org>
S:\tMaintained
K:\tdot.end$
`;

const FILES: Record<string, string> = {
  'drivers/foo/core.c': 'int foo_magic;\n/* Built with Clang */\n',
  'kernel/pid.c': 'SYSCALL_DEFINE2(PIDFD_open)\n',
  'lib/spaced.c': 'int spaced_thing;\n',
  'lib/nollvm.c': 'int nollvmx; /* clangs */\n',
  'lib/dotcr.c': 'dot\rend\n',
  'lib/dotnl.c': 'dot\nend\n',
  'lib/empty.c': '',
  // Keyword lines 8 (CLANG) and 13 (FOO): the script sorts them as strings, 13 first.
  'lib/order.c': 'int foo_magic; /* clang */\n',
};

function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'oops-lens-keywords-'));
  writeFileSync(join(root, 'MAINTAINERS'), MAINTAINERS);
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

const emails = (tree: string, f: string) => findMaintainers([tree], f)!.people.map((p) => p.email);

test('K: keywords matched in the file content, as Perl reads the regexes', () => {
  const tree = makeTree();
  assert.deepEqual(emails(tree, 'drivers/foo/core.c'), ['foo@example.org', 'clang@example.org']);
  assert.deepEqual(
    findMaintainers([tree], 'drivers/foo/core.c')!.subsystems.map((s) => s.name),
    ['DRIVERS FOO', 'CLANG/LLVM BUILD SUPPORT'],
  );
  assert.deepEqual(emails(tree, 'kernel/pid.c'), ['pidfd@example.org']);
  assert.deepEqual(emails(tree, 'lib/spaced.c'), ['space@example.org']);
  assert.deepEqual(emails(tree, 'lib/nollvm.c'), []);
  assert.deepEqual(emails(tree, 'lib/dotcr.c'), ['dot@example.org']);
  assert.deepEqual(emails(tree, 'lib/dotnl.c'), []);
  assert.deepEqual(emails(tree, 'lib/empty.c'), []);
  assert.deepEqual(emails(tree, 'lib/order.c'), ['foo@example.org', 'clang@example.org']);
});

test('the same answers as get_maintainer.pl on this tree', { skip: NO_KERNEL_SOURCE }, () => {
  const tree = makeTree();
  const script = join(KERNEL_SOURCE!, 'scripts/get_maintainer.pl');
  for (const f of Object.keys(FILES)) {
    const out = execFileSync('perl', [script, '--no-tree', '--no-git', '--no-git-fallback', '-f', f], {
      cwd: tree,
      env: { ...process.env, HOME: tree },
      encoding: 'utf8',
    });
    assert.deepEqual(
      formatMaintainersLikeScript(findMaintainers([tree], f)!),
      out.split('\n').filter(Boolean),
      f,
    );
  }
});
