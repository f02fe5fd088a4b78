// Runs the extension-host suite inside code-server (VS Code 1.100 in a browser), headless with Chromium
// driven by playwright-core. The suite is handed over through the workbench `payload` URL parameter
// (extensionDevelopmentPath / extensionTestsPath) and reports back through `codeAutomationExit`.
//
//   node test/editor/run-code-server.mjs [--vsix FILE] [--screenshots DIR] [--restricted]
//
// --vsix: install that package into a fresh extensions dir and test the installed copy (what we ship),
// instead of loading the repository as a development extension.
// --restricted: workspace trust on and the folder untrusted (Restricted Mode); runs the suite's
// restricted-mode tests only, in a scratch folder holding a log and the module it names.
// The suite asks the launcher what only the page shows (the status bar): it writes NAME.ask into the
// handshake folder and reads the answer from NAME.json.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, isolatedEnv, stopServer, waitForHttp, writeUserSettings } from './code-server-lib.mjs';
import { REPO, buildSuite } from './build-suite.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const vsix = opt('--vsix') && resolve(opt('--vsix'));
const screenshotDir = opt('--screenshots') && resolve(opt('--screenshots'));
const restricted = args.includes('--restricted');
const CODE_SERVER =
  process.env.CODE_SERVER_BIN ?? join(REPO, '.test-cache/code-server/node_modules/.bin/code-server');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.EDITOR_TEST_TIMEOUT_MS ?? 180_000);

const log = (...a) => console.log('[code-server]', ...a);

const work = mkdtempSync(join(tmpdir(), 'kol-code-server-'));
const env = isolatedEnv(work);
const userDataDir = join(work, 'user-data');
const extensionsDir = join(work, 'extensions');
const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
// Quiet, reproducible editor: no trust prompt, no welcome page, no telemetry.
writeUserSettings(
  userDataDir,
  restricted
    ? {
        'workbench.colorTheme': 'Default Dark Modern',
        // Trust on, no prompt: an unknown folder opens in Restricted Mode.
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
      }
    : { 'workbench.colorTheme': 'Default Dark Modern' },
);

