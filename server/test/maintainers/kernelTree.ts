// The kernel source tree the maintainers tests compare against: Debian's linux-source-6.1 unpacked by
// scripts/ci/fetch-kernel-source.sh (CI runs it; `.ci/run` fails on any skipped test).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const KERNEL_SOURCE = process.env.OOPS_LENS_KERNEL_SOURCE;
export const NO_KERNEL_SOURCE =
  KERNEL_SOURCE && existsSync(join(KERNEL_SOURCE, 'scripts/get_maintainer.pl'))
    ? false
    : 'needs a kernel tree: eval "$(bash scripts/ci/fetch-kernel-source.sh)" sets OOPS_LENS_KERNEL_SOURCE ' +
      '(apt-get install linux-source-6.1, unpacked into /var/cache/kernel-oops-lens)';

let script: string | null = null;
/**
 * The tree's get_maintainer.pl with one change: sections that match equally deep are printed in MAINTAINERS
 * order instead of Perl's (randomised) hash order, so that its output is one list to compare with.
 */
function oracleScript(tree: string): string {
  if (script) return script;
  const text = readFileSync(join(tree, 'scripts/get_maintainer.pl'), 'utf8');
  // The sort in get_maintainers (vcs_assign has another, for git signers).
  const from = /sort \{\$hash\{\$b\} <=> \$hash\{\$a\}\}( keys %hash\) \{\s+add_categories)/;
  if (!from.test(text)) throw new Error('get_maintainer.pl no longer sorts sections as expected');
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-get-maintainer-'));
  script = join(dir, 'get_maintainer.pl');
  writeFileSync(script, text.replace(from, 'sort {$$hash{$$b} <=> $$hash{$$a} || $$a <=> $$b}$1'));
  return script;
}

/**
 * `get_maintainer.pl --no-git --no-git-fallback -f FILE` run at the tree's top (with `--no-keywords` when
 * asked): its lines.
 */
export async function getMaintainerPl(tree: string, file: string, keywords = true): Promise<string[]> {
  const { stdout } = await run(
    'perl',
    [oracleScript(tree), '--no-git', '--no-git-fallback', ...(keywords ? [] : ['--no-keywords']), '-f', file],
    { cwd: tree, env: { ...process.env, HOME: tree } },
  );
  return stdout.split('\n').filter((l) => l !== '');
}

/**
 * Files of `files` (relative to the tree's top) whose content matches one of MAINTAINERS' `K:` regexes, as
 * Perl matches them (the script's own `m/$keyword/x` on the file's bytes), in the order given.
 */
export async function filesMatchingKeywords(tree: string, files: string[]): Promise<string[]> {
  const list = join(mkdtempSync(join(tmpdir(), 'oops-lens-keywords-')), 'files');
  writeFileSync(list, files.join('\n') + '\n');
  const perl = `
    open(my $m, '<', 'MAINTAINERS') or die; my @k;
    while (<$m>) { chomp; push(@k, $1) if /^K:\\s*(.*)/; }
    open(my $l, '<', $ARGV[0]) or die;
    while (my $f = <$l>) {
      chomp $f; next unless -f $f;
      open(my $h, '<', $f) or next; my $t = do { local($/); <$h> }; close($h);
      foreach my $k (@k) { if ($t =~ m/$k/x) { print "$f\\n"; last; } }
    }`;
  const { stdout } = await run('perl', ['-e', perl, list], {
    cwd: tree,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\n').filter((l) => l !== '');
}
