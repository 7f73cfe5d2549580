import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headRows, layerAttentionOf, reduceHeads, rowsOf } from '../src/shared/heads';

// Two heads of 2×2 attention, stored head after head.
const data = [0.9, 0.1, 0.4, 0.6, 0.5, 0.5, 0.0, 1.0];

test('reduceHeads computes mean, max, min and sum over heads (docs/methods.md §1)', () => {
  assert.deepEqual(reduceHeads(data, 2, 2, 'mean'), [[0.7, 0.3], [0.2, 0.8]]);
  assert.deepEqual(reduceHeads(data, 2, 2, 'max'), [[0.9, 0.5], [0.4, 1.0]]);
  assert.deepEqual(reduceHeads(data, 2, 2, 'min'), [[0.5, 0.1], [0.0, 0.6]]);
  assert.deepEqual(reduceHeads(data, 2, 2, 'sum'), [[1.4, 0.6], [0.4, 1.6]]);
});

test('reduceHeads refuses data of the wrong size and says what it expected', () => {
  assert.throws(() => reduceHeads(data, 3, 2, 'mean'), /expected 3 heads × 2² = 12/);
});

test('headRows and rowsOf split row-major data', () => {
  assert.deepEqual(headRows(data, 1, 2), [[0.5, 0.5], [0.0, 1.0]]);
  assert.deepEqual(rowsOf({ rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] }), [[1, 2, 3], [4, 5, 6]]);
});

test('layerAttentionOf takes one layer of an attention result, heads in order, whatever order they came in', () => {
  const result = {
    analysisId: 'a', tokens: 2,
    matrices: [
      { layer: 2, head: 1, rows: 2, cols: 2, data: [5, 6, 7, 8] },
      { layer: 1, head: 0, rows: 2, cols: 2, data: [0, 0, 0, 0] },
      { layer: 2, head: 0, rows: 2, cols: 2, data: [1, 2, 3, 4] },
    ],
  };
  assert.deepEqual(layerAttentionOf(result, 2), { layer: 2, heads: 2, tokens: 2, data: [1, 2, 3, 4, 5, 6, 7, 8] });
  assert.deepEqual(layerAttentionOf(result, 3), { layer: 3, heads: 0, tokens: 2, data: [] });
});
