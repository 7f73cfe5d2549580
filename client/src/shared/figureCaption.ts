// The words an exported picture carries, so that a PNG or SVG on a slide still says what it shows:
// the view and model(s), what the analysis explains, the analysed text, the target token, the method
// of the token scores, and anything the view adds (layer, edges kept). Pure: tested without a DOM.
import { methodLabel, type AnalysisView } from './analysisView';
import { displayToken } from './tokenText';

export interface FigureCaption { title: string; lines: string[] }

/** Longest analysed text quoted in a caption, in code points. */
export const captionTextLength = 160;

/**
 * The analysed text as the tokens spell it (special tokens left out), cut to `max` code points.
 * Byte-level BPE and SentencePiece pieces carry their spaces (Ġ, ▁ or a space); WordPiece pieces do
 * not, so when no piece carries one the words are joined with spaces and `##` pieces glued on.
 */
export function analysedText(view: AnalysisView, max = captionTextLength): string {
  const pieces = view.tokens.filter((t) => !t.special).map((t) => t.text);
  const spaced = pieces.some((p) => /^[\s\u2581\u0120]/.test(p));
  const joined = spaced ? pieces.join('') : pieces.map((p, i) => (p.startsWith('##') ? p.slice(2) : i > 0 ? ` ${p}` : p)).join('');
  const text = joined.replace(/\u2581|\u0120/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function figureCaption(view: AnalysisView, viewTitle: string, extra: readonly string[] = []): FigureCaption {
  const models = view.comparison ? `${view.comparison.modelA} vs ${view.comparison.modelB}` : view.model;
  const target = view.tokens[view.target];
  const lines = [
    ...(view.prediction ? [view.prediction.text] : []),
    `Text (${view.tokens.length} tokens): “${analysedText(view)}”`,
    `Target: token ${view.target} “${displayToken(target?.text ?? '', 24)}”; scores: ${methodLabel(view.method)}`,
    ...extra,
  ];
  return { title: `${viewTitle} — ${models}`, lines };
}
