// MAINTAINERS rules on a small made-up tree: X: exclusions, N: regexes, globs that stop at their own depth,
// directories without their slash, equal depths, statuses as roles, moderated and subscribers-only lists,
// one person in two sections, a `M:` holding two addresses, .mailmap. Checked by hand here, and against the
// real get_maintainer.pl (run with --no-tree on this tree) when a kernel tree is at hand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { formatMaintainersLikeScript, loadMaintainers, maintainersOf } from '../../src/engine';
import { KERNEL_SOURCE, NO_KERNEL_SOURCE } from './kernelTree';

const MAINTAINERS = `List of maintainers
	M: *Mail* patches to: FullName <address@domain>

Descriptions of section entries and preferred order
-------------------------------------------------

3C59X NETWORK DRIVER
M:	Steffen Klassert <klassert@kernel.org>
L:	netdev@vger.kernel.org
S:	Odd Fixes
F:	drivers/net/ethernet/3com/3c59x.c

FOO SUBSYSTEM WITH A VERY LONG NAME THAT GOES ON AND ON AND ON
M:	"Lee, Chun-Yi" <jlee@suse.com>
M:	Ann Example <ann@example.org>, Bob Example <bob@example.org>
R:	Carl Review <carl@example.org> (the foo part)
L:	foo-devel@lists.example.org (moderated for non-subscribers)
L:	foo-users@lists.example.org (subscribers-only)
S:	Supported
F:	drivers/foo
X:	drivers/foo/bar/

FOO BAR DRIVER
M:	Old Name <old@example.org>
S:	Maintained
F:	drivers/foo/bar/
F:	drivers/foo/*.h

FOO GLOB
M:	Ann Example <ann@example.org>
S:	Orphan
F:	drivers/foo/f?o*.c

TEGRA ARCHITECTURE SUPPORT
M:	Thierry Tegra <thierry@example.org>
L:	linux-tegra@vger.kernel.org
S:	Supported
N:	[^a-z]tegra

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
`;

const MAILMAP = `# comment
New Name <new@example.org> <old@example.org>
`;

const FILES = [
  'drivers/net/ethernet/3com/3c59x.c',
  'drivers/foo/core.c',
  'drivers/foo/foo.h',
  'drivers/foo/fxo_main.c',
  'drivers/foo/sub/deep.c',
  'drivers/foo/bar/bar.c',
  'drivers/gpu/tegra/drm.c',
  'drivers/tegra.c',
  'README',
];

function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'oops-lens-maintainers-'));
  writeFileSync(join(root, 'MAINTAINERS'), MAINTAINERS);
  writeFileSync(join(root, '.mailmap'), MAILMAP);
  for (const f of FILES) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

const tree = makeTree();
const answer = (f: string) => maintainersOf(loadMaintainers(tree)!, f);

test('the most specific section first, X: excluding, globs at their own depth, mailmap', () => {
  assert.deepEqual(formatMaintainersLikeScript(answer('drivers/foo/bar/bar.c')), [
    'New Name <new@example.org> (maintainer:FOO BAR DRIVER)',
    'linux-kernel@vger.kernel.org (open list)',
  ]);
  const core = answer('drivers/foo/core.c');
  assert.deepEqual(
    core.subsystems.map((s) => [s.name, s.status]),
    [
      ['FOO SUBSYSTEM WITH A VERY LONG NAME THAT GOES ON AND ON AND ON', 'Supported'],
      ['THE REST', 'Buried alive in reporters'],
    ],
  );
  assert.deepEqual(
    core.people.map((p) => [p.name, p.email, p.role]),
    [
      ['Lee, Chun-Yi', 'jlee@suse.com', 'maintainer'],
      ['Ann Example', 'ann@example.org', 'maintainer'],
      ['Bob Example', 'bob@example.org', 'maintainer'],
      ['Carl Review', 'carl@example.org', 'reviewer'],
    ],
  );
  assert.equal(core.people[0].roleText, 'supporter:FOO SUBSYSTEM WITH A VERY LONG NAME THAT GOES O...');
  assert.deepEqual(
    core.lists.map((l) => [l.email, l.moderated]),
    [
      ['foo-devel@lists.example.org', true],
      ['linux-kernel@vger.kernel.org', false],
    ],
    'subscribers-only lists are left out, Linus is dropped',
  );
  // `drivers/foo/*.h` is one level deep only; the deeper file is not FOO BAR's.
  assert.deepEqual(
    answer('drivers/foo/foo.h').subsystems.map((s) => s.name),
    ['FOO BAR DRIVER', 'FOO SUBSYSTEM WITH A VERY LONG NAME THAT GOES ON AND ON AND ON', 'THE REST'],
  );
  assert.ok(!answer('drivers/foo/sub/deep.c').subsystems.some((s) => s.name === 'FOO GLOB'));
  assert.equal(
    answer('drivers/foo/fxo_main.c').people.find((p) => p.email === 'ann@example.org')?.roleText,
    'orphan minder:FOO GLOB',
    'the glob is deeper than drivers/foo/, so its section names her first',
  );
  assert.deepEqual(
    answer('drivers/gpu/tegra/drm.c').subsystems.map((s) => s.name),
    ['TEGRA ARCHITECTURE SUPPORT', 'THE REST'],
  );
  assert.deepEqual(
    answer('drivers/tegra.c').subsystems.map((s) => s.name),
    ['TEGRA ARCHITECTURE SUPPORT', 'THE REST'],
  );
});

test('the same answers as get_maintainer.pl on the made-up tree', { skip: NO_KERNEL_SOURCE }, () => {
  const script = join(KERNEL_SOURCE!, 'scripts/get_maintainer.pl');
  for (const f of FILES) {
    const out = execFileSync(
      'perl',
      [script, '--no-tree', '--no-git', '--no-git-fallback', '--no-keywords', '-f', f],
      {
        cwd: tree,
        env: { ...process.env, HOME: tree },
        encoding: 'utf8',
      },
    );
    assert.deepEqual(formatMaintainersLikeScript(answer(f)), out.split('\n').filter(Boolean), f);
  }
});
