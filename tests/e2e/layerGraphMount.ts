// Browser bundle for the browser test's Layer Graph timing at 512–1,024 tokens (reportPage.ts):
// a report leaves per-head attention out at those sizes (too large to embed), so the test evaluates
// this bundle in the long report's page and mounts the extension's own LayerGraphView on the
// report's analysis with the real attention of one layer, computed by `attention-lens forward`.
// It defines window.mountLayerGraph; nothing here runs until the test calls it.
import type { AnalyzeResult } from '../../client/src/protocol';
import { buildView } from '../../client/src/shared/buildView';
import { LayerGraphView } from '../../client/src/webview/views/LayerGraphView';

/** What mountLayerGraph returns: milliseconds from render() to the second painted frame. */
export interface LayerGraphTiming { render: number; layout: number; painted: number; nodes: number; edges: number }

/**
 * Mounts a Layer Graph into `root` for `analysis` (the report's embedded analyze JSON) with the
 * head-averaged attention `mean` (T×T, row-major) of layer 1, passed as one "head": the view averages
 * the heads itself, so one head holding the mean draws the same picture as all heads.
 */
function mountLayerGraph(root: HTMLElement, analysis: AnalyzeResult, mean: number[]): Promise<LayerGraphTiming> {
  const view = buildView(analysis, 'influence');
  const tokens = view.tokens.length;
  if (mean.length !== tokens * tokens) throw new Error(`attention has ${mean.length} values, expected ${tokens}² for ${tokens} tokens`);
  const graph = new LayerGraphView(root, { send: () => undefined });
  const start = performance.now();
  graph.render(view);
  // The view asks for layer 1 (its first) while rendering; answered here as the report's host would.
  graph.attention({ layer: 1, heads: 1, tokens, data: mean });
  const render = performance.now() - start;
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
    render, painted: performance.now() - start,
    layout: performance.getEntriesByName('attention-lens:layerGraph-layout:1', 'measure').at(-1)?.duration ?? NaN,
    nodes: root.querySelectorAll('svg.layer-graph .graph-nodes > g').length,
    edges: root.querySelectorAll('svg.layer-graph g.edges line').length,
  }))));
}

(window as unknown as { mountLayerGraph: typeof mountLayerGraph }).mountLayerGraph = mountLayerGraph;
