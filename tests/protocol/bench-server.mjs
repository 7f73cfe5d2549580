// Benchmark (not a test): server-side time to analyse 64 tokens with rollout, one-target flow
// and influence on a BERT-base-size model with random weights, through the real server over
// stdio. Prints one JSON line per run and a summary; asserts nothing about time.
import { startConnection, initialize, shutdownAndExit, openDocument, shared } from './helpers.mjs';

const runs = Number(process.env.BENCH_RUNS || 7);
const model = `random:bert-base?seed=1&tokenizer=${shared('golden', 'tokenizers', 'bert-base-uncased')}`;
// 62 common words, one WordPiece each in bert-base-uncased, + [CLS] and [SEP] = 64 tokens.
const words = 'the cat sat on the mat and the dog ran to the park with a ball'.split(' ');
const text = Array.from({ length: 62 }, (_, i) => words[i % words.length]).join(' ');

const s = startConnection();
try {
  await initialize(s.connection, { useHuggingFaceCache: false });
  await openDocument(s.connection, 'file:///bench.txt', text);
  const params = {
    textDocument: { uri: 'file:///bench.txt' },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
    model, methods: ['rollout', 'flow', 'influence'],
  };
  const first = await s.connection.sendRequest('attentionLens/analyze', params);
  console.log(JSON.stringify({ run: 'warm-up (includes model creation)', tokens: first.tokens.length, timings: first.timings }));
  if (first.tokens.length !== 64) throw new Error(`expected 64 tokens, got ${first.tokens.length}`);
  const totals = [];
  for (let i = 0; i < runs; i++) {
    const wall = performance.now();
    const r = await s.connection.sendRequest('attentionLens/analyze', params);
    const roundTrip = performance.now() - wall;
    totals.push(r.timings.total);
    console.log(JSON.stringify({ run: i + 1, serverTotalMs: +r.timings.total.toFixed(1), roundTripMs: +roundTrip.toFixed(1), timings: r.timings }));
  }
  totals.sort((a, b) => a - b);
  console.log(JSON.stringify({
    benchmark: 'server analyze, bert-base random, 64 tokens, rollout + flow (1 target) + influence',
    runs, medianMs: +totals[Math.floor(runs / 2)].toFixed(1), minMs: +totals[0].toFixed(1), maxMs: +totals.at(-1).toFixed(1),
  }));
  await shutdownAndExit(s);
} finally {
  s.proc.kill();
}
