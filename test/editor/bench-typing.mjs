// Keystroke-to-render latency while typing into a huge kernel log in the real editor (code-server 4.100 =
// VS Code 1.100, Chromium via playwright-core), with Kernel Oops Lens loaded and, for comparison, without
// it (the same log as plain text: what the editor itself costs). Prints p50 / p95 / max per run; asserts
// nothing (a figure, not a test).
//
//   npm run build && node test/editor/bench-typing.mjs [--lines 300000] [--keys 60]
//
// Needs code-server in .test-cache (scripts/editor/install.sh, as npm run test:editor installs it). The
// page records, in the page's own clock, the time from each keydown to the next change of the editor's
// rendered lines. Keys come in bursts of five (100 ms apart) with a pause after each burst, long enough for
// the server's debounce to start a re-analysis — so later keys land while the log is being re-analysed.
/* global document, window, MutationObserver -- page.evaluate callbacks run in the browser. */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const lines = opt('--lines', 300_000);
const keys = opt('--keys', 60);
const CODE_SERVER =
  process.env.CODE_SERVER_BIN ?? join(REPO, '.test-cache/code-server/node_modules/.bin/code-server');
const log = (...a) => console.log('[bench-typing]', ...a);

if (!existsSync(CODE_SERVER)) {
  log(`${CODE_SERVER} missing: run scripts/editor/install.sh (npm run test:editor does)`);
  process.exit(1);
}
const { ensureBigLog } = await import(pathToFileURL(join(REPO, 'scripts/gen-big-log.mjs')).href);
const big = ensureBigLog(lines).path;

/** One editor session typing `keys` keys into a copy of the big log; returns the latencies in ms. */
async function session(withExtension) {
  const work = mkdtempSync(join(tmpdir(), 'kol-typing-'));
  const env = isolatedEnv(work);
  const userDataDir = join(work, 'user-data');
  writeUserSettings(userDataDir, {
    'workbench.colorTheme': 'Default Dark Modern',
    // code-server asks before opening a file over 10 MB; a user of huge logs says yes once.
    'workbench.editorLargeFileConfirmation': 1024,
  });
  // dmesg*.log is a Kernel Log by name; without the extension it is plain text.
  const file = join(work, 'dmesg-big.log');
  copyFileSync(big, file);
  let server;
  let browser;
  try {
    const host = `127.0.0.1:${await freePort()}`;
    server = spawn(
      CODE_SERVER,
      [
        ...['--user-data-dir', userDataDir, '--extensions-dir', join(work, 'extensions')],
        ...['--bind-addr', host, '--auth', 'none', '--disable-telemetry', '--disable-update-check'],
        ...['--disable-workspace-trust', '--disable-getting-started-override', work],
      ],
      { env, detached: true, stdio: ['ignore', 'ignore', 'ignore'] },
    );
    await waitForHttp(`http://${host}/healthz`, 60_000);
    const payload = [
      ...(withExtension ? [['extensionDevelopmentPath', `vscode-remote://${host}${REPO}`]] : []),
      ['openFile', `vscode-remote://${host}${file}`],
    ];
    const url = workbenchUrl(host, work, payload);
    let page;
    ({ browser, page } = await launchChromium(join(work, 'chromium')));
    await page.goto(url);
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 120_000 });
    if (withExtension)
      // Diagnostics published: the log has been analysed once.
      await page
        .locator('.statusbar-item[id="status.problems"]', { hasText: /[1-9]/ })
        .waitFor({ timeout: 180_000 });
    const language = await page
      .locator('.statusbar-item[id="status.editor.mode"]')
      .first()
      .textContent({ timeout: 60_000 })
      .catch(() => '?');
    // To the middle of the log, then type there.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(Math.floor(lines / 2)));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      const w = window;
      w.__keydowns = [];
      w.__latencies = [];
      window.addEventListener('keydown', (e) => w.__keydowns.push(e.timeStamp), true);
      const lines = document.querySelector('.monaco-editor .view-lines');
      new MutationObserver(() => {
        const t = performance.now();
        while (w.__keydowns.length) w.__latencies.push(t - w.__keydowns.shift());
      }).observe(lines, { subtree: true, childList: true, characterData: true });
    });
    for (let k = 0; k < keys; k++) {
      await page.keyboard.press('x');
      await page.waitForTimeout(k % 5 === 4 ? 1500 : 100);
    }
    await page.waitForTimeout(2000);
    const latencies = await page.evaluate(() => window.__latencies);
    return { language: (language ?? '?').trim(), latencies };
  } finally {
    await browser?.close().catch(() => {});
    stopServer(server);
    rmSync(work, { recursive: true, force: true });
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
log(`log: ${big} (${lines.toLocaleString('en')} lines), ${keys} keys`);
for (const withExtension of [false, true]) {
  const { language, latencies } = await session(withExtension);
  const s = [...latencies].sort((a, b) => a - b);
  log(
    `${withExtension ? 'with Kernel Oops Lens' : 'without the extension'} (${language}): ${s.length} keys rendered, ` +
      `p50 ${pct(s, 0.5).toFixed(0)} ms, p95 ${pct(s, 0.95).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`,
  );
}
process.exit(0);
