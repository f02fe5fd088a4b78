// Robustness: adversarial lines (100 KB of hex, 100 KB of '[', very long frames, 20,000-char lines …)
// must tokenize to completion. Wall time is measured and printed but not asserted (shared CI machines
// are noisy); scripts/bench-grammar.mjs prints the same lines' timings beside the Log grammar's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { INITIAL, loadGrammar } from './load-grammar.mjs';
import { adversarialLines } from './adversarial-lines.mjs';

// 100 KB lines are tokenized whole here (VS Code would stop at 20,000 characters): a pathological
// regex would show up as a hang or a stoppedEarly result, not only as a slow line.
for (const { name, line } of adversarialLines()) {
  test(`adversarial line completes: ${name} (${line.length} chars)`, async () => {
    const grammar = await loadGrammar();
    const start = performance.now();
    const r = grammar.tokenizeLine(line, INITIAL);
    const ms = performance.now() - start;
    console.log(`# ${name}: ${line.length} chars, ${r.tokens.length} tokens, ${ms.toFixed(1)} ms`);
    assert.equal(r.stoppedEarly, false);
    assert.ok(r.tokens.length > 0);
    assert.equal(r.tokens[r.tokens.length - 1].endIndex >= line.length, true, 'tokens cover the whole line');
    // The next line still tokenizes from a clean state (no region left open).
    const next = grammar.tokenizeLine('[    1.000000] Kernel panic - not syncing: x', r.ruleStack);
    assert.ok(next.tokens.some((t) => t.scopes.some((s) => s.startsWith('invalid.illegal.panic'))));
  });
}
