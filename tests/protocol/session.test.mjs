// One editor session against the real server and stories260K: initialize, open a document,
// analyze a sentence, hover on a token, cancel a running analysis, shutdown and exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startConnection, initialize, shutdownAndExit, openDocument, offsetAt, stories, shared, rpc, RequestCancelled } from './helpers.mjs';

const uri = 'file:///protocol-test/story.txt';
const sentence = 'Once upon a time, there was a little girl named Lily.';
const text = `# A story\n${sentence}\r\nThe end.\n`;
const selection = { start: { line: 1, character: 0 }, end: { line: 1, character: sentence.length } };

test('editor session over stdio with the npm client', async (t) => {
  const s = startConnection();
  try {
    const init = await initialize(s.connection);
    await t.test('initialize advertises hover, sync and our methods', () => {
      assert.equal(init.capabilities.hoverProvider, true);
      assert.equal(init.capabilities.textDocumentSync.change, 2);
      assert.ok(init.capabilities.experimental.attentionLens.methods.includes('attentionLens/analyze'));
    });

    await openDocument(s.connection, uri, text);
    const result = await s.connection.sendRequest('attentionLens/analyze', {
      textDocument: { uri }, range: selection, model: stories, methods: ['rollout', 'flow', 'influence'],
    });

    await t.test('token ranges cover the selected text in order', () => {
      const start = offsetAt(text, selection.start), end = offsetAt(text, selection.end);
      let previousEnd = start;
      const covered = new Set();
      for (const token of result.tokens.filter((x) => !x.special)) {
        const a = offsetAt(text, token.range.start), b = offsetAt(text, token.range.end);
        assert.ok(a >= start && b <= end && a <= b, `token ${token.index} '${token.text}' at [${a}, ${b}) lies outside the selection [${start}, ${end})`);
        assert.ok(a >= previousEnd || a === b || a < previousEnd && b <= previousEnd,
          `token ${token.index} starts at ${a} before the previous token ended at ${previousEnd}`);
        previousEnd = Math.max(previousEnd, b);
        for (let i = a; i < b; i++) covered.add(i);
      }
      const missing = [...text.slice(start, end)].map((c, i) => [c, start + i]).filter(([c, i]) => c.trim() !== '' && !covered.has(i));
      assert.deepEqual(missing, [], 'characters of the selection that no token covers');
      assert.equal(result.tokens.length, result.rollout.rows);
    });

    await t.test('rollout rows sum to 1', () => {
      const { rows, cols, data } = result.rollout;
      assert.equal(data.length, rows * cols);
      let worst = 0, where = -1;
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += data[r * cols + c];
        if (Math.abs(sum - 1) > worst) { worst = Math.abs(sum - 1); where = r; }
      }
      assert.ok(worst < 1e-6, `row ${where} of the rollout sums to 1 ± ${worst}`);
    });

    await t.test('hover on a token returns its influence score', async () => {
      const index = result.tokens.findIndex((x) => !x.special && x.text.includes('Lily'));
      assert.ok(index >= 0, 'no token holds Lily: ' + result.tokens.map((x) => x.text).join('|'));
      const token = result.tokens[index];
      const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: token.range.start });
      assert.ok(hover, 'hover returned null over an analysed token');
      const md = hover.contents.value;
      const score = Number(/score for target .*?: \*\*([^*]+)\*\*/.exec(md)?.[1]);
      const expected = result.influence.scores[index];
      assert.ok(Math.abs(score - expected) <= 1e-3 * Math.max(1, Math.abs(expected)), `hover says ${score}, the analysis ${expected}:\n${md}`);
      assert.match(md, /rank \d+ of \d+/);
    });

    await t.test('compare aligns two tokenizations over the selection', async () => {
      const gpt2 = shared('golden', 'hf', 'gpt2');
      const { a, b, difference } = await s.connection.sendRequest('attentionLens/compare', {
        textDocument: { uri }, range: selection, modelA: stories, modelB: gpt2, methods: ['rollout', 'influence'],
      });
      assert.equal(a.model.path, stories);
      assert.equal(b.model.path, gpt2);
      assert.equal(difference.sameTokenization, false);
      const start = offsetAt(text, selection.start), end = offsetAt(text, selection.end);
      const units = difference.units.filter((u) => offsetAt(text, u.range.end) > offsetAt(text, u.range.start));
      assert.equal(offsetAt(text, units[0].range.start), start);
      assert.equal(offsetAt(text, units.at(-1).range.end), end);
      for (const [method, scores] of Object.entries(difference.scores)) {
        assert.equal(scores.a.length, difference.units.length, method);
        scores.difference.forEach((d, i) => assert.ok(Math.abs(d - (scores.b[i] - scores.a[i])) < 1e-9, `${method} unit ${i}`));
      }
      assert.ok('influence' in difference.scores);
    });

    await t.test('a cancelled analysis answers RequestCancelled and the server keeps serving', async () => {
      const long = Array.from({ length: 25 }, () => sentence).join(' ');
      await openDocument(s.connection, 'file:///protocol-test/long.txt', long);
      const source = new rpc.CancellationTokenSource();
      const pending = s.connection.sendRequest('attentionLens/analyze', {
        textDocument: { uri: 'file:///protocol-test/long.txt' },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: long.length } },
        model: stories, methods: ['rollout', 'flow', 'influence', 'valueNorms', 'faithfulness'],
      }, source.token);
      setTimeout(() => source.cancel(), 30);
      await assert.rejects(pending, (e) => e.code === RequestCancelled);
      const again = await s.connection.sendRequest('attentionLens/analyze', { textDocument: { uri }, range: selection, model: stories, methods: ['rollout'] });
      assert.equal(again.tokens.length, result.tokens.length);
    });

    await t.test('progress is reported on a token the server created', () => {
      assert.ok(s.created.length >= 1, 'no window/workDoneProgress/create');
      const kinds = s.progress.filter((p) => p.token === s.created[0]).map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin', 'progress kinds: ' + kinds.join(','));
      assert.ok(kinds.includes('report'), 'progress kinds: ' + kinds.join(','));
      assert.equal(kinds.at(-1), 'end', 'progress kinds: ' + kinds.join(','));
    });

    await t.test('progress is reported on a token the client gave', async () => {
      const token = 'client-token-1';
      const values = [];
      const disposable = s.connection.onProgress(new rpc.ProgressType(), token, (v) => values.push(v));
      await s.connection.sendRequest('attentionLens/analyze', { textDocument: { uri }, range: selection, model: stories, methods: ['rollout'], workDoneToken: token });
      disposable.dispose();
      assert.deepEqual([values[0].kind, values.at(-1).kind], ['begin', 'end']);
    });

    assert.equal(await shutdownAndExit(s), 0, s.stderr());
  } finally {
    s.proc.kill();
  }
});
