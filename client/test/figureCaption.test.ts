import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildComparisonView, buildView } from '../src/shared/buildView';
import { analysedText, figureCaption } from '../src/shared/figureCaption';
import type { CompareResult } from '../src/protocol';
import { smallResult } from './fixtures';

test('a figure caption names the view, model, prediction, text, target and method, plus what the view adds', () => {
  const view = buildView({ ...smallResult(), prediction: { head: 'causalLM', label: ' time', labelId: 7, position: 2, probability: 0.5, logit: 1, chosen: false, alternatives: [] } } as never, 'influence');
  const caption = figureCaption(view, 'Flow Trace', ['Edges: the 3 strongest of 9']);
  assert.equal(caption.title, 'Flow Trace — stories260K');
  assert.equal(caption.lines.length, 4);
  assert.match(caption.lines[0] as string, /^Explains next token  time/);
  assert.equal(caption.lines[1], 'Text (3 tokens): “Once upon”');
  assert.equal(caption.lines[2], 'Target: token 2 “·upon”; scores: Influence (traced graph)');
  assert.equal(caption.lines[3], 'Edges: the 3 strongest of 9');
});

test('a comparison names both models; long text is cut by code points with an ellipsis', () => {
  const a = smallResult();
  const comparison = { a, b: { ...a, model: { ...a.model, id: '/m/other' } }, difference: { sameTokenization: true, merge: '', sharedEdges: [], onlyA: [], onlyB: [] } } as unknown as CompareResult;
  const view = buildComparisonView(comparison, 'rollout');
  assert.equal(figureCaption(view, 'Token Rings').title, 'Token Rings — stories260K vs other');
  const long = { ...view, tokens: Array.from({ length: 200 }, (_, i) => ({ index: i, text: i % 2 ? ' 😀' : ' ab', special: false })) };
  const text = analysedText(long, 20);
  assert.equal(Array.from(text).length, 20);
  assert.ok(text.endsWith('…') && !/[\uD800-\uDBFF]…$/.test(text));
  // WordPiece pieces carry no spaces: words are spaced, ## pieces glued.
  const wordPiece = { ...view, tokens: ['[CLS]', 'the', 'key', '##s', 'fell', '[SEP]'].map((text, index) => ({ index, text, special: text.startsWith('[') })) };
  assert.equal(analysedText(wordPiece), 'the keys fell');
});
