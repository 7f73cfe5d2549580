// Benchmark (not a test): a long input's per-head attention kept by the session (issue 12, item 4).
// Analyses TOKENS (default 1536) tokens of a random Pythia-160M-shaped model (12 layers × 12 heads:
// past the 1 GiB float32 limit from about 1,400 tokens, so the forward keeps attention per layer in
// half precision) through the real server over stdio, then times a panel's request for one head
// (T × T values; a whole layer at this length is hundreds of MB of JSON) answered from the session,
// and the same request once the kept attention has
// given its room to a second analysis (the budget is set, after the first analysis, to the model
// plus about two analyses' attention), which recomputes it with one forward pass. Prints one JSON
// line per step with serverStats' keptAttentionBytes and RSS; asserts nothing about time.
import { startConnection, initialize, shutdownAndExit, openDocument, shared } from './helpers.mjs';

const tokens = Number(process.env.TOKENS || 1536);
const model = `random:pythia-160m?seed=1&tokenizer=${shared('golden', 'tokenizers', 'gpt2')}`;
// One GPT-2 BPE token per word (leading space included), no special tokens: `tokens` words.
const words = 'the cat sat on the mat and the dog ran to the park with a ball'.split(' ');
const text = Array.from({ length: tokens }, (_, i) => words[i % words.length]).join(' ');
const MiB = 1024 * 1024;

const s = startConnection();
const log = (step, extra) => console.log(JSON.stringify({ step, ...extra }));
const stats = async () => {
  const r = await s.connection.sendRequest('attentionLens/serverStats');
  return { keptAttentionMiB: +(r.keptAttentionBytes / MiB).toFixed(1), cachedModelMiB: +(r.cachedModelBytes / MiB).toFixed(1), rssMiB: Math.round(r.rssBytes / MiB), peakRssMiB: Math.round(r.peakRssBytes / MiB) };
};
const timed = async (what, params) => {
  const wall = performance.now();
  const r = await s.connection.sendRequest(what, params);
  return [r, +(performance.now() - wall).toFixed(1)];
};
try {
  await initialize(s.connection, { useHuggingFaceCache: false, maxTokens: 4096 });
  await openDocument(s.connection, 'file:///long.txt', text);
  const params = {
    textDocument: { uri: 'file:///long.txt' },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
    model, methods: ['rollout', 'influence'], // influence reads single heads: the pass keeps them
  };
  const [a, analyzeMs] = await timed('attentionLens/analyze', params);
  if (a.tokens.length !== tokens) throw new Error(`expected ${tokens} tokens, got ${a.tokens.length}`);
  const first = await stats();
  log('analysis A (includes model creation)', { tokens, layers: a.layers, heads: a.heads, roundTripMs: analyzeMs, timings: a.timings, ...first });

  const layer = { analysisId: a.analysisId, layer: 1, head: 0 };
  const [kept, keptMs] = await timed('attentionLens/attention', layer);
  log('attention A layer 1 head 0, from the session', { matrices: kept.matrices.length, roundTripMs: keptMs, ...(await stats()) });

  // Room for the model and about two analyses' attention: B's analysis takes A's room.
  const budgetMb = Math.ceil((first.cachedModelMiB + 2 * first.keptAttentionMiB)) - 1;
  await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { attentionLens: { memoryBudgetMb: budgetMb, maxTokens: 4096 } } });
  const [b, bMs] = await timed('attentionLens/analyze', params);
  log('analysis B (A\'s kept attention gives way)', { budgetMb, roundTripMs: bMs, timings: b.timings, ...(await stats()) });
  const [again, recomputeMs] = await timed('attentionLens/attention', layer);
  log('attention A layer 1 head 0, recomputed (one forward pass)', { matrices: again.matrices.length, roundTripMs: recomputeMs, ...(await stats()) });
  const [third, thirdMs] = await timed('attentionLens/attention', { analysisId: a.analysisId, layer: 2, head: 0 });
  log('attention A layer 2 head 0, kept again after the recompute', { matrices: third.matrices.length, roundTripMs: thirdMs, ...(await stats()) });
  console.log(JSON.stringify({
    benchmark: `kept long-input attention, pythia-160m random, ${tokens} tokens`,
    fromSessionMs: keptMs, recomputeMs, ratio: +(recomputeMs / keptMs).toFixed(1),
  }));
  await shutdownAndExit(s);
} finally {
  s.proc.kill();
}