let server;
let browser;
let exitCode = 1;
try {
  if (!existsSync(CODE_SERVER)) throw new Error(`${CODE_SERVER} missing: run scripts/editor/install.sh`);
  if (vsix) {
    log(`installing ${vsix}`);
    const r = spawnSync(CODE_SERVER, [...common, '--install-extension', vsix, '--force'], {
      env,
      encoding: 'utf8',
    });
    process.stdout.write(r.stdout ?? '');
    if (r.status !== 0) throw new Error(`--install-extension failed: ${r.stderr}`);
    log(
      `installed: ${readdirSync(extensionsDir)
        .filter((n) => !n.startsWith('.') && !n.endsWith('.json'))
        .join(', ')}`,
    );
  }
  const handshakeDir = join(work, 'handshake');
  const suite = await buildSuite({
    expectInstall: vsix ? 'vsix' : 'dev',
    handshakeDir,
    screenshots: !!screenshotDir,
    restricted,
    // KOL_EDITOR_ONLY=text: only the tests whose name contains it (while working on them).
    only: process.env.KOL_EDITOR_ONLY ?? null,
  });

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const folder = restricted ? restrictedFolder(join(work, 'untrusted')) : join(REPO, 'test-fixtures/editor');
  // detached = setsid: the server and its extension hosts form one process group we can stop at once.
  server = spawn(
    CODE_SERVER,
    [
      ...common,
      '--bind-addr',
      host,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(restricted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      folder,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let serverLog = '';
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  await waitForHttp(`http://${host}/healthz`, 60_000);
  log(`listening on ${host}`);

  // The workbench only runs extension tests in extension-development mode. To test the installed .vsix,
  // develop an empty carrier extension instead of the repository, so the one under test is the install.
  let devPath = REPO;
  if (vsix) {
    devPath = join(work, 'carrier');
    mkdirSync(devPath, { recursive: true });
    writeFileSync(
      join(devPath, 'package.json'),
      JSON.stringify({
        name: 'kol-test-carrier',
        publisher: 'kol-test',
        version: '0.0.0',
        engines: { vscode: '*' },
      }),
    );
  }
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${devPath}`],
    ['extensionTestsPath', `vscode-remote://${host}${suite}`],
  ];
  const url = `http://${host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const context = await chromium.launchPersistentContext(join(work, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = context;
  const page = context.pages()[0] ?? (await context.newPage());
  const done = new Promise((res) => {
    page.exposeFunction('codeAutomationExit', (code) => res(Number(code)));
  });
  await page.exposeFunction('codeAutomationLog', (level, messages) => {
    for (const m of [].concat(messages)) if (!/^\[driver\]/.test(String(m))) log(`${level}: ${m}`);
  });
  await page.goto(url);

  mkdirSync(handshakeDir, { recursive: true });
  if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
  // Runs until the page closes; the suite's result below does not wait for it.
  void (async () => {
    const answered = new Set();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      for (const f of readdirSync(handshakeDir)) {
        if (answered.has(f)) continue;
        if (f.endsWith('.ready') && screenshotDir) {
          // A screenshot of the state the suite set up (NAME.ready), then NAME.done.
          answered.add(f);
          const name = f.slice(0, -'.ready'.length);
          const out = join(screenshotDir, `${name}.png`);
          await page.screenshot({ path: out });
          log(`screenshot ${out}`);
          writeFileSync(join(handshakeDir, `${name}.done`), '');
        } else if (f.endsWith('.rows')) {
          // The rows of a view (NAME.rows holds the view's name), as the page lists them: NAME.json.
          answered.add(f);
          const name = readFileSync(join(handshakeDir, f), 'utf8').trim();
          const rows = await viewPane(page, name)
            .locator('.monaco-list-row')
            .evaluateAll((items) =>
              items.map((e) => ({
                label: e.getAttribute('aria-label') ?? e.textContent ?? '',
                level: Number(e.getAttribute('aria-level') ?? 0),
                expanded: e.getAttribute('aria-expanded'),
              })),
            )
            .catch(() => []);
          const answer = join(handshakeDir, `${f.slice(0, -'.rows'.length)}.json`);
          writeFileSync(`${answer}.tmp`, JSON.stringify({ rows }));
          renameSync(`${answer}.tmp`, answer);
        } else if (f.endsWith('.click')) {
          // A click on the first row of a view whose label starts with the text asked for: NAME.clicked.
          answered.add(f);
          const { view, label } = JSON.parse(readFileSync(join(handshakeDir, f), 'utf8'));
          const rows = viewPane(page, view).locator('.monaco-list-row');
          let clicked = false;
          for (let i = 0; i < (await rows.count().catch(() => 0)); i++) {
            const row = rows.nth(i);
            if (((await row.getAttribute('aria-label')) ?? '').startsWith(label)) {
              await row.click().catch(() => {});
              clicked = true;
              break;
            }
          }
          writeFileSync(
            join(handshakeDir, `${f.slice(0, -'.click'.length)}.clicked`),
            JSON.stringify({ clicked }),
          );
        } else if (f.endsWith('.press')) {
          // A click on the first button or link of the page whose text is the one asked for: NAME.pressed.
          answered.add(f);
          const text = readFileSync(join(handshakeDir, f), 'utf8').trim();
          const target = page.locator('a, button, .monaco-button').filter({ hasText: text }).first();
          const pressed = await target
            .click({ timeout: 10_000 })
            .then(() => true)
            .catch(() => false);
          writeFileSync(
            join(handshakeDir, `${f.slice(0, -'.press'.length)}.pressed`),
            JSON.stringify({ pressed }),
          );
        } else if (f.endsWith('.ask')) {
          // What the page shows now: the status bar entries' text and accessible labels.
          answered.add(f);
          const statusBar = await page
            .locator('.part.statusbar .statusbar-item')
            .evaluateAll((items) =>
              items.map((e) => `${e.textContent ?? ''} | ${e.getAttribute('aria-label') ?? ''}`.trim()),
            )
            .catch(() => []);
          const notifications = await page
            .locator('.notification-list-item-message')
            .evaluateAll((items) => items.map((e) => e.textContent ?? ''))
            .catch(() => []);
          const answer = join(handshakeDir, `${f.slice(0, -'.ask'.length)}.json`);
          writeFileSync(`${answer}.tmp`, JSON.stringify({ statusBar, notifications }));
          renameSync(`${answer}.tmp`, answer);
        }
      }
    }
  })().catch(() => {});
  const timeout = new Promise((res) => setTimeout(() => res('timeout'), TIMEOUT_MS));
  const result = await Promise.race([done, timeout]);
  if (result === 'timeout') {
    await page.screenshot({ path: join(work, 'timeout.png') }).catch(() => {});
    log(
      `no result within ${TIMEOUT_MS} ms (screenshot: ${join(work, 'timeout.png')})\n${serverLog.slice(-4000)}`,
    );
    exitCode = 1;
  } else {
    exitCode = result;
    log(`suite exit code ${exitCode}`);
  }
} catch (e) {
  log(`error: ${e?.stack ?? e}`);
  exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  stopServer(server);
  if (exitCode === 0 && !process.env.KEEP_EDITOR_TEST_DIR) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} for inspection`);
}
process.exit(exitCode);

/** The pane of the side bar view named `name` (its header's title). */
function viewPane(page, name) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator(`.pane-header[aria-label^="${name}"]`) });
}

/** An untrusted folder with what a hostile one could hold: a log and a module its frames name. */
function restrictedFolder(dir) {
  const qemu = join(REPO, 'test-fixtures/corpus/qemu');
  mkdirSync(join(dir, 'module'), { recursive: true });
  copyFileSync(join(qemu, 'logs/null_read.console.log'), join(dir, 'null_read.console.log'));
  copyFileSync(join(qemu, 'module/buggy.ko'), join(dir, 'module/buggy.ko'));
  return dir;
}
