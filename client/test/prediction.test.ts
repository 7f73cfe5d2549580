import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Prediction } from '../src/protocol';
import { buildView } from '../src/shared/buildView';
import { contrastPicks, describePrediction, labelPicks, questionAndContext, tokenLabelDecorations } from '../src/shared/prediction';
import { smallResult, token } from './fixtures';

function classifier(chosen = false): Prediction {
  return {
    head: 'sequenceClassification', position: 0, index: chosen ? 0 : 1, label: chosen ? 'negative' : 'positive', probability: chosen ? 0.25 : 0.75,
    chosen, spanEnd: false, description: 'logit of label', span: null, tokenLabels: null,
    alternatives: [{ index: 1, label: 'positive', probability: 0.75 }, { index: 0, label: 'negative', probability: 0.25 }],
  };
}

test('a classifier\'s prediction reads as its label and probability, predicted or chosen', () => {
  assert.equal(describePrediction(classifier()), 'Explains label positive (75.0 %, predicted)');
  assert.equal(describePrediction(classifier(true)), 'Explains label negative (25.0 %, chosen)');
});

test('buildView carries the prediction caption every panel shows, and none for a bare body', () => {
  const r = smallResult();
  r.prediction = classifier();
  assert.equal(buildView(r, 'rollout').prediction?.text, 'Explains label positive (75.0 %, predicted)');
  delete r.prediction;
  assert.equal(buildView(r, 'rollout').prediction, null);
});

test('"Explain another label" offers every alternative by id, the explained one picked', () => {
  const picks = labelPicks(classifier());
  assert.deepEqual(picks.map((p) => [p.label, p.picked, p.params.label]), [['positive', true, '1'], ['negative', false, '0']]);
  assert.match(picks[0]!.description, /75\.0 %.*explained now/);
  assert.deepEqual(labelPicks(null), []);
});

test('for QA the quick pick switches between the answer\'s start and end', () => {
  const qa: Prediction = {
    head: 'questionAnswering', position: 5, index: 5, label: 'Paris', probability: 0.4, chosen: false, spanEnd: false, description: 'start logit',
    alternatives: [], tokenLabels: null,
    span: { start: 5, end: 6, text: 'Paris', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } } },
  };
  const picks = labelPicks(qa);
  assert.deepEqual(picks.map((p) => [p.label, p.picked, p.params.qaEnd]), [['Start of the answer', true, undefined], ['End of the answer', false, true]]);
  assert.equal(describePrediction(qa), 'Explains the start of the answer “Paris” (40.0 %)');
});

test('token-classification labels decorate every non-special token', () => {
  const tokens = [token(0, '[CLS]', 0, 0, true), token(1, 'Anna', 0, 0), token(2, 'runs', 0, 5)];
  const p: Prediction = {
    head: 'tokenClassification', position: 1, index: 1, label: 'B-PER', probability: 0.9, chosen: false, spanEnd: false, description: '', span: null,
    alternatives: [{ index: 1, label: 'B-PER', probability: 0.9 }],
    tokenLabels: [{ index: 0, label: 'O', probability: 0.99 }, { index: 1, label: 'B-PER', probability: 0.9 }, { index: 0, label: 'O', probability: 0.8 }],
  };
  const d = tokenLabelDecorations(tokens, p);
  assert.deepEqual(d.map((x) => [x.text, x.range.start.character]), [['B-PER', 0], ['O', 5]]);
  assert.equal(d[0]!.hover, 'B-PER 90.0 %');
  assert.deepEqual(tokenLabelDecorations(tokens, classifier()), []);
});

test('two selections become question (first in the document) and context; one stays as it is', () => {
  const r = (l: number, a: number, b: number) => ({ start: { line: l, character: a }, end: { line: l, character: b } });
  assert.deepEqual(questionAndContext([r(3, 0, 9), r(1, 2, 6)]), { range: r(1, 2, 6), contextRange: r(3, 0, 9) });
  assert.deepEqual(questionAndContext([r(1, 0, 4)]), { range: r(1, 0, 4) });
  assert.deepEqual(questionAndContext([r(1, 4, 4), r(2, 0, 3)]), { range: r(2, 0, 3) }, 'empty cursors are ignored');
  assert.equal(questionAndContext([r(1, 4, 4)]), undefined);
});

test('a contrastive analysis reads "A rather than B", and "Explain Why Not…" offers every other alternative as the contrast', () => {
  const p = { ...classifier(), contrast: { index: 0, label: 'negative', probability: 0.25 } };
  assert.equal(describePrediction(p), 'Explains label positive (75.0 %, predicted) rather than negative (25.0 %)');
  const picks = contrastPicks(classifier());
  assert.deepEqual(picks.map((x) => [x.label, x.params.contrast]), [['negative', '0']]);
  assert.match(contrastPicks(p)[0]!.description, /contrasted now/);
  assert.deepEqual(contrastPicks(null), []);
  const r = smallResult();
  r.prediction = p;
  assert.match(buildView(r, 'rollout').prediction?.text ?? '', /positive .* rather than negative/);
});
