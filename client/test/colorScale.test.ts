import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeClassColorVariable, edgeClassLabel, intensityStep, intensitySteps, mix, normalise, parseColor, rgba, stepOpacity } from '../src/shared/colorScale';

test('normalise scales by the largest magnitude and survives zeros and non-numbers', () => {
  assert.deepEqual(normalise([1, 2, 4]), [0.25, 0.5, 1]);
  assert.deepEqual(normalise([0, 0]), [0, 0]);
  assert.deepEqual(normalise([]), []);
  assert.deepEqual(normalise([-2, 1]), [1, 0.5]);
  assert.deepEqual(normalise([Number.NaN, 2, Number.POSITIVE_INFINITY]), [0, 1, 0]);
});

test('intensityStep maps (0, 1] onto the steps, the maximum onto the last, zero onto none', () => {
  assert.equal(intensityStep(0), -1);
  assert.equal(intensityStep(-0.5), -1);
  assert.equal(intensityStep(Number.NaN), -1);
  assert.equal(intensityStep(1), intensitySteps - 1);
  assert.equal(intensityStep(0.0001), 0);
  assert.equal(intensityStep(0.1), 0);
  assert.equal(intensityStep(0.1001), 1);
  assert.equal(intensityStep(0.55), 5);
});

test('stepOpacity increases with the step and stays translucent', () => {
  let previous = 0;
  for (let s = 0; s < intensitySteps; s++) {
    const o = stepOpacity(s);
    assert.ok(o > previous, `step ${s}: ${o} ≤ ${previous}`);
    previous = o;
  }
  assert.ok(previous <= 0.65, `the strongest step is ${previous}, too opaque for text`);
});

test('parseColor reads the forms themes use', () => {
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('#1e1e1e'), [30, 30, 30]);
  assert.deepEqual(parseColor(' #3794ffcc '), [55, 148, 255]);
  assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(parseColor('rgba(10,20,300,0.5)'), [10, 20, 255]);
  assert.equal(parseColor('var(--x)'), undefined);
  assert.equal(parseColor(''), undefined);
});

test('mix interpolates and clamps', () => {
  assert.deepEqual(mix([0, 0, 0], [255, 100, 50], 0.5), [128, 50, 25]);
  assert.deepEqual(mix([0, 0, 0], [255, 100, 50], 2), [255, 100, 50]);
  assert.equal(rgba([1, 2, 3], 0.5), 'rgba(1, 2, 3, 0.500)');
});

test('the three comparison classes have distinct colours and labels naming the models', () => {
  assert.equal(new Set(Object.values(edgeClassColorVariable)).size, 3);
  assert.match(edgeClassLabel('onlyA', 'stories260K', 'gpt2'), /stories260K/);
  assert.match(edgeClassLabel('onlyB', 'stories260K', 'gpt2'), /gpt2/);
  assert.match(edgeClassLabel('shared', 'a', 'b'), /both/);
});
