// Screenshots of the grammar's highlighting in the real editor (code-server + Chromium via playwright-core),
// in a dark and a light theme, for the README:
//
//   npm run build && node test/editor/screenshot-themes.mjs [--out DIR] [--file FIXTURE]
//
// Loads the repository as development extension through the workbench `payload` URL parameter (as
// run-code-server.mjs does) and opens the fixture. The theme is chosen with "Preferences: Color Theme",
// which writes it to the user settings: in an extension-development window code-server 4.100 ignores a
// `workbench.colorTheme` that is already in settings.json at start-up (it shows Light+), and changes to
// the file are not picked up either. Diagnostics are off so squiggles do not cover the colours.
/* global document -- page.evaluate callbacks run in the browser. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  freePort,
  isolatedEnv,
  launchChromium,
  stopServer,
  waitForHttp,
  workbenchUrl,
  writeUserSettings,
} from './code-server-lib.mjs';
import { REPO } from './build-suite.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const outDir = resolve(opt('--out', join(REPO, 'docs/screenshots')));
const fixture = resolve(opt('--file', join(REPO, 'test-fixtures/editor/oops.dmesg')));
const CODE_SERVER =
  process.env.CODE_SERVER_BIN ?? join(REPO, '.test-cache/code-server/node_modules/.bin/code-server');
// [output name, label in the theme picker, the workbench's class for that theme]
const THEMES = [
  ['highlight-dark', 'Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json'],
  ['highlight-light', 'Light Modern', 'vscode-theme-defaults-themes-light_modern-json'],
];
const log = (...a) => console.log('[screenshot-themes]', ...a);

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Picks the quick-input row labelled exactly `label` (clicking it: Enter would take the first fuzzy match). */
async function pick(page, label) {
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exactly(label) }) });
  await row.first().click({ timeout: 15_000 });
}

async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  await pick(page, label);
}

const work = mkdtempSync(join(tmpdir(), 'kol-screenshots-'));
const env = isolatedEnv(work);
const userDataDir = join(work, 'user-data');
// A quiet editor whose text area fills the window: no activity bar, breadcrumbs, minimap or guides.
writeUserSettings(userDataDir, {
  'workbench.activityBar.location': 'hidden',
  'workbench.layoutControl.enabled': false,
  'editor.fontSize': 13,
  'editor.guides.indentation': false,
  'editor.stickyScroll.enabled': false,
  'editor.renderLineHighlight': 'none',
  'breadcrumbs.enabled': false,
  'kernelOops.diagnostics.enable': false,
});

let server;
let serverLog = '';
let browser;
let exitCode = 1;
try {
  if (!existsSync(CODE_SERVER)) throw new Error(`${CODE_SERVER} missing: run scripts/editor/install.sh`);
  if (!existsSync(join(REPO, 'dist/extension.js')))
    throw new Error('dist/extension.js missing: run npm run build');
  const host = `127.0.0.1:${await freePort()}`;
  const folder = dirname(fixture);
  // detached = setsid: the server and its extension hosts form one process group we stop at once.
  server = spawn(
    CODE_SERVER,
    [
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      join(work, 'extensions'),
      '--bind-addr',
      host,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      folder,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  await waitForHttp(`http://${host}/healthz`, 60_000);
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${REPO}`],
    ['openFile', `vscode-remote://${host}${fixture}`],
  ];
  const url = workbenchUrl(host, folder, payload);
  let page;
  ({ browser, page } = await launchChromium(join(work, 'chromium')));
  await page.goto(url);
  await page
    .locator('.monaco-editor .view-lines', { hasText: 'Call Trace:' })
    .first()
    .waitFor({ timeout: 90_000 });
  await runCommand(page, 'View: Close Primary Side Bar');
  await runCommand(page, 'Notifications: Clear All Notifications');
  // Cosmetic: both shots show the same status bar once the language server has put up its item.
  await page
    .locator('.statusbar', { hasText: 'debug files' })
    .waitFor({ timeout: 20_000 })
    .catch(() => log('status item not seen'));
  mkdirSync(outDir, { recursive: true });
  for (const [name, label, themeClass] of THEMES) {
    await runCommand(page, 'Preferences: Color Theme');
    await pick(page, label);
    await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ state: 'attached', timeout: 30_000 });
    // The kernel-log grammar has run once the text shows many token colours (mtk1 alone = plain text).
    await page.waitForFunction(
      () =>
        new Set([...document.querySelectorAll('.view-lines span[class^="mtk"]')].map((s) => s.className))
          .size > 8,
      null,
      { timeout: 30_000 },
    );
    // Same state in both shots: extensions activated, no hover, no caret.
    await page
      .locator('.statusbar', { hasText: 'Activating Extensions' })
      .waitFor({ state: 'detached', timeout: 30_000 });
    await page.mouse.move(1399, 899);
    await page.evaluate(() => document.activeElement?.blur());
    await page.waitForTimeout(1000); // let the theme transition settle
    const out = join(outDir, `${name}.png`);
    await page.screenshot({ path: out });
    log(`${label}: ${out}`);
  }
  exitCode = 0;
} catch (e) {
  log(`error: ${e?.stack ?? e}`);
  await browser
    ?.pages()[0]
    ?.screenshot({ path: join(work, 'error.png') })
    .catch(() => {});
} finally {
  await browser?.close().catch(() => {});
  stopServer(server);
  if (exitCode === 0 && !process.env.KEEP_EDITOR_TEST_DIR) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} for inspection (error.png)\n${serverLog.slice(-3000)}`);
}
process.exit(exitCode);
