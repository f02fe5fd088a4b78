// The hover warm-up the server runs at start: its oops must stay one the analysis and the explainer read,
// or the warm-up would compile nothing a real hover uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmUpHovers } from '../../src/lsp/hover';

test('hover warm-up: the explainer explains most words of its oops (registers, frames, header, taint)', async () => {
  const explained = await warmUpHovers();
  // 325 when written: a hover at every word of 43 lines, most of which explain something.
  assert.ok(explained >= 250, `${explained} hovers explained something`);
});
