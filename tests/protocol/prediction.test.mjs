// The demo classifier over stdio with the npm client: the analysis says which label it explains and
// with what probability; `label` explains another one, and faithfulness then measures that label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startConnection, initialize, shutdownAndExit, openDocument, repoRoot } from './helpers.mjs';

const model = path.join(repoRoot, 'models', 'demo', 'bert-finetuned');
const uri = 'file:///protocol-test/classify.txt';
const sentence = 'the keys to the cabinet';
const range = { start: { line: 0, character: 0 }, end: { line: 0, character: sentence.length } };

test('a classifier explains its predicted label, then a label the client picks', async () => {
  const s = startConnection();
  try {
    await initialize(s.connection);
    await openDocument(s.connection, uri, sentence + '\n');
    const predicted = await s.connection.sendRequest('attentionLens/analyze', { textDocument: { uri }, range, model, methods: ['rollout'] });
    const p = predicted.prediction;
    assert.equal(p.head, 'sequenceClassification');
    assert.equal(p.chosen, false);
    assert.ok(['singular', 'plural'].includes(p.label), p.label);
    assert.deepEqual(p.alternatives.map((a) => a.label).sort(), ['plural', 'singular']);
    const sum = p.alternatives.reduce((acc, a) => acc + a.probability, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `the two labels' probabilities sum to ${sum}`);
    assert.equal(p.probability, Math.max(...p.alternatives.map((a) => a.probability)));

    const other = p.alternatives.find((a) => a.index !== p.index);
    const picked = await s.connection.sendRequest('attentionLens/analyze', {
      textDocument: { uri }, range, model, methods: ['rollout', 'faithfulness'], label: other.label,
    });
    assert.equal(picked.prediction.index, other.index);
    assert.equal(picked.prediction.chosen, true);
    assert.ok(Math.abs(picked.prediction.probability - other.probability) < 1e-9);
    assert.match(picked.faithfulness.targetDescription, new RegExp(other.label));

    await assert.rejects(
      s.connection.sendRequest('attentionLens/analyze', { textDocument: { uri }, range, model, label: 'sideways' }),
      (e) => e.code === -32602 && /sideways/.test(e.message) && /singular/.test(e.message));
  } finally {
    await shutdownAndExit(s);
  }
});
