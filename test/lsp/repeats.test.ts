// Repeated identical events in one log collapse into one diagnostic that counts and links every
// occurrence, so VS Code's 1,000-entry Problems cap never hides a distinct event. The oracle is
// `oops-lens analyze --json` on the same text, grouped here by a stricter rule than the server's: the same
// kind, title, culprit and whole call trace (every function, in order), and the same standing (a consequence
// of an earlier crash or not). Hovers and Next / Previous crash still see each occurrence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { EVENT_HEADERS_COMMAND, type EventHeader } from '../../protocol';
import { CORPUS, LspSession, lspLines, messageOf, REPO } from './lspClient';

interface CliEvent {
  kind: string;
  title: string;
  line: number;
  guiltyFrame: string | null;
  consequenceOf: number | null;
  frames: { function: string | null }[];
}

const scratch = mkdtempSync(path.join(tmpdir(), 'oops-lens-repeats-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The oracle's groups of identical events: header lines, in document order. */
function oracleGroups(text: string, withFrames = true): { title: string; lines: number[] }[] {
  const file = path.join(scratch, 'log.txt');
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  assert.equal(r.status, 0, r.stderr);
  const events = (JSON.parse(r.stdout) as { events: CliEvent[] }[])[0].events;
  const groups = new Map<string, { title: string; lines: number[] }>();
  for (const e of events) {
    const key = JSON.stringify([
      e.consequenceOf !== null,
      e.kind,
      e.title,
      e.guiltyFrame,
      withFrames ? e.frames.map((f) => f.function) : null,
    ]);
    const g = groups.get(key) ?? { title: e.title, lines: [] };
    g.lines.push(e.line);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** The header lines a published diagnostic stands for. */
function occurrences(d: Diagnostic): number[] {
  return (d.data as { occurrences?: number[] } | undefined)?.occurrences ?? [d.range.start.line];
}

/**
 * `exact`: the server's groups are the oracle's. Otherwise they may be coarser (the same crash site whose
 * trace the unwinder printed differently), but never join events of another kind, title, culprit or standing.
 */
function checkAgainstOracle(
  text: string,
  diags: Diagnostic[],
  exact = true,
): { title: string; lines: number[] }[] {
  const truth = oracleGroups(text);
  const published = diags.map(occurrences).sort((a, b) => a[0] - b[0]);
  const strict = truth.map((g) => g.lines).sort((a, b) => a[0] - b[0]);
  if (exact)
    assert.deepEqual(published, strict, 'one diagnostic per distinct event, standing for its repeats');
  else {
    const groupOf = new Map(published.flatMap((g, i) => g.map((l) => [l, i] as const)));
    assert.deepEqual(
      [...groupOf.keys()].sort(),
      strict.flat().sort(),
      'every event stands in one diagnostic',
    );
    for (const g of strict) assert.equal(new Set(g.map((l) => groupOf.get(l))).size, 1, `${g} split`);
    const bySameFacts = oracleGroups(text, false);
    for (const g of published)
      assert.ok(
        bySameFacts.some((f) => g.every((l) => f.lines.includes(l))),
        `${g} joins different events`,
      );
  }
  const lines = lspLines(text);
  for (const d of diags) {
    const at = occurrences(d);
    assert.equal(d.range.start.line, at[0], 'the diagnostic sits at the first occurrence');
    if (at.length === 1) {
      assert.doesNotMatch(messageOf(d), /times in this log/);
      continue;
    }
    assert.match(messageOf(d), new RegExp(` \\[${at.length} times in this log: line ${at[0] + 1}, `));
    const links = (d.relatedInformation ?? []).filter((r) => /^occurrence \d+ of \d+/.test(r.message));
    assert.deepEqual(
      links.map((r) => r.location.range.start.line),
      at,
      'a link to every occurrence',
    );
    // Each link points at that occurrence's header (the header text names the task, so compare its start).
    const head = (r: Diagnostic['range']) =>
      lines[r.start.line].slice(r.start.character, r.end.character).slice(0, 12);
    for (const r of links) assert.equal(head(r.location.range), head(d.range));
  }
  return truth;
}

let lsp: LspSession;
before(async () => {
  lsp = new LspSession();
  await lsp.initialize({ textDocument: { publishDiagnostics: { relatedInformation: true } } });
});
after(() => lsp.shutdown());

test('real logs with repeated reports: one diagnostic per distinct event, each occurrence linked', async () => {
  let merged = 0;
  // 440: five hung tasks titled "task hung in rtnl_lock" from three call paths; 385, 4, 5: repeats.
  for (const name of ['440', '385', '4', '5', '8']) {
    // 4: two "panic_on_warn set" panics of the same WARNING, one trace printed with `? ` guesses.
    const text = readFileSync(path.join(CORPUS, 'syzkaller/report', name), 'utf8');
    const uri = `untitled:repeats-${name}.log`;
    const mark = lsp.published.length;
    await lsp.open(uri, text);
    const diags = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
    const truth = checkAgainstOracle(text, diags, name !== '4');
    merged += truth.filter((g) => g.lines.length > 1).length;
    if (name === '440') {
      const rtnl = diags.filter((d) => messageOf(d).startsWith('INFO: task hung in rtnl_lock'));
      assert.ok(rtnl.length >= 3, 'the same title from other call paths stays apart');
    }
    await lsp.close(uri);
  }
  assert.ok(merged >= 5, `${merged} merged groups`);
});

test('a 1,199-warning log past the Problems cap: every distinct event shown; hovers and headers per occurrence', async () => {
  const warnLog = lspLines(readFileSync(path.join(CORPUS, 'qemu/logs/warn_on.console.log'), 'utf8'));
  const from = warnLog.findIndex((l) => l.includes('WARNING: CPU: 0 PID: 115'));
  const to = warnLog.findIndex((l, i) => i > from && l.includes('---[ end trace'));
  const warning = warnLog.slice(from, to + 1).join('\n');
  const oops = readFileSync(path.join(CORPUS, 'qemu/logs/null_read.console.log'), 'utf8');
  const hung = readFileSync(path.join(CORPUS, 'syzkaller/report/440'), 'utf8');
  const text = [Array(600).fill(warning).join('\n'), hung, Array(599).fill(warning).join('\n'), oops].join(
    '\n',
  );
  const uri = 'untitled:repeats-cap.log';
  await lsp.open(uri, text);
  const diags = await lsp.waitForDiagnostics(uri);
  const truth = checkAgainstOracle(text, diags);
  const events = truth.reduce((n, g) => n + g.lines.length, 0);
  assert.ok(events > 1199, `${events} events`);
  assert.ok(diags.length < 50, `${diags.length} diagnostics`);
  const warnings = diags.filter((d) => /buggy_warn_on/.test(messageOf(d)) && d.code === 'warning');
  assert.equal(warnings.length, 1);
  assert.equal(occurrences(warnings[0]).length, 1199);

  // Next / Previous crash still move through every occurrence, and a hover on a repeat explains it.
  const headers = (await lsp.conn.sendRequest('workspace/executeCommand', {
    command: EVENT_HEADERS_COMMAND,
    arguments: [uri],
  })) as EventHeader[];
  assert.equal(headers.length, events);
  const last = occurrences(warnings[0])[1198];
  assert.ok(headers.some((h) => h.line === last));
  const lines = lspLines(text);
  const hover = await lsp.hover(uri, last, lines[last].indexOf('WARNING') + 2);
  assert.ok(hover, 'a hover on the last repeat');
  assert.match(JSON.stringify(hover.contents), /WARNING/);
  await lsp.close(uri);
});
