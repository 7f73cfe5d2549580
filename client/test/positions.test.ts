import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePositions, decorationPlan, tokenAt } from '../src/shared/positions';
import { intensitySteps } from '../src/shared/colorScale';
import { smallResult, token } from './fixtures';

test('comparePositions orders by line then column', () => {
  assert.ok(comparePositions({ line: 1, character: 9 }, { line: 2, character: 0 }) < 0);
  assert.ok(comparePositions({ line: 2, character: 3 }, { line: 2, character: 1 }) > 0);
  assert.equal(comparePositions({ line: 2, character: 3 }, { line: 2, character: 3 }), 0);
});

test('tokenAt finds the token under a position, end exclusive, skipping special tokens', () => {
  const tokens = smallResult().tokens;
  assert.equal(tokenAt(tokens, { line: 2, character: 4 })?.index, 1);
  assert.equal(tokenAt(tokens, { line: 2, character: 7 })?.index, 1);
  assert.equal(tokenAt(tokens, { line: 2, character: 8 })?.index, 2);
  assert.equal(tokenAt(tokens, { line: 2, character: 13 }), undefined);
  assert.equal(tokenAt(tokens, { line: 1, character: 5 }), undefined);
});

test('tokenAt handles a token spanning lines', () => {
  const t = { ...token(0, 'a\nb', 0, 3), range: { start: { line: 0, character: 3 }, end: { line: 1, character: 1 } } };
  assert.equal(tokenAt([t], { line: 0, character: 10 })?.index, 0);
  assert.equal(tokenAt([t], { line: 1, character: 0 })?.index, 0);
  assert.equal(tokenAt([t], { line: 1, character: 1 }), undefined);
});

test('decorationPlan decorates text tokens by relative score and skips specials and zeros', () => {
  const r = smallResult();
  const plan = decorationPlan(r.tokens, [5, 0.9, 1.8]);
  // The BOS score (5) is the largest, but BOS has no text in the editor; scaling still uses it.
  assert.deepEqual(plan.map((p) => p.index), [1, 2]);
  assert.equal(plan[1]?.step, Math.floor((1.8 / 5) * intensitySteps));
  assert.deepEqual(plan[0]?.range, r.tokens[1]?.range);
  assert.deepEqual(decorationPlan(r.tokens, [0, 0, 0]), []);
  assert.deepEqual(decorationPlan(r.tokens, [1]), []);
});
