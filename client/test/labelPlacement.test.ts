import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelPriority, placeLabels } from '../src/shared/labelPlacement';

test('every label is written when there is room', () => {
  const positions = [0, 20, 40, 60];
  assert.deepEqual([...placeLabels(positions, [], 13)].sort((a, b) => a - b), [0, 1, 2, 3]);
});

test('crowded labels: priority first, then no two written labels closer than the gap', () => {
  const positions = Array.from({ length: 100 }, (_, i) => i * 2); // 2 px apart
  const shown = placeLabels(positions, [57, 3], 13);
  assert.ok(shown.has(57) && shown.has(3));
  const xs = [...shown].map((i) => positions[i] as number).sort((a, b) => a - b);
  for (let k = 1; k < xs.length; k++) assert.ok((xs[k] as number) - (xs[k - 1] as number) >= 13, `${xs[k - 1]} and ${xs[k]}`);
  // About one label per gap across 198 px, and never more.
  assert.ok(shown.size >= 198 / 26 && shown.size <= 198 / 13 + 1, `${shown.size} labels`);
  // Position 114 (token 57) blocks its neighbours within the gap.
  assert.ok(!shown.has(56) && !shown.has(58));
});

test('labelPriority: the named tokens first, then by score, ties by index; nulls and out-of-range skipped', () => {
  assert.deepEqual(labelPriority([0.1, 0.9, 0.5, 0.9], 4, [2, null, 7]), [2, 1, 3, 0]);
  assert.deepEqual(labelPriority([], 3, []), [0, 1, 2]);
});
