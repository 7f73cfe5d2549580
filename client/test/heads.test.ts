import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headRows, reduceHeads, rowsOf } from '../src/shared/heads';

// Two heads of 2×2 attention, stored head after head.
const data = [0.9, 0.1, 0.4, 0.6, 0.5, 0.5, 0.0, 1.0];

test('reduceHeads computes mean, max, min and sum over heads (algorithms §1)', () => {
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
