// Helpers shared by the code-server launchers (run-code-server.mjs, screenshot-themes.mjs): a free
// loopback port, waiting for the workbench to answer, an environment whose XDG folders live in a
// scratch directory, stopping the server's whole process group, the workbench URL and a headless Chromium.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer().once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export async function waitForHttp(url, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/** process.env with XDG_* pointed into `work`, so code-server reads and writes nothing of the user's. */
export function isolatedEnv(work) {
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_DATA_HOME: join(work, 'data'),
    XDG_CACHE_HOME: join(work, 'cache'),
    XDG_RUNTIME_DIR: join(work, 'runtime'),
  };
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return env;
}

/** code-server was started with setsid-like `detached: true`: end its whole process group. */
export function stopServer(server) {
  if (!server?.pid) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {}
}

/** Settings for a quiet, reproducible editor (no trust prompt, welcome page, telemetry or git), plus `extra`. */
export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'window.zoomLevel': 0,
    'editor.minimap.enabled': false,
    ...extra,
  };
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(settings));
}

/** The workbench URL that opens `folder` with the workbench `payload` ([name, value] pairs). */
export function workbenchUrl(host, folder, payload) {
  return `http://${host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Headless Chromium (Debian's, or CHROMIUM_BIN) with its own profile in `profileDir`; returns its first page too. */
export async function launchChromium(profileDir, viewport = { width: 1400, height: 900 }) {
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}
