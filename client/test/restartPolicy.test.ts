import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from '../src/shared/restartPolicy';

test('RestartPolicy allows a few restarts within the window, then refuses', () => {
  const p = new RestartPolicy(3, 1000);
  assert.deepEqual([0, 10, 20, 30].map((t) => p.shouldRestart(t)), [true, true, true, false]);
});

test('RestartPolicy forgets crashes older than the window', () => {
  const p = new RestartPolicy(2, 1000);
  assert.equal(p.shouldRestart(0), true);
  assert.equal(p.shouldRestart(500), true);
  assert.equal(p.shouldRestart(900), false);
  assert.equal(p.shouldRestart(1600), true); // the crashes at 0 and 500 have left the window
});

test('RestartPolicy.reset starts afresh', () => {
  const p = new RestartPolicy(1, 1000);
  assert.equal(p.shouldRestart(0), true);
  assert.equal(p.shouldRestart(1), false);
  p.reset();
  assert.equal(p.shouldRestart(2), true);
});
