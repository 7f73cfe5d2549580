import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionCache, allLayersLimit } from '../src/shared/attentionCache';
import type { AttentionParams, AttentionResult } from '../src/protocol';

function fakeServer() {
  const calls: AttentionParams[] = [];
  const fetch = async (p: AttentionParams): Promise<AttentionResult> => {
    calls.push(p);
    const layers = p.layer !== undefined ? [p.layer] : [1, 2, 3];
    return { analysisId: p.analysisId, tokens: 1, matrices: layers.flatMap((layer) => [0, 1].map((head) => ({ layer, head, rows: 1, cols: 1, data: [layer * 10 + head] }))) };
  };
  return { calls, fetch };
}

test('Heads and Layer Graph ask the server once per analysis', async () => {
  const { calls, fetch } = fakeServer();
  const cache = new AttentionCache(fetch);
  const size = 3 * 2 * 1;
  for (const layer of [1, 2, 3, 2, 1]) {
    const a = await cache.layer('a1', layer, size);
    assert.deepEqual(a.data, [layer * 10, layer * 10 + 1]);
  }
  assert.deepEqual(calls, [{ analysisId: 'a1' }]);
  await cache.layer('a2', 1, size);
  assert.equal(calls.length, 2, 'a new analysis is asked for once too');
});

test('a tensor too large for one message is asked for layer by layer, each layer once', async () => {
  const { calls, fetch } = fakeServer();
  const cache = new AttentionCache(fetch);
  for (const layer of [2, 2, 3, 2]) await cache.layer('big', layer, allLayersLimit + 1);
  assert.deepEqual(calls, [{ analysisId: 'big', layer: 2 }, { analysisId: 'big', layer: 3 }]);
});
