// Mapping between tokens and document positions, in LSP coordinates (zero-based line, UTF-16 column),
// which is what both the server's token ranges and VS Code positions use.
import type { Position, Range, Token } from '../protocol';
import { intensityStep, normalise } from './colorScale';

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function isEmptyRange(r: Range): boolean {
  return comparePositions(r.start, r.end) === 0;
}

/** The non-special token whose range holds `p` (start inclusive, end exclusive), or undefined. */
export function tokenAt(tokens: readonly Token[], p: Position): Token | undefined {
  return tokens.find((t) => !t.special && !isEmptyRange(t.range)
    && comparePositions(t.range.start, p) <= 0 && comparePositions(p, t.range.end) < 0);
}

/** One decorated token: its range and the intensity step of its score (see colorScale). */
export interface DecorationItem { index: number; range: Range; score: number; step: number }

/**
 * Which tokens get a background and how strong: scores are scaled by the largest one, special tokens
 * and tokens without text in the document (empty ranges) are skipped, zero scores get none.
 */
export function decorationPlan(tokens: readonly Token[], scores: readonly number[]): DecorationItem[] {
  const scaled = normalise(scores);
  const items: DecorationItem[] = [];
  tokens.forEach((t, i) => {
    if (t.special || isEmptyRange(t.range) || i >= scores.length) return;
    const step = intensityStep(scaled[i] as number);
    if (step >= 0) items.push({ index: t.index, range: t.range, score: scores[i] as number, step });
  });
  return items;
}
