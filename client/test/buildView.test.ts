import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildComparisonView, buildView, chosenMethod, displayModelName, scoresOf } from '../src/shared/buildView';
import { smallResult } from './fixtures';

test('scoresOf takes every method\'s scores from the scores map, whatever the method', () => {
  const s = scoresOf(smallResult());
  assert.deepEqual(s['rollout'], [0.2, 0.3, 0.5]);
  assert.deepEqual(s['influence'], [0, 0.9, 1.8]);
  assert.deepEqual(s['attention'], [0.1, 0.2, 0.7]);
  assert.deepEqual(s['valueNorms'], [0.2, 0.3, 0.5]);
  assert.deepEqual(s['alti'], [0.1, 0.3, 0.6]);
  assert.equal(s['flow']?.length, 3);
  const r = smallResult();
  r.scores = { brandNew: [1, 2, 3] };
  assert.deepEqual(scoresOf(r)['brandNew'], [1, 2, 3]);
  assert.deepEqual(scoresOf(r)['rollout'], [0.2, 0.3, 0.5], 'rollout falls back to the rollout matrix row');
});

test('chosenMethod falls back when the preferred method was not computed', () => {
  const r = smallResult();
  delete r.scores['flow'];
  assert.equal(chosenMethod(scoresOf(r), 'flow'), 'influence');
  delete r.scores['influence'];
  assert.equal(chosenMethod(scoresOf(r), 'flow'), 'rollout');
});

test('buildView carries AOPC, unavailable methods and the logit lens', () => {
  const r = smallResult();
  r.unavailable = { globenc: 'not an encoder' };
  const v = buildView(r, 'alti');
  assert.equal(v.method, 'alti');
  assert.equal(v.comprehensiveness['alti'], 0.6);
  assert.equal(v.sufficiency['alti'], 0.05);
  assert.equal(v.faithfulness['alti'], 0.9);
  assert.deepEqual(v.unavailable, { globenc: 'not an encoder' });
  assert.equal(v.logitLens?.predicted, ' time');
  assert.deepEqual(v.logitLens?.layers[0]?.top, [' time', ' a']);
  assert.deepEqual(v.routes?.attentionEdges, [{ layer: 1, from: 2, to: 1, weight: 0.3 }]);
  const own = smallResult();
  own.routes = { threshold: 0.04, edges: [{ fromKind: 'output', fromLayer: 1, fromToken: 2, toKind: 'attention', toLayer: 2, toToken: 2, weight: 0.9 }] };
  assert.deepEqual(buildView(own, 'alti').routes?.attentionEdges, [{ layer: 2, from: 2, to: 2, weight: 0.9 }], 'the residual edge stays, as a vertical edge');
  assert.deepEqual(v.routes?.edges.map((e) => [e.from, e.to, e.weight]), [['L1 attention “ upon”', 'L1 output “ upon”', 0.6], ['embedding “Once”', 'L1 attention “ upon”', 0.3]]);
});

test('buildView carries tokens, per-layer rows, faithfulness and merged edges', () => {
  const v = buildView(smallResult([{ layer: 2, head: 0, from: 2, to: 1, weight: 0.4 }, { layer: 2, head: 1, from: 2, to: 1, weight: 0.7 }]), 'influence');
  assert.equal(v.model, 'stories260K');
  assert.deepEqual(v.tokens.map((t) => t.text), ['<s>', 'Once', ' upon']);
  assert.deepEqual(v.rolloutByLayer, [[0.3, 0.3, 0.4], [0.2, 0.3, 0.5]]);
  assert.deepEqual(v.received, [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(v.edges, [{ layer: 2, from: 2, to: 1, weight: 0.7 }]);
  assert.equal(v.faithfulness['flow'], null);
  assert.equal(v.faithfulness['rollout'], 1);
  assert.equal(v.comparison, null);
});

test('buildComparisonView classifies edges, or explains when tokenizations differ', () => {
  const a = smallResult();
  const b = { ...smallResult(), model: { ...a.model, id: 'other' } };
  const same = buildComparisonView({ a, b, difference: { sameTokenization: true, units: [], scores: {}, merge: 'identical tokenizations', sharedEdges: [{ layer: 1, head: 0, from: 1, to: 0, weight: 0.5 }], onlyA: [{ layer: 2, head: 0, from: 2, to: 1, weight: 0.3 }], onlyB: [{ layer: 2, head: 1, from: 2, to: 2, weight: 0.2 }] } }, 'influence');
  assert.deepEqual(same.comparison?.edges.map((e) => e.edgeClass).sort(), ['onlyA', 'onlyB', 'shared']);
  assert.equal(same.comparison?.modelB, 'other');
  const differ = buildComparisonView({ a, b, difference: { sameTokenization: false, units: [], scores: {}, sharedEdges: [], onlyA: [], onlyB: [], merge: 'vocabularies differ' } }, 'influence');
  assert.deepEqual(differ.comparison?.edges, []);
  assert.equal(differ.comparison?.reason, 'vocabularies differ');
});

test('displayModelName shortens path ids to the folder name', () => {
  assert.equal(displayModelName('/work/shared/models/stories260K'), 'stories260K');
  assert.equal(displayModelName('C:\\models\\gpt2\\'), 'gpt2');
  assert.equal(displayModelName('stories260K'), 'stories260K');
  assert.equal(displayModelName('random:tiny'), 'random:tiny');
});
