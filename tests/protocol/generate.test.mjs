// attentionLens/generate over stdio with the npm client: stories260K continues every prompt of
// ../shared/models/stories260K/manifest.json exactly as transformers' greedy generate did (ids and
// text), with a $/progress report per token; a long generation (a random GPT-2-size model) is
// cancelled within 1 s of $/cancelRequest and the server answers afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startConnection, initialize, shutdownAndExit, openDocument, shared, stories, RequestCancelled, rpc } from './helpers.mjs';

const manifest = JSON.parse(readFileSync(shared('models', 'stories260K', 'manifest.json'), 'utf8'));
const cases = Object.entries(manifest.model.cases).filter(([, c]) => c.greedy_continuation);

test('stories260K continues every manifest prompt with the reference greedy ids and text', async () => {
  const s = startConnection();
  try {
    await initialize(s.connection, { useHuggingFaceCache: false });
    assert.ok(cases.length >= 3, 'the manifest has the greedy continuations');
    for (const [name, c] of cases) {
      const uri = `file:///${name}.txt`;
      await openDocument(s.connection, uri, c.text);
      const token = `gen-${name}`;
      const reports = [];
      s.connection.onProgress(new rpc.ProgressType(), token, (v) => reports.push(v));
      const want = c.greedy_continuation;
      const result = await s.connection.sendRequest('attentionLens/generate', {
        textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: c.text.length } },
        model: stories, maxNewTokens: want.max_new_tokens, workDoneToken: token,
      });
      assert.deepEqual(result.tokens.map((t) => t.id), want.new_ids, name);
      assert.equal(result.text, want.continuation_text, name);
      assert.deepEqual(result.prompt.map((t) => t.id), c.input_ids, name);
      assert.equal(result.stopReason, 'maxNewTokens');
      assert.equal(result.keyValueCache, true);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(reports[0]?.kind, 'begin');
      assert.equal(reports.at(-1)?.kind, 'end');
      assert.ok(reports.some((r) => r.message === `${want.max_new_tokens} of ${want.max_new_tokens} tokens`), JSON.stringify(reports.map((r) => r.message)));
    }
    assert.equal(await shutdownAndExit(s), 0);
  } finally {
    s.proc.kill();
  }
});

test('a long generation is cancelled within 1 s and the server goes on', async () => {
  const s = startConnection();
  try {
    await initialize(s.connection, { useHuggingFaceCache: false });
    const model = `random:gpt2?seed=1&tokenizer=${shared('golden', 'tokenizers', 'gpt2')}`;
    const text = 'The cat sat on the mat and the dog ran to the park with a ball.';
    await openDocument(s.connection, 'file:///cat.txt', text);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } };
    let generating;
    const started = new Promise((resolve) => { generating = resolve; });
    s.connection.onProgress(new rpc.ProgressType(), 'long-gen', (v) => { if (/^2 of /.test(v.message ?? '')) generating(); });
    const source = new rpc.CancellationTokenSource();
    const request = s.connection.sendRequest('attentionLens/generate', { textDocument: { uri: 'file:///cat.txt' }, range, model, maxNewTokens: 900, workDoneToken: 'long-gen' }, source.token);
    await started;
    const cancelledAt = performance.now();
    source.cancel();
    const error = await request.then(() => null, (e) => e);
    const answeredMs = performance.now() - cancelledAt;
    assert.ok(error, 'the generation finished before it could be cancelled: make it longer');
    assert.equal(error.code, RequestCancelled);
    assert.ok(answeredMs < 1000, `-32800 came ${answeredMs.toFixed(0)} ms after the cancel (limit 1000 ms)`);
    console.log(JSON.stringify({ generateCancelledToAnsweredMs: +answeredMs.toFixed(1) }));
    // The next request is served: two tokens of the same model.
    const after = await s.connection.sendRequest('attentionLens/generate', { textDocument: { uri: 'file:///cat.txt' }, range, model, maxNewTokens: 2 });
    assert.equal(after.tokens.length, 2);
    assert.equal(await shutdownAndExit(s), 0);
  } finally {
    s.proc.kill();
  }
});
