// Runs the same extension-host suite in desktop VS Code through @vscode/test-electron. It downloads VS Code
// (into .vscode-test/), so it needs access to the VS Code download site; where that is blocked use
// run-code-server.mjs instead. Needs a display (use xvfb-run on a headless Linux machine).
//
//   node test/editor/run-electron.mjs [--version X.Y.Z]  (default 1.100.3, the VS Code inside code-server 4.100.3)
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { REPO, buildSuite } from './build-suite.mjs';

const i = process.argv.indexOf('--version');
const version = i >= 0 ? process.argv[i + 1] : (process.env.VSCODE_TEST_VERSION ?? '1.100.3');
try {
  const suite = await buildSuite({ expectInstall: 'dev' });
  const code = await runTests({
    version,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: suite,
    launchArgs: [
      join(REPO, 'test-fixtures/editor'),
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
  process.exit(code);
} catch (e) {
  console.error('[electron] failed:', e?.stack ?? e);
  process.exit(1);
}
