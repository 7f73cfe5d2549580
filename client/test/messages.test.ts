import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseViewMessage } from '../src/shared/messages';

test('parseViewMessage accepts each known message', () => {
  assert.deepEqual(parseViewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseViewMessage({ type: 'tokenSelected', index: 3 }), { type: 'tokenSelected', index: 3 });
  assert.deepEqual(parseViewMessage({ type: 'tokenSelected', index: null }), { type: 'tokenSelected', index: null });
  assert.deepEqual(parseViewMessage({ type: 'requestAttention', layer: 2 }), { type: 'requestAttention', layer: 2 });
  assert.deepEqual(parseViewMessage({ type: 'exported', requestId: 1, format: 'svg', data: '<svg/>' }), { type: 'exported', requestId: 1, format: 'svg', data: '<svg/>' });
  assert.deepEqual(parseViewMessage({ type: 'exportFailed', requestId: 4, message: 'x' }), { type: 'exportFailed', requestId: 4, message: 'x' });
});

test('parseViewMessage drops extra fields instead of passing them on', () => {
  assert.deepEqual(parseViewMessage({ type: 'tokenSelected', index: 1, html: '<b>' }), { type: 'tokenSelected', index: 1 });
});

test('parseViewMessage rejects malformed messages', () => {
  for (const bad of [null, 1, 'ready', [], {}, { type: 'nope' }, { type: 'tokenSelected' }, { type: 'tokenSelected', index: -1 },
    { type: 'tokenSelected', index: 1.5 }, { type: 'tokenSelected', index: '2' }, { type: 'requestAttention', layer: 0 },
    { type: 'exported', requestId: 1, format: 'gif', data: '' }, { type: 'exported', requestId: 1, format: 'png' }]) {
    assert.equal(parseViewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('parseHostMessage accepts known messages and rejects others', () => {
  const view = { tokens: [], layers: 1 };
  assert.equal(parseHostMessage({ type: 'analysis', view })?.type, 'analysis');
  assert.deepEqual(parseHostMessage({ type: 'selectToken', index: null }), { type: 'selectToken', index: null });
  assert.deepEqual(parseHostMessage({ type: 'export', format: 'png', requestId: 2 }), { type: 'export', format: 'png', requestId: 2 });
  assert.equal(parseHostMessage({ type: 'attention', attention: { layer: 1, heads: 1, tokens: 1, data: [1] } })?.type, 'attention');
  assert.deepEqual(parseHostMessage({ type: 'attentionError', layer: 1, message: 'gone' }), { type: 'attentionError', layer: 1, message: 'gone' });
  for (const bad of [undefined, { type: 'analysis' }, { type: 'analysis', view: { tokens: 'x' } }, { type: 'export', format: 'svg' }, { type: 'selectToken', index: 'a' }]) {
    assert.equal(parseHostMessage(bad), undefined, JSON.stringify(bad));
  }
});
