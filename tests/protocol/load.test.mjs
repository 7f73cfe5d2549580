// Load: 50 concurrent analyses on two models, some cancelled. Every request ends with a result
// or RequestCancelled, and the server's resident memory (VmHWM, the peak, from /proc) stays under
// the memory budget it was configured with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startConnection, initialize, shutdownAndExit, openDocument, memoryOf, stories, shared, rpc, RequestCancelled } from './helpers.mjs';

const budgetMb = 256;
const models = [stories, shared('golden', 'hf', 'gpt2')];
const sentences = [
  'Once upon a time, there was a little girl named Lily.',
  'She loved to play outside in the park with her friends.',
  'One day, she saw a big red ball under a tree.',
  'The dog ran to the ball and brought it back to Lily.',
  'They played together until the sun went down.',
];

test('50 concurrent analyses on two models stay within the memory budget', async () => {
  const s = startConnection();
  try {
    await initialize(s.connection, { memoryBudgetMb: budgetMb, useHuggingFaceCache: false });
    const text = sentences.join('\n');
    await openDocument(s.connection, 'file:///load/story.txt', text);
    const lines = text.split('\n');

    let sampled = 0, worstRss = 0;
    const sampler = setInterval(() => {
      try { worstRss = Math.max(worstRss, memoryOf(s.proc.pid).rss); sampled++; } catch { /* exited */ }
    }, 20);

    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => {
      const line = i % lines.length;
      const source = new rpc.CancellationTokenSource();
      const request = s.connection.sendRequest('attentionLens/analyze', {
        textDocument: { uri: 'file:///load/story.txt' },
        range: { start: { line, character: 0 }, end: { line, character: lines[line].length } },
        model: models[i % 2],
        methods: ['rollout', 'flow', 'influence', 'valueNorms'],
      }, source.token);
      if (i % 7 === 3) setTimeout(() => source.cancel(), 5 + i);
      return request.then(
        (r) => ({ ok: true, tokens: r.tokens.length }),
        (e) => ({ ok: false, code: e.code, message: e.message }));
    }));
    clearInterval(sampler);

    const failed = outcomes.filter((o) => !o.ok && o.code !== RequestCancelled);
    assert.deepEqual(failed, [], 'requests that neither completed nor were cancelled');
    const completed = outcomes.filter((o) => o.ok).length;
    assert.ok(completed >= 40, `only ${completed} of 50 completed`);

    const stats = await s.connection.sendRequest('attentionLens/serverStats');
    const { rss, peak } = memoryOf(s.proc.pid);
    const budget = budgetMb * 1024 * 1024;
    assert.equal(stats.budgetBytes, budget);
    assert.ok(stats.cachedModelBytes <= budget, `models in cache take ${stats.cachedModelBytes} bytes`);
    assert.equal(stats.loadedModels.length, 2, 'both models stay loaded: ' + stats.loadedModels.join(', '));
    console.log(`load: ${completed}/50 completed, ${50 - completed} cancelled; RSS now ${(rss / 2 ** 20).toFixed(1)} MiB, ` +
      `peak ${(peak / 2 ** 20).toFixed(1)} MiB (sampled max ${(worstRss / 2 ** 20).toFixed(1)} MiB over ${sampled} samples), budget ${budgetMb} MiB`);
    const highest = Math.max(peak, worstRss);
    assert.ok(highest < budget, `peak RSS ${(highest / 2 ** 20).toFixed(1)} MiB exceeds the ${budgetMb} MiB budget`);
    assert.ok(stats.peakRssBytes < budget);

    assert.equal(await shutdownAndExit(s), 0, s.stderr());
  } finally {
    s.proc.kill();
  }
});
