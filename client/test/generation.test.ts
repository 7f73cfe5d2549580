import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateResult } from '../src/protocol';
import { explainParams, generationView, parseGenerationHostMessage, parseGenerationPanelMessage } from '../src/shared/generation';

// A result as attentionLens/generate returns it for stories260K (ids and texts of the manifest's greedy continuation).
const result: GenerateResult = {
  model: { id: 'stories260K', path: '/m/stories260K', architecture: 'LlamaForCausalLM', modelType: 'llama', layers: 5, heads: 8, parameterCount: 260032, isCausal: true },
  prompt: [],
  tokens: [
    { index: 16, id: 338, text: ' She', probability: 0.9 },
    { index: 17, id: 401, text: ' lo', probability: 0.79 },
    { index: 18, id: 396, text: 'ved', probability: 0.999 },
  ],
  text: ' She loved',
  stopReason: 'maxNewTokens',
  keyValueCache: true,
  timings: { generate: 4.2 },
};

test('generationView shows each token with visible whitespace and its probability, and says how it stopped', () => {
  const view = generationView(result);
  assert.deepEqual(view.tokens.map((t) => t.label), ['·She', '·lo', 'ved']);
  assert.deepEqual(view.tokens.map((t) => t.text), [' She', ' lo', 'ved']);
  assert.deepEqual(view.tokens.map((t) => t.probability), ['90.0%', '79.0%', '99.9%']);
  assert.equal(view.text, ' She loved');
  assert.match(view.summary, /^3 tokens \(greedy, stopped at the token limit\) in 4 ms with the key\/value cache\.$/);
  const sampled = generationView({ ...result, seed: 7, stopReason: 'endOfText', stopToken: '</s>', keyValueCache: false, tokens: result.tokens.slice(0, 1) });
  assert.match(sampled.summary, /^1 token \(sampled, seed 7, stopped at end of text “<\/s>”\) .* full forward per token\.$/);
});

test('explainParams explains token k from the selection and the tokens before it', () => {
  const base = { textDocument: { uri: 'file:///s.txt' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 53 } }, model: '/m/stories260K', workDoneToken: 'w' };
  const p = explainParams(base, result, 2);
  assert.deepEqual(p.continuation, [338, 401]);
  assert.equal(p.target, 'last');
  assert.equal(p.label, '396');
  assert.equal(p.model, '/m/stories260K');
  assert.equal(p.workDoneToken, undefined);
  assert.deepEqual(explainParams(base, result, 0).continuation, []);
  assert.throws(() => explainParams(base, result, 3), RangeError);
});

test('the panel messages are validated both ways', () => {
  assert.deepEqual(parseGenerationPanelMessage({ type: 'explain', k: 2 }), { type: 'explain', k: 2 });
  assert.deepEqual(parseGenerationPanelMessage({ type: 'insert' }), { type: 'insert' });
  assert.deepEqual(parseGenerationPanelMessage({ type: 'ready' }), { type: 'ready' });
  for (const bad of [{ type: 'explain', k: -1 }, { type: 'explain', k: 1.5 }, { type: 'explain' }, { type: 'run' }, null, 'insert', []]) {
    assert.equal(parseGenerationPanelMessage(bad), undefined, JSON.stringify(bad));
  }
  const view = generationView(result);
  assert.deepEqual(parseGenerationHostMessage({ type: 'generation', view }), { type: 'generation', view });
  assert.deepEqual(parseGenerationHostMessage({ type: 'explaining', k: null }), { type: 'explaining', k: null });
  assert.equal(parseGenerationHostMessage({ type: 'generation', view: { tokens: 'x' } }), undefined);
  assert.equal(parseGenerationHostMessage({ type: 'explaining', k: 'a' }), undefined);
});
