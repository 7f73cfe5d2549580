// How a token's text is shown. Pieces carry the markers of their tokenizer (SentencePiece's ▁ for a
// leading space, GPT-2's byte-level Ġ and Ċ) and raw whitespace, which would be invisible in a ring or
// an axis label; this makes them visible. The result is still plain text: callers put it in the DOM
// with textContent / d3's .text(), never as HTML.

const replacements: ReadonlyArray<[RegExp, string]> = [
  [/\u2581/g, '·'], // SentencePiece word boundary
  [/\u0120/g, '·'], // GPT-2 byte-level space
  [/\u010A/g, '⏎'], // GPT-2 byte-level newline
  [/ /g, '·'],
  [/\r?\n/g, '⏎'],
  [/\t/g, '⇥'],
];

/** Visible form of a token's text, cut to `maxLength` characters with an ellipsis. */
export function displayToken(text: string, maxLength = 16): string {
  let shown = text;
  for (const [pattern, replacement] of replacements) shown = shown.replace(pattern, replacement);
  if (shown.length === 0) return '∅';
  const chars = Array.from(shown); // cut by code point, not inside a surrogate pair
  return chars.length > maxLength ? chars.slice(0, maxLength - 1).join('') + '…' : shown;
}

/** Escapes text for the one place it must go into markup as a string: a serialized SVG export. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
}
