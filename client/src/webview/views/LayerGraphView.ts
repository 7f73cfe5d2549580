// Layer Graph: for one layer at a time, a force-directed graph of the positions, node size the
// value-weighted norm the position receives (Kobayashi et al. 2020, ‖Σ_h A f_h(x)‖), edge width the
// head-reduced attention. Long inputs keep only the strongest edges. The player steps through layers.
// When the analysis has information-flow routes (docs/methods.md#routes), the layer's route edges
// are drawn over the attention in their own colour.
import * as d3 from 'd3';
import type { AnalysisView } from '../../shared/analysisView';
import { strongestEdges, type WeightedPair } from '../../shared/graph';
import { reduceHeads } from '../../shared/heads';
import type { LayerAttention } from '../../shared/messages';
import { displayToken } from '../../shared/tokenText';
import { LayerPlayer } from '../LayerPlayer';
import type { PanelView } from '../PanelView';
import { standaloneSvg } from '../exportSvg';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';

/** Smallest extent of the view box, so that a two-token graph is not blown up. */
const minSize = 420;

interface GraphNode extends d3.SimulationNodeDatum { token: number; radius: number }
interface GraphLink extends d3.SimulationLinkDatum<GraphNode> { weight: number; route?: boolean }

export class LayerGraphView implements PanelView {
  private view: AnalysisView | undefined;
  private readonly attentionByLayer = new Map<number, number[][]>();
  private readonly requested = new Set<number>();
  private player: LayerPlayer | undefined;
  private stage: d3.Selection<HTMLDivElement, unknown, null, undefined> | undefined;
  private svg: SVGSVGElement | null = null;
  private layer = 1;
  private selected: number | null = null;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, private readonly host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    this.selected = null;
    this.player?.dispose();
    this.view = view;
    this.attentionByLayer.clear();
    this.requested.clear();
    this.root.replaceChildren();
    const header = d3.select(this.root).append('header');
    header.append('h1').text(`Layer Graph — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint').text(`Node size: value-weighted norm received; edge width: attention (heads averaged). Long inputs show only the strongest edges.${view.routes ? ` Orange: information-flow routes to the target (contribution > ${view.routes.threshold}).` : ''}`);
    this.stage = d3.select(this.root).append('div').attr('class', 'stage');
    this.player = new LayerPlayer(this.root, view.layers, (layer) => this.showLayer(layer), 1);
  }

  private showLayer(layer: number): void {
    this.layer = layer;
    const matrix = this.attentionByLayer.get(layer);
    if (!matrix) {
      if (!this.requested.has(layer)) { this.requested.add(layer); this.host.send({ type: 'requestAttention', layer }); }
      this.stage?.selectAll('*').remove();
      this.stage?.append('p').attr('class', 'hint').text(`Loading layer ${layer}…`);
      return;
    }
    this.draw(layer, matrix);
  }

  attention(a: LayerAttention): void {
    this.attentionByLayer.set(a.layer, reduceHeads(a.data, a.heads, a.tokens, 'mean'));
    if (a.layer === this.layer) this.showLayer(a.layer);
  }

  attentionError(layer: number, message: string): void {
    if (layer !== this.layer) return;
    this.stage?.selectAll('*').remove();
    this.stage?.append('p').attr('class', 'warning').text(`Layer ${layer}: ${message}`);
  }

  private draw(layer: number, matrix: number[][]): void {
    const view = this.view;
    const stage = this.stage;
    if (!view || !stage) return;
    stage.selectAll('*').remove();
    const T = view.tokens.length;
    const norms = view.received?.[layer - 1] ?? new Array<number>(T).fill(1);
    const maxNorm = d3.max(norms) ?? 1;
    const nodes: GraphNode[] = view.tokens.map((t, i) => ({ token: t.index, radius: 4 + 14 * Math.sqrt((norms[i] ?? 0) / (maxNorm || 1)) }));
    // Beyond ~40 tokens a complete graph is a hairball: keep each query's strongest keys.
    const pairs: WeightedPair[] = strongestEdges(matrix, T > 40 ? 2 : 3, T > 40 ? 3 * T : 6 * T);
    const links: GraphLink[] = pairs.map((p) => ({ source: p.source, target: p.target, weight: p.weight }));
    const routeLinks: GraphLink[] = (view.routes?.attentionEdges ?? []).filter((e) => e.layer === layer && e.from !== e.to)
      .map((e) => ({ source: e.from, target: e.to, weight: e.weight, route: true }));
    // A fixed number of ticks computed up front: a stable picture per layer, no animation cost.
    const simulation = d3.forceSimulation(nodes)
      .force('link', d3.forceLink<GraphNode, GraphLink>([...links, ...routeLinks]).id((n) => n.token).distance(70).strength((l) => 0.1 + 0.6 * l.weight))
      .force('charge', d3.forceManyBody().strength(-260))
      .force('collide', d3.forceCollide<GraphNode>().radius((n) => n.radius + 10))
      .force('center', d3.forceCenter(0, 0))
      .stop();
    for (let i = 0; i < 220; i++) simulation.tick();

    // Fit the view box to the laid-out graph (plus room for labels), whatever its spread.
    const pad = 40;
    const xs = nodes.map((n) => n.x ?? 0);
    const ys = nodes.map((n) => n.y ?? 0);
    const x0 = Math.min(...xs, -minSize / 2) - pad;
    const y0 = Math.min(...ys, -minSize / 2) - pad;
    const w = Math.max(...xs, minSize / 2) + pad - x0;
    const h = Math.max(...ys, minSize / 2) + pad - y0;
    const svg = stage.append('svg').attr('class', 'layer-graph').attr('viewBox', `${x0} ${y0} ${w} ${h}`)
      .attr('role', 'img').attr('aria-label', `Layer ${layer} graph`);
    this.svg = svg.node();
    svg.append('g').attr('class', 'edges').selectAll('line').data([...links, ...routeLinks]).join('line').attr('class', (l) => (l.route ? 'edge route' : 'edge'))
      .attr('x1', (l) => (l.source as GraphNode).x ?? 0).attr('y1', (l) => (l.source as GraphNode).y ?? 0)
      .attr('x2', (l) => (l.target as GraphNode).x ?? 0).attr('y2', (l) => (l.target as GraphNode).y ?? 0)
      .attr('stroke-width', (l) => 0.5 + 5 * l.weight);
    const groups = svg.append('g').attr('class', 'graph-nodes').selectAll<SVGGElement, number>('g').data(nodes.map((n) => n.token)).join('g')
      .attr('transform', (i) => `translate(${nodes[i]?.x ?? 0},${nodes[i]?.y ?? 0})`);
    groups.append('circle').attr('class', 'node').attr('r', (i) => nodes[i]?.radius ?? 4);
    groups.append('text').attr('class', 'node-label').attr('y', (i) => -(nodes[i]?.radius ?? 4) - 3).attr('text-anchor', 'middle')
      .text((i) => displayToken(view.tokens[i]?.text ?? '', 12));
    makeTokensInteractive(groups, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);
    this.select(this.selected);
  }

  select(index: number | null): void {
    this.selected = index;
    markSelected(this.root, index);
  }

  exportSvg(): string {
    if (!this.svg) throw new Error('nothing to export yet');
    return standaloneSvg(this.svg);
  }

  dispose(): void { this.player?.dispose(); this.root.replaceChildren(); }
}
