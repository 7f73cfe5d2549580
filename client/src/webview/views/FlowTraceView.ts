// Flow Trace: the input tokens along the bottom, one row of nodes per layer above them, the target at
// the top; an edge joins (l, from) to (l − 1, to) with width proportional to its attention (the traced
// edges of §6, heads merged). The player reveals the layers one at a time from the bottom, so the
// flow can be watched rising to the target; clicking a token highlights all its paths. When the
// analysis has information-flow routes (docs/methods.md#routes), their position-to-position edges can
// be shown instead of the traced ones.
import * as d3 from 'd3';
import type { AnalysisView, LayerEdge } from '../../shared/analysisView';
import { normalise } from '../../shared/colorScale';
import { edgeKey, tracedFromTarget } from '../../shared/graph';
import { displayToken } from '../../shared/tokenText';
import { LayerPlayer } from '../LayerPlayer';
import type { PanelView } from '../PanelView';
import { standaloneSvg } from '../exportSvg';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';
import { highlightPaths } from '../pathHighlight';

const margin = { top: 40, bottom: 90, left: 56, right: 16 };

export class FlowTraceView implements PanelView {
  private svg: d3.Selection<SVGSVGElement, unknown, null, undefined> | undefined;
  private view: AnalysisView | undefined;
  private edges: LayerEdge[] = [];
  private player: LayerPlayer | undefined;
  private selected: number | null = null;
  private source: 'traced' | 'routes' = 'traced';

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    this.selected = null;
    this.player?.dispose();
    this.view = view;
    this.root.replaceChildren();
    const T = view.tokens.length;
    const L = view.layers;
    if (!view.routes) this.source = 'traced';
    this.edges = this.source === 'routes' && view.routes ? view.routes.attentionEdges : tracedFromTarget(view.edges, L, view.target);

    const header = d3.select(this.root).append('header');
    header.append('h1').text(`Flow Trace — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint').text(this.source === 'routes'
      ? `Edge width is the contribution of each information-flow route (Ferrando & Voita 2024; contribution > ${view.routes?.threshold ?? ''}, heads summed). Play steps through the layers; click a token to highlight its paths.`
      : 'Edge width is attention (traced edges, τ-thresholded, heads merged). Play steps through the layers; click a token to highlight its paths.');
    if (view.routes) {
      const picker = header.append('label').attr('class', 'method-picker');
      picker.append('span').text('Edges ');
      const select = picker.append('select').attr('aria-label', 'Edges');
      select.selectAll('option').data(['traced', 'routes'] as const).join('option')
        .attr('value', (s) => s).property('selected', (s) => s === this.source)
        .text((s) => (s === 'traced' ? 'traced attention graph' : 'information-flow routes'));
      select.on('change', (event: Event) => { this.source = (event.target as HTMLSelectElement).value as 'traced' | 'routes'; this.render(view); });
    }

    const width = Math.max(480, margin.left + margin.right + T * 34);
    const height = margin.top + margin.bottom + L * 70;
    const x = d3.scalePoint<number>().domain(d3.range(T)).range([margin.left, width - margin.right]).padding(0.5);
    const y = d3.scaleLinear().domain([0, L]).range([height - margin.bottom, margin.top]);

    const scroller = d3.select(this.root).append('div').attr('class', 'scroller');
    const svg = scroller.append('svg').attr('class', 'flow').attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'Flow trace');
    this.svg = svg;

    const layerAxis = svg.append('g').attr('class', 'layer-axis');
    for (let l = 0; l <= L; l++) {
      layerAxis.append('text').attr('x', 8).attr('y', y(l)).attr('dominant-baseline', 'middle')
        .text(l === 0 ? 'input' : `L${l}`);
    }

    svg.append('g').attr('class', 'edges')
      .selectAll('line')
      .data(this.edges)
      .join('line')
      .attr('class', 'edge')
      .attr('data-edge', (e) => edgeKey(e))
      .attr('data-layer', (e) => e.layer)
      .attr('x1', (e) => x(e.from) ?? 0).attr('y1', (e) => y(e.layer))
      .attr('x2', (e) => x(e.to) ?? 0).attr('y2', (e) => y(e.layer - 1))
      .attr('stroke-width', (e) => 0.5 + 5 * e.weight);

    const nodes: { layer: number; index: number }[] = [];
    for (let layer = 0; layer < L; layer++) for (let index = 0; index < T; index++) nodes.push({ layer, index });
    svg.append('g').attr('class', 'nodes')
      .selectAll('circle')
      .data(nodes)
      .join('circle')
      .attr('class', 'node')
      .attr('data-node', (n) => `${n.layer}:${n.index}`)
      .attr('data-layer', (n) => n.layer)
      .attr('cx', (n) => x(n.index) ?? 0).attr('cy', (n) => y(n.layer)).attr('r', 3);

    svg.append('circle').attr('class', 'target-node').attr('data-layer', L)
      .attr('cx', x(view.target) ?? 0).attr('cy', y(L)).attr('r', 7);
    svg.append('text').attr('class', 'target-label').attr('x', x(view.target) ?? 0).attr('y', y(L) - 14)
      .attr('text-anchor', 'middle').text(`target: ${displayToken(view.tokens[view.target]?.text ?? '', 20)}`);

    const scores = normalise(view.scores[view.method] ?? []);
    const labels = svg.append('g').attr('class', 'labels')
      .selectAll<SVGTextElement, number>('text')
      .data(view.tokens.map((t) => t.index))
      .join('text')
      .attr('class', (i) => `token-label${view.tokens[i]?.special ? ' special' : ''}`)
      .attr('transform', (i) => `translate(${x(i) ?? 0},${y(0) + 14}) rotate(50)`)
      .attr('text-anchor', 'start')
      .style('fill-opacity', (i) => 0.55 + 0.45 * (scores[i] ?? 0))
      .text((i) => displayToken(view.tokens[i]?.text ?? '', 14));
    makeTokensInteractive(labels, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);

    this.player = new LayerPlayer(this.root, L, (layer) => this.showUpTo(layer));
    this.select(this.selected);
  }

  /** Layers above `layer` fade out; the target is revealed with the last layer. */
  private showUpTo(layer: number): void {
    this.svg?.selectAll<SVGElement, unknown>('[data-layer]')
      .classed('future', function () { return Number((this as SVGElement).getAttribute('data-layer')) > layer; });
  }

  select(index: number | null): void {
    this.selected = index;
    if (!this.svg || !this.view) return;
    markSelected(this.root, index);
    highlightPaths(this.svg.selectAll<SVGElement, LayerEdge>('line.edge'), this.edges, this.view.layers, index);
  }

  exportSvg(): string {
    const node = this.svg?.node();
    if (!node) throw new Error('nothing to export yet');
    return standaloneSvg(node);
  }

  dispose(): void { this.player?.dispose(); this.root.replaceChildren(); }
}
