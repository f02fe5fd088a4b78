// A debuginfod client (the protocol of elfutils' debuginfod): `GET <url>/buildid/<hex>/debuginfo` on each
// server of `DEBUGINFOD_URLS` in turn, the answer streamed to `<cache>/debuginfod/<hex>/debuginfo` (a
// vmlinux is ~600 MB: never held in memory). This is the only code of the extension that uses the network,
// and only when the user has set DEBUGINFOD_URLS and enabled `kernelOops.debuginfod.enable`.
import * as fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import * as path from 'node:path';
import { defaultCacheDir } from './decompress';

export interface DebuginfodOptions {
  /** Space-separated server URLs (the `DEBUGINFOD_URLS` format). */
  urls: string;
  cacheDir?: string;
  /** Per server: no answer (or no progress) for this long fails it. Default 30 s. */
  timeoutMs?: number;
  /** Largest download accepted. Default 4 GiB. */
  maxBytes?: number;
}

export type Fetched =
  { ok: true; path: string; cached: boolean; url?: string } | { ok: false; error: string };

const BUILD_ID = /^[0-9a-f]{8,128}$/;

/** The server list of a `DEBUGINFOD_URLS` value (http/https only). */
export function debuginfodUrls(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\s+/)
    .filter((u) => /^https?:\/\//.test(u))
    .map((u) => u.replace(/\/+$/, ''));
}

/** Downloads (or finds in the cache) the debug file with `buildId`. Never throws. */
export async function fetchDebuginfo(buildId: string, opts: DebuginfodOptions): Promise<Fetched> {
  const id = buildId.toLowerCase();
  if (!BUILD_ID.test(id)) return { ok: false, error: `debuginfod: '${buildId}' is not a build id` };
  const urls = debuginfodUrls(opts.urls);
  if (urls.length === 0) return { ok: false, error: 'debuginfod: DEBUGINFOD_URLS names no http(s) server' };
  const dest = path.join(opts.cacheDir ?? defaultCacheDir(), 'debuginfod', id, 'debuginfo');
  if (fs.existsSync(dest)) return { ok: true, path: dest, cached: true };
  const errors: string[] = [];
  for (const url of urls) {
    const r = await download(
      `${url}/buildid/${id}/debuginfo`,
      dest,
      opts.timeoutMs ?? 30_000,
      opts.maxBytes ?? 4 * 2 ** 30,
    );
    if (r === null) return { ok: true, path: dest, cached: false, url };
    errors.push(`${url}: ${r}`);
  }
  return { ok: false, error: `debuginfod has no debug file for build id ${id} (${errors.join('; ')})` };
}

/** Streams `url` to `dest` (via a temporary file); null on success, else why not. */
function download(
  url: string,
  dest: string,
  timeoutMs: number,
  maxBytes: number,
  redirects = 3,
): Promise<string | null> {
  return new Promise((resolve) => {
    // http/https load on first use: most processes never download, and loading https costs start-up time.
    const get = url.startsWith('https:')
      ? (require('node:https') as typeof Https).get
      : (require('node:http') as typeof Http).get;
    let settled = false;
    const done = (why: string | null) => {
      if (!settled) {
        settled = true;
        resolve(why);
      }
    };
    const req = get(url, { timeout: timeoutMs, headers: { 'User-Agent': 'kernel-oops-lens' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        void download(new URL(res.headers.location, url).href, dest, timeoutMs, maxBytes, redirects - 1).then(
          done,
        );
        return;
      }
      if (status !== 200) {
        res.resume();
        return done(status === 404 ? 'not found (404)' : `HTTP ${status}`);
      }
      const claimed = Number(res.headers['content-length'] ?? 0);
      if (claimed > maxBytes) {
        res.destroy();
        return done(`refused: ${claimed} bytes is more than the ${maxBytes} accepted`);
      }
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
      const out = fs.createWriteStream(tmp);
      let received = 0;
      const abort = (why: string) => {
        res.destroy();
        out.destroy();
        fs.rm(tmp, { force: true }, () => done(why));
      };
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) abort(`refused: more than ${maxBytes} bytes`);
      });
      res.on('error', (e) => abort(e.message));
      res.on('aborted', () => abort('connection closed before the end'));
      out.on('error', (e) => abort(`cannot write ${tmp}: ${e.message}`));
      out.on('finish', () => {
        if (settled) return;
        if (claimed && received !== claimed) return abort(`truncated: ${received} of ${claimed} bytes`);
        try {
          fs.renameSync(tmp, dest);
          done(null);
        } catch (e) {
          abort((e as Error).message);
        }
      });
      res.pipe(out);
    });
    req.on('timeout', () => {
      req.destroy();
      done(`no answer within ${timeoutMs} ms`);
    });
    req.on('error', (e) => done((e as NodeJS.ErrnoException).code ?? e.message));
  });
}
