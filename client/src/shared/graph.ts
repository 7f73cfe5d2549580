// Graph computations on traced attention edges, shared by the panels and tested without a DOM.
// Nodes are (layer, position): layer 0 holds the input tokens, layer l the outputs of block l.
// An edge of layer l joins (l, from) to (l − 1, to), as in the traced graphs of docs/methods.md §6.
import type { ClassifiedEdge, EdgeClass, LayerEdge } from './analysisView';
import type { Edge } from '../protocol';

export function edgeKey(e: { layer: number; from: number; to: number }): string {
  return `${e.layer}:${e.from}:${e.to}`;
}

/**
 * Merges the per-head edges of each (layer, from, to) into one edge whose weight is the largest head
 * weight: the edge exists when any head traces it (§6 keeps an edge when some head's attention ≥ τ),
 * and the strongest head is the one that explains it.
 */
export function mergeHeads(edges: readonly Edge[]): LayerEdge[] {
  const merged = new Map<string, LayerEdge>();
  for (const e of edges) {
    const key = edgeKey(e);
    const known = merged.get(key);
    if (known === undefined) merged.set(key, { layer: e.layer, from: e.from, to: e.to, weight: e.weight });
    else known.weight = Math.max(known.weight, e.weight);
  }
  return [...merged.values()].sort((a, b) => b.layer - a.layer || a.from - b.from || a.to - b.to);
}

/**
 * Classifies merged edges of a comparison. A (layer, from, to) pair is shared when both models trace it
 * in some head, else it belongs to the one model that does; heads are merged first because the two
 * models need not have the same heads.
 */
export function classifyEdges(shared: readonly Edge[], onlyA: readonly Edge[], onlyB: readonly Edge[]): ClassifiedEdge[] {
  const inA = new Map(mergeHeads([...shared, ...onlyA]).map((e) => [edgeKey(e), e]));
  const inB = new Map(mergeHeads([...shared, ...onlyB]).map((e) => [edgeKey(e), e]));
  const result: ClassifiedEdge[] = [];
  for (const [key, e] of inA) {
    const other = inB.get(key);
    const edgeClass: EdgeClass = other ? 'shared' : 'onlyA';
    result.push({ ...e, weight: other ? Math.max(e.weight, other.weight) : e.weight, edgeClass });
  }
  for (const [key, e] of inB) if (!inA.has(key)) result.push({ ...e, edgeClass: 'onlyB' });
  return result.sort((a, b) => b.layer - a.layer || a.from - b.from || a.to - b.to);
}

/**
 * The edges on some path from the target node (L, target) down to the inputs: walks layers from the
 * top, keeping edges whose upper node is reachable. This is the traced graph the Token Rings draw.
 */
export function tracedFromTarget<E extends LayerEdge>(edges: readonly E[], layers: number, target: number): E[] {
  let reached = new Set<number>([target]);
  const kept: E[] = [];
  for (let layer = layers; layer >= 1; layer--) {
    const next = new Set<number>();
    for (const e of edges) {
      if (e.layer === layer && reached.has(e.from)) { kept.push(e); next.add(e.to); }
    }
    reached = next;
  }
  return kept;
}

/**
 * The edges on some path that starts at input token `token` (node (0, token)) and goes up through the
 * layers: what "all the paths of a token" means when it is clicked.
 */
export function pathsFromInput<E extends LayerEdge>(edges: readonly E[], layers: number, token: number): Set<string> {
  let reached = new Set<number>([token]);
  const keys = new Set<string>();
  for (let layer = 1; layer <= layers; layer++) {
    const next = new Set<number>();
    for (const e of edges) {
      if (e.layer === layer && reached.has(e.to)) { keys.add(edgeKey(e)); next.add(e.from); }
    }
    reached = next;
  }
  return keys;
}

/** One undirected-looking edge of a per-layer graph: `source` attends to `target` with `weight`. */
export interface WeightedPair { source: number; target: number; weight: number }

/**
 * Keeps the strongest edges of a (T × T) attention matrix for drawing: at most `perNode` outgoing edges
 * per query and at most `maxEdges` overall, dropping self-attention, so that long inputs stay readable.
 */
export function strongestEdges(matrix: readonly (readonly number[])[], perNode: number, maxEdges: number): WeightedPair[] {
  // One pass per row keeping a small sorted top list (no object per entry, no sort of the row): at
  // 1,024 tokens a matrix has a million entries and the Layer Graph asks twice. Ties keep the lower
  // key first, as a stable sort of the row would.
  const candidates: WeightedPair[] = [];
  const k = Math.max(0, Math.min(Math.floor(perNode), matrix.length));
  if (k === 0) return [];
  const weights = new Float64Array(k);
  const targets = new Int32Array(k);
  matrix.forEach((row, source) => {
    let count = 0;
    for (let target = 0; target < row.length; target++) {
      const weight = row[target] as number;
      if (target === source || !(weight > 0) || (count === k && weight <= (weights[k - 1] as number))) continue;
      let at = count < k ? count++ : k - 1;
      while (at > 0 && (weights[at - 1] as number) < weight) { weights[at] = weights[at - 1] as number; targets[at] = targets[at - 1] as number; at--; }
      weights[at] = weight;
      targets[at] = target;
    }
    for (let i = 0; i < count; i++) candidates.push({ source, target: targets[i] as number, weight: weights[i] as number });
  });
  return candidates.sort((a, b) => b.weight - a.weight).slice(0, maxEdges);
}

/** Polar position of token `index` of `count` on a ring of radius `radius`, starting at 12 o'clock, clockwise. */
export function ringPosition(index: number, count: number, radius: number): { x: number; y: number; angle: number } {
  const angle = count > 0 ? (2 * Math.PI * index) / count - Math.PI / 2 : -Math.PI / 2;
  return { x: radius * Math.cos(angle), y: radius * Math.sin(angle), angle };
}

/**
 * Radius of the ring of layer `layer` (0 = inputs, outermost; `layers` = the target at the centre):
 * rings are evenly spaced between `inner` and `outer`.
 */
export function ringRadius(layer: number, layers: number, inner: number, outer: number): number {
  if (layer >= layers) return 0;
  if (layers <= 1) return outer;
  return inner + ((outer - inner) * (layers - 1 - layer)) / (layers - 1);
}
