import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayToken, escapeXml } from '../src/shared/tokenText';

test('displayToken makes tokenizer markers and whitespace visible', () => {
  assert.equal(displayToken('\u2581Once'), '·Once');
  assert.equal(displayToken('\u0120the'), '·the');
  assert.equal(displayToken(' a\tb\n'), '·a⇥b⏎');
  assert.equal(displayToken(''), '∅');
});

test('displayToken shortens long text by code points, never splitting a surrogate pair', () => {
  assert.equal(displayToken('abcdefghij', 5), 'abcd…');
  const emoji = '😀😀😀😀😀😀';
  const shown = displayToken(emoji, 4);
  assert.equal(shown, '😀😀😀…');
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(shown));
});

test('displayToken leaves markup characters alone: escaping is the DOM\'s job (textContent)', () => {
  assert.equal(displayToken('<img src=x onerror=alert(1)>', 100), '<img·src=x·onerror=alert(1)>');
});

test('escapeXml escapes every markup character', () => {
  assert.equal(escapeXml(`<img src="x" onerror='alert(1)'>&`), '&lt;img src=&quot;x&quot; onerror=&#39;alert(1)&#39;&gt;&amp;');
});
