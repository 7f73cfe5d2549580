// Which token labels to write when there is no room for all of them (a long input in a narrow
// panel): labels are taken in priority order (the target, the selected token, then by score) and a
// label is written only when no label already written lies within `minGap` pixels along the axis.
// The others stay in the drawing, hidden, so that every token keeps its element.

/**
 * @param positions pixel position of each token's label along the axis (index = token)
 * @param order token indices, most important first; tokens not listed are placed after, left to right
 * @param minGap the smallest distance between two written labels
 */
export function placeLabels(positions: readonly number[], order: readonly number[], minGap: number): Set<number> {
  const shown = new Set<number>();
  const taken: number[] = []; // sorted positions of written labels
  const tryPlace = (i: number) => {
    const x = positions[i];
    if (x === undefined || shown.has(i)) return;
    // Binary search for the neighbours of x among the written labels.
    let lo = 0;
    let hi = taken.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if ((taken[mid] as number) < x) lo = mid + 1; else hi = mid; }
    const before = taken[lo - 1];
    const after = taken[lo];
    if ((before !== undefined && x - before < minGap) || (after !== undefined && after - x < minGap)) return;
    taken.splice(lo, 0, x);
    shown.add(i);
  };
  for (const i of order) tryPlace(i);
  for (let i = 0; i < positions.length; i++) tryPlace(i);
  return shown;
}

/** Token indices ordered by importance: `first` (target, selection; nulls skipped), then by score, highest first. */
export function labelPriority(scores: readonly number[], count: number, first: readonly (number | null)[]): number[] {
  const ranked = Array.from({ length: count }, (_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const head = first.filter((i): i is number => i !== null && i >= 0 && i < count);
  return [...head, ...ranked.filter((i) => !head.includes(i))];
}
