// Cancelling a request stuck in a long forward pass: -32800 within 1 s of $/cancelRequest, and
// the server's CPU use stops (it is measured from /proc, not assumed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startConnection, initialize, shutdownAndExit, openDocument, shared, RequestCancelled, rpc } from './helpers.mjs';

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('a request stuck in a forward is cancelled within 1 s and stops using the CPU', async () => {
  const s = startConnection();
  try {
    await initialize(s.connection, { useHuggingFaceCache: false });
    const model = `random:bert-base?seed=1&tokenizer=${shared('golden', 'tokenizers', 'bert-base-uncased')}`;
    const words = 'the cat sat on the mat and the dog ran to the park with a ball'.split(' ');
    const text = Array.from({ length: 480 }, (_, i) => words[i % words.length]).join(' ');
    await openDocument(s.connection, 'file:///long.txt', text);
    const params = {
      textDocument: { uri: 'file:///long.txt' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
      model, methods: ['rollout', 'flow', 'influence', 'valueNorms'], workDoneToken: 'long',
    };
    // Wait until the analysis is past loading and tokenizing, i.e. inside the forward pass.
    let analysing;
    const inForward = new Promise((resolve) => { analysing = resolve; });
    s.connection.onProgress(new rpc.ProgressType(), 'long', (v) => { if (/Analysing/.test(v.message ?? '')) analysing(); });
    const source = new rpc.CancellationTokenSource();
    const request = s.connection.sendRequest('attentionLens/analyze', params, source.token);
    await inForward;
    await new Promise((r) => setTimeout(r, 300));
    const cancelledAt = performance.now();
    source.cancel();
    const error = await request.then(() => null, (e) => e);
    const answeredMs = performance.now() - cancelledAt;
    assert.ok(error, 'the analysis finished before it could be cancelled: make it longer');
    assert.equal(error.code, RequestCancelled);
    assert.ok(answeredMs < 1000, `-32800 came ${answeredMs.toFixed(0)} ms after the cancel (limit 1000 ms)`);
    // The forward must have stopped, not merely been answered: under 0.3 CPU-seconds in the next second.
    await new Promise((r) => setTimeout(r, 200));
    const before = cpuSeconds(s.proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const used = cpuSeconds(s.proc.pid) - before;
    assert.ok(used < 0.3, `the server used ${used.toFixed(2)} CPU-seconds in the second after the cancel`);
    console.log(JSON.stringify({ cancelledToAnsweredMs: +answeredMs.toFixed(1), cpuSecondsInTheSecondAfter: used }));
    assert.equal(await shutdownAndExit(s), 0);
  } finally {
    s.proc.kill();
  }
});
