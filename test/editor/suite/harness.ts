// A very small test runner for inside the extension host (no mocha): tests run one after another, each
// with a time limit, and run() rejects when any failed — which is what makes the editor exit non-zero.
export type TestFn = () => Promise<void> | void;
/** 'restricted' tests need a Restricted-Mode workspace (launcher --restricted), the others a trusted one. */
export type Workspace = 'trusted' | 'restricted';
const tests: { name: string; fn: TestFn; timeoutMs: number; workspace: Workspace }[] = [];

export function test(name: string, fn: TestFn, timeoutMs = 30_000, workspace: Workspace = 'trusted'): void {
  tests.push({ name, fn, timeoutMs, workspace });
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function runAll(
  log: (line: string) => void,
  workspace: Workspace,
  only?: string | null,
): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const t of tests.filter((x) => x.workspace === workspace && (!only || x.name.includes(only)))) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      passed++;
      log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      log(
        `not ok - ${t.name}\n  ${(e instanceof Error ? (e.stack ?? e.message) : String(e)).replace(/\n/g, '\n  ')}`,
      );
    }
  }
  log(`# editor suite: ${passed} passed, ${failed} failed`);
  return { passed, failed };
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
