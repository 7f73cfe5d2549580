// Cancelling a request stuck in a tokenizer (issue 14): a checkpoint whose tokenizer.json has a
// legitimate but slow pre-tokenizer — a Split regex with a lookahead, so it runs on the backtracking
// engine under its match time limit, scanning to the end of the sentence for every word — over a long
// document. The request is inside tokenization when $/cancelRequest arrives; -32800 must come within
// 1 s, the server's CPU use must stop (measured from /proc), and the server must keep serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startConnection, initialize, shutdownAndExit, openDocument, repoRoot, RequestCancelled, rpc, withTimeout } from './helpers.mjs';

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The demo GPT-2 checkpoint (config and weights copied) with a slow pre-tokenizer in front of its own. */
function slowTokenizerCheckpoint() {
  const source = path.join(repoRoot, 'models', 'demo', 'gpt2');
  const dir = mkdtempSync(path.join(tmpdir(), 'attention-lens-slow-tokenizer-'));
  copyFileSync(path.join(source, 'config.json'), path.join(dir, 'config.json'));
  copyFileSync(path.join(source, 'model.safetensors'), path.join(dir, 'model.safetensors'));
  const tokenizer = JSON.parse(readFileSync(path.join(source, 'tokenizer.json'), 'utf8'));
  // A word followed, word by word, by a full stop: the lookahead walks to the stop for every word (a
  // loop of words the engine cannot vectorise, unlike a scan for '.'), so a sentence of L characters
  // costs O(L^2); \s and \w are disjoint, so each single match is linear and far below the time limit.
  tokenizer.pre_tokenizer = {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: '\\w+(?=(?:\\s+\\w+)*\\.)' }, behavior: 'Isolated', invert: false },
      tokenizer.pre_tokenizer,
    ],
  };
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  return dir;
}

test('a request stuck in a tokenizer is cancelled within 1 s, stops using the CPU, and the server keeps serving', async () => {
  const model = slowTokenizerCheckpoint();
  const s = startConnection();
  try {
    await initialize(s.connection, { useHuggingFaceCache: false });
    const words = 'the old teacher sees the red book on the table near the window'.split(' ');
    // Sentences of 3,000 words (about 15,000 characters) each; 40 of them.
    const sentence = Array.from({ length: 3000 }, (_, i) => words[i % words.length]).join(' ') + '.';
    const text = Array.from({ length: 40 }, () => sentence).join(' ');
    await openDocument(s.connection, 'file:///long.txt', text);
    const params = {
      textDocument: { uri: 'file:///long.txt' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
      model, methods: ['rollout'], workDoneToken: 'tok',
    };
    let tokenizing;
    const inTokenizer = new Promise((resolve) => { tokenizing = resolve; });
    s.connection.onProgress(new rpc.ProgressType(), 'tok', (v) => { if (/Tokenizing/.test(v.message ?? '')) tokenizing(); });
    const source = new rpc.CancellationTokenSource();
    const startedAt = performance.now();
    const outcome = s.connection.sendRequest('attentionLens/analyze', params, source.token).then(() => null, (e) => e);
    await withTimeout(inTokenizer, 30000, 'the analysis did not reach tokenization');
    await new Promise((r) => setTimeout(r, 500));
    const cancelledAt = performance.now();
    source.cancel();
    const error = await outcome;
    const answeredMs = performance.now() - cancelledAt;
    // Without the cancel this document is refused for its token count only after tokenizing it, so
    // any answer other than -32800 means tokenization ended before the cancel: make it longer.
    assert.ok(error, 'the analysis succeeded: the document must exceed the token cap');
    assert.equal(error.code, RequestCancelled, `expected -32800, got ${error.code} (cancelled at ${(cancelledAt - startedAt).toFixed(0)} ms, answered at ${(performance.now() - startedAt).toFixed(0)} ms): ${error.message}`);
    assert.ok(answeredMs < 1000, `-32800 came ${answeredMs.toFixed(0)} ms after the cancel (limit 1000 ms)`);
    // The tokenizer must have stopped, not merely been answered: under 0.3 CPU-seconds in the next second.
    await new Promise((r) => setTimeout(r, 200));
    const before = cpuSeconds(s.proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const used = cpuSeconds(s.proc.pid) - before;
    assert.ok(used < 0.3, `the server used ${used.toFixed(2)} CPU-seconds in the second after the cancel`);
    // Still serving, with the same model: a short sentence is analysed.
    const short = 'the old teacher sees the book.';
    await openDocument(s.connection, 'file:///short.txt', short);
    const result = await s.connection.sendRequest('attentionLens/analyze', {
      textDocument: { uri: 'file:///short.txt' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: short.length } },
      model, methods: ['rollout'],
    });
    assert.ok(result.tokens.length > 1, 'the analysis after the cancel returned no tokens');
    console.log(JSON.stringify({ reachedTokenizerToCancelMs: 500, cancelledToAnsweredMs: +answeredMs.toFixed(1), cpuSecondsInTheSecondAfter: used }));
    assert.equal(await shutdownAndExit(s), 0);
  } finally {
    s.proc.kill();
    rmSync(model, { recursive: true, force: true });
  }
});
