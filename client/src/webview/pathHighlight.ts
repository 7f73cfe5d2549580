// Highlighting the paths an input token feeds, shared by the panels that draw traced edges
// (Token Rings, Flow Trace): edges on a path from the token are highlighted, the others dimmed.
import type * as d3 from 'd3';
import type { LayerEdge } from '../shared/analysisView';
import { edgeKey, pathsFromInput } from '../shared/graph';

export function highlightPaths<E extends LayerEdge>(
  edgeElements: d3.Selection<SVGElement, E, d3.BaseType, unknown>,
  edges: readonly E[],
  layers: number,
  index: number | null,
): void {
  const paths = index === null ? null : pathsFromInput(edges, layers, index);
  // A token with no traced path dims nothing: the picture would go dark and say less.
  const keys = paths !== null && paths.size > 0 ? paths : null;
  edgeElements
    .classed('highlighted', (e) => keys !== null && keys.has(edgeKey(e)))
    .classed('dimmed', (e) => keys !== null && !keys.has(edgeKey(e)));
}
