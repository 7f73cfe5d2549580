// Thinning drawn edges by strength, shared by the views that draw attention edges (Flow Trace, Token
// Rings, Layer Graph) and tested without a DOM. The edge-strength slider chooses how many of the
// strongest edges to keep; its scale is geometric, because the interesting range runs from a handful
// of edges to thousands (a 1,024-token analysis traces about 4,000).
import type { LayerEdge } from './analysisView';
import { tracedFromTarget } from './graph';

/** Slider positions 0..sliderSteps; position 0 keeps one edge, the last keeps them all. */
export const sliderSteps = 200;

/** Edges kept before the user moves the slider: all of a small graph, the strongest few hundred of a large one. */
export const defaultKeepLimit = 250;

export function defaultKeep(total: number): number {
  return Math.min(total, defaultKeepLimit);
}

/** How many edges a slider position keeps: 1 · total^(p/steps), rounded, so each step is the same ratio. */
export function keepForPosition(position: number, total: number, steps = sliderSteps): number {
  if (total <= 0) return 0;
  const p = Math.max(0, Math.min(steps, position)) / steps;
  return Math.max(1, Math.min(total, Math.round(Math.pow(total, p))));
}

/** The slider position that keeps at least `keep` edges (the inverse of keepForPosition). */
export function positionForKeep(keep: number, total: number, steps = sliderSteps): number {
  if (total <= 1) return steps;
  if (keep <= 1) return 0;
  keep = Math.min(keep, total);
  let position = Math.floor((Math.log(keep) / Math.log(total)) * steps);
  // Rounding moves the boundary by up to half an edge either way: settle it by stepping.
  while (position > 0 && keepForPosition(position - 1, total, steps) >= keep) position--;
  while (position < steps && keepForPosition(position, total, steps) < keep) position++;
  return position;
}

/** The `keep` strongest items by weight; ties keep their input order. */
export function strongest<E extends { weight: number }>(items: readonly E[], keep: number): E[] {
  if (keep >= items.length) return items.slice();
  return items
    .map((item, order) => ({ item, order }))
    .sort((a, b) => b.item.weight - a.item.weight || a.order - b.order)
    .slice(0, Math.max(0, keep))
    .sort((a, b) => a.order - b.order)
    .map((x) => x.item);
}

/**
 * How strong the best path through each edge is: the largest, over the paths from the target node
 * (L, target) down to an input (0, i) that use the edge, of the weakest edge weight on the path — a
 * widest-path (maximin) value, computed with one pass down from the target and one up from the
 * inputs. −∞ for an edge on no such path. Keeping the edges whose value is at least θ keeps exactly
 * the edges of the paths whose every edge is at least θ, so a pruned drawing is made of whole paths
 * from the target to the inputs — never of strong fragments cut off from the target.
 */
export function pathStrength<E extends LayerEdge>(edges: readonly E[], layers: number, target: number): number[] {
  // fromTarget.get(l)?.get(i): the best bottleneck of a path from the target down to node (l, i).
  const fromTarget = new Map<number, Map<number, number>>([[layers, new Map([[target, Infinity]])]]);
  for (let l = layers; l >= 1; l--) {
    const above = fromTarget.get(l) ?? new Map<number, number>();
    const below = new Map<number, number>();
    for (const e of edges) {
      if (e.layer !== l) continue;
      const reach = above.get(e.from);
      if (reach === undefined) continue;
      const value = Math.min(reach, e.weight);
      if (value > (below.get(e.to) ?? -Infinity)) below.set(e.to, value);
    }
    fromTarget.set(l - 1, below);
  }
  // toInputs.get(l)?.get(i): the best bottleneck of a path from node (l, i) down to an input.
  const toInputs = new Map<number, Map<number, number>>();
  for (let l = 1; l <= layers; l++) {
    const lower = toInputs.get(l - 1);
    const here = new Map<number, number>();
    for (const e of edges) {
      if (e.layer !== l) continue;
      const rest = l === 1 ? Infinity : lower?.get(e.to);
      if (rest === undefined) continue;
      const value = Math.min(rest, e.weight);
      if (value > (here.get(e.from) ?? -Infinity)) here.set(e.from, value);
    }
    toInputs.set(l, here);
  }
  return edges.map((e) => {
    const down = fromTarget.get(e.layer)?.get(e.from);
    const up = e.layer === 1 ? Infinity : toInputs.get(e.layer - 1)?.get(e.to);
    return down === undefined || up === undefined ? -Infinity : Math.min(down, e.weight, up);
  });
}

/**
 * The traced edges on the strongest paths: the `keep` edges of highest pathStrength, and any edge tied
 * with the last of them (so that a path is kept whole, never cut at a tie), on a path from the target.
 * This is what the Flow Trace and Token Rings draw; it can hold a few more than `keep` edges.
 */
export function pruneTraced<E extends LayerEdge>(edges: readonly E[], layers: number, target: number, keep: number): E[] {
  if (keep >= edges.length) return tracedFromTarget(edges, layers, target);
  if (keep <= 0) return [];
  const strength = pathStrength(edges, layers, target);
  const threshold = [...strength].sort((a, b) => b - a)[keep - 1] as number;
  // Edges on no complete path (dead ends of the traced graph) go first when pruning.
  return tracedFromTarget(edges.filter((_, i) => (strength[i] as number) >= threshold && (strength[i] as number) > -Infinity), layers, target);
}

/** The smallest and largest weight of a set of edges; [0, 1] for an empty set. */
export function weightRange(items: readonly { weight: number }[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const e of items) {
    if (!Number.isFinite(e.weight)) continue;
    min = Math.min(min, e.weight);
    max = Math.max(max, e.weight);
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 1 };
}

/** A weight's place in [min, max] as 0..1 (1 when the range is a single value). */
export function strengthOf(weight: number, range: { min: number; max: number }): number {
  if (!(range.max > range.min)) return 1;
  return Math.max(0, Math.min(1, (weight - range.min) / (range.max - range.min)));
}
