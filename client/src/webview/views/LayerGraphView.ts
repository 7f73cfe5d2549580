// Layer Graph: for one layer at a time, a force-directed graph of the positions, node size the
// value-weighted norm the position receives (Kobayashi et al. 2020, ‖Σ_h A f_h(x)‖), edge colour
// (viridis) and width the head-reduced attention. The layout is computed once per layer from each
// query's strongest keys and then fitted to the panel's width in pixels, so text keeps its size in a
// narrow column (labels that would collide give way to the larger nodes'); the edge slider then
// shows more or fewer of the strongest edges without moving a node. The player steps through layers.
// When the analysis has information-flow routes (docs/methods.md#routes), the layer's route edges
// are drawn over the attention in their own colour.
import * as d3 from 'd3';
import type { AnalysisView } from '../../shared/analysisView';
import { strengthOf, strongest, weightRange } from '../../shared/edgeStrength';
import { figureCaption } from '../../shared/figureCaption';
import { strongestEdges, type WeightedPair } from '../../shared/graph';
import { reduceHeads } from '../../shared/heads';
import type { LayerAttention } from '../../shared/messages';
import { displayToken } from '../../shared/tokenText';
import { viewSpecs } from '../../shared/viewSpecs';
import { EdgeFilter } from '../EdgeFilter';
import type { FigureLegend } from '../FigureLegend';
import { LayerPlayer } from '../LayerPlayer';
import type { PanelView } from '../PanelView';
import { StrengthScale } from '../StrengthScale';
import { figureSvg } from '../exportFigure';
import { standaloneSvg } from '../exportSvg';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';

/** Smallest extent of the layout, so that a two-token graph is not blown up. */
const minSize = 420;
/** Edge candidates per query (the slider picks among them). */
const candidatesPerQuery = 4;

interface GraphNode extends d3.SimulationNodeDatum { token: number; radius: number }
interface GraphLink extends d3.SimulationLinkDatum<GraphNode> { weight: number; route?: boolean }

/** One layer laid out: node positions in layout units, the candidate edges strongest first. */
interface Layout { nodes: GraphNode[]; candidates: WeightedPair[]; routes: GraphLink[]; defaultKeep: number; extent: { x0: number; y0: number; w: number; h: number } }

export class LayerGraphView implements PanelView {
  private view: AnalysisView | undefined;
  private readonly layouts = new Map<number, Layout>();
  private readonly requested = new Set<number>();
  private player: LayerPlayer | undefined;
  private filter: EdgeFilter | undefined;
  private stage: d3.Selection<HTMLDivElement, unknown, null, undefined> | undefined;
  private svg: SVGSVGElement | null = null;
  private layer = 1;
  private selected: number | null = null;
  private keep: number | null = null;
  private scale: StrengthScale | undefined;
  private drawn = 0;
  private resize: ResizeObserver | undefined;
  private drawnWidth = 0;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, private readonly host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    this.selected = null;
    this.keep = null;
    this.player?.dispose();
    this.resize?.disconnect();
    this.view = view;
    this.layouts.clear();
    this.requested.clear();
    this.root.replaceChildren();
    const header = d3.select(this.root).append('header');
    header.append('h1').text(`${viewSpecs.layerGraph.title} — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint').text(`Node size: value-weighted norm received; edge colour and width: attention (heads averaged). The slider keeps the strongest edges.${view.routes ? ` Dashed orange: information-flow routes to the target (contribution > ${view.routes.threshold}).` : ''}`);
    this.filter = new EdgeFilter(this.root, (keep) => { this.keep = keep; this.drawEdges(); });
    this.stage = d3.select(this.root).append('div').attr('class', 'stage');
    this.player = new LayerPlayer(this.root, view.layers, (layer) => this.showLayer(layer), 1);
    let pending = 0;
    this.resize = new ResizeObserver(() => {
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        if (this.svg && Math.abs(this.available() - this.drawnWidth) >= 1) this.showLayer(this.layer);
      });
    });
    this.resize.observe(this.root);
  }

  private available(): number {
    return Math.floor(this.stage?.node()?.clientWidth ?? 0);
  }

  private showLayer(layer: number): void {
    this.layer = layer;
    const layout = this.layouts.get(layer);
    if (!layout) {
      if (!this.requested.has(layer)) { this.requested.add(layer); this.host.send({ type: 'requestAttention', layer }); }
      this.stage?.selectAll('*').remove();
      this.stage?.append('p').attr('class', 'hint').text(`Loading layer ${layer}…`);
      return;
    }
    this.draw(layer, layout);
  }

  attention(a: LayerAttention): void {
    if (!this.view) return;
    this.layouts.set(a.layer, this.layOut(a.layer, reduceHeads(a.data, a.heads, a.tokens, 'mean')));
    if (a.layer === this.layer) this.showLayer(a.layer);
  }

  attentionError(layer: number, message: string): void {
    if (layer !== this.layer) return;
    this.stage?.selectAll('*').remove();
    this.stage?.append('p').attr('class', 'warning').text(`Layer ${layer}: ${message}`);
  }

  /** The force layout of one layer, computed once: a stable picture per layer whatever the slider says. */
  private layOut(layer: number, matrix: number[][]): Layout {
    // Timed for the browser test's long inputs (tests/e2e/reportPage.ts reads this measure).
    const started = performance.now();
    const view = this.view as AnalysisView;
    const T = view.tokens.length;
    const norms = view.received?.[layer - 1] ?? new Array<number>(T).fill(1);
    const maxNorm = d3.max(norms) ?? 1;
    const nodes: GraphNode[] = view.tokens.map((t, i) => ({ token: t.index, radius: 4 + 14 * Math.sqrt((norms[i] ?? 0) / (maxNorm || 1)) }));
    const candidates = strongestEdges(matrix, candidatesPerQuery, Infinity);
    // The layout's springs: beyond ~40 tokens a complete graph is a hairball, so each query's
    // strongest two keys; the slider starts there too.
    const defaultKeep = Math.min(candidates.length, T > 40 ? 3 * T : 6 * T);
    const springs = strongestEdges(matrix, T > 40 ? 2 : 3, defaultKeep);
    const routes: GraphLink[] = (view.routes?.attentionEdges ?? []).filter((e) => e.layer === layer && e.from !== e.to)
      .map((e) => ({ source: e.from, target: e.to, weight: e.weight, route: true }));
    const links: GraphLink[] = [...springs.map((p) => ({ source: p.source, target: p.target, weight: p.weight })), ...routes.map((r) => ({ ...r }))];
    const simulation = d3.forceSimulation(nodes)
      .force('link', d3.forceLink<GraphNode, GraphLink>(links).id((n) => n.token).distance(70).strength((l) => 0.1 + 0.6 * l.weight))
      .force('charge', d3.forceManyBody().strength(-260))
      .force('collide', d3.forceCollide<GraphNode>().radius((n) => n.radius + 10))
      .force('center', d3.forceCenter(0, 0))
      .stop();
    // A fixed number of ticks computed up front (fewer for long inputs, whose layout settles on the
    // strongest springs first): no animation cost, and the same picture every time. Each tick costs
    // O(T log T) in the charge and collision quadtrees; at ~1,000 tokens 80 ticks took ~600 ms (Node), most of a
    // ~1 s first drawing in the browser test (tests/e2e/report.sh), so the longest inputs get 50.
    const ticks = T > 600 ? 50 : T > 300 ? 80 : T > 100 ? 150 : 220;
    for (let i = 0; i < ticks; i++) simulation.tick();
    const pad = 40;
    const xs = nodes.map((n) => n.x ?? 0);
    const ys = nodes.map((n) => n.y ?? 0);
    const x0 = Math.min(d3.min(xs) ?? 0, -minSize / 2) - pad;
    const y0 = Math.min(d3.min(ys) ?? 0, -minSize / 2) - pad;
    const w = Math.max(d3.max(xs) ?? 0, minSize / 2) + pad - x0;
    const h = Math.max(d3.max(ys) ?? 0, minSize / 2) + pad - y0;
    performance.measure(`attention-lens:layerGraph-layout:${layer}`, { start: started });
    return { nodes, candidates, routes, defaultKeep, extent: { x0, y0, w, h } };
  }

  private current: { layout: Layout; place: (n: GraphNode) => [number, number] } | undefined;

  private draw(layer: number, layout: Layout): void {
    const view = this.view;
    const stage = this.stage;
    if (!view || !stage) return;
    stage.selectAll('*').remove();
    const T = view.tokens.length;
    // Fit the layout to the panel's width in pixels (never enlarged): text and strokes keep their size.
    const available = this.available() || 480;
    this.drawnWidth = available;
    const { x0, y0, w, h } = layout.extent;
    const s = Math.min(1, available / w);
    const width = Math.max(200, Math.round(w * s));
    const height = Math.round(h * s);
    const shrink = Math.max(0.45, Math.sqrt(s));
    const place = (n: GraphNode): [number, number] => [((n.x ?? 0) - x0) * s, ((n.y ?? 0) - y0) * s];
    this.current = { layout, place };
    const svg = stage.append('svg').attr('class', 'layer-graph').attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', `Layer ${layer} graph`);
    this.svg = svg.node();
    this.scale = new StrengthScale(weightRange(layout.candidates));
    const keep = Math.min(this.keep ?? layout.defaultKeep, layout.candidates.length);
    this.filter?.reset(layout.candidates.length, keep);
    this.filter?.showLegend(this.legend());
    svg.append('g').attr('class', 'edges');
    svg.append('g').attr('class', 'route-edges').selectAll('line').data(layout.routes).join('line').attr('class', 'edge route')
      .attr('x1', (l) => place(layout.nodes[l.source as number] ?? { token: 0, radius: 0 })[0]).attr('y1', (l) => place(layout.nodes[l.source as number] ?? { token: 0, radius: 0 })[1])
      .attr('x2', (l) => place(layout.nodes[l.target as number] ?? { token: 0, radius: 0 })[0]).attr('y2', (l) => place(layout.nodes[l.target as number] ?? { token: 0, radius: 0 })[1])
      .attr('stroke-width', (l) => 0.5 + 4 * l.weight);
    const radius = (i: number) => (layout.nodes[i]?.radius ?? 4) * shrink;
    const groups = svg.append('g').attr('class', 'graph-nodes').selectAll<SVGGElement, number>('g').data(layout.nodes.map((n) => n.token)).join('g')
      .attr('transform', (i) => { const [px, py] = place(layout.nodes[i] as GraphNode); return `translate(${px},${py})`; });
    groups.append('circle').attr('class', 'node').attr('r', radius);
    // Labels that would collide with a bigger node's label are not written (the node stays).
    const labelled = labelledNodes(layout.nodes, place, radius);
    groups.append('text').attr('class', 'node-label').classed('crowded', (i) => !labelled.has(i)).attr('y', (i) => -radius(i) - 3).attr('text-anchor', 'middle')
      .text((i) => displayToken(view.tokens[i]?.text ?? '', T > 60 ? 8 : 12));
    makeTokensInteractive(groups, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);
    this.drawEdges();
    this.select(this.selected);
  }

  /** Draws the strongest candidate edges the slider keeps, under the nodes. */
  private drawEdges(): void {
    const current = this.current;
    const scale = this.scale;
    if (!current || !scale || !this.svg) return;
    const { layout, place } = current;
    const kept = strongest(layout.candidates, this.filter?.keep ?? layout.defaultKeep);
    this.drawn = kept.length;
    const at = (i: number) => place(layout.nodes[i] as GraphNode);
    d3.select(this.svg).select('g.edges').selectAll<SVGLineElement, WeightedPair>('line')
      .data(kept, (p) => `${p.source}:${p.target}`)
      .join('line')
      .attr('class', 'edge')
      .attr('x1', (p) => at(p.source)[0]).attr('y1', (p) => at(p.source)[1])
      .attr('x2', (p) => at(p.target)[0]).attr('y2', (p) => at(p.target)[1])
      .attr('stroke-width', (p) => 0.5 + 4 * strengthOf(p.weight, scale.range))
      .style('stroke', (p) => scale.color(p.weight))
      .style('stroke-opacity', String(Math.min(0.9, Math.max(0.3, 200 / Math.max(1, kept.length)))));
    this.filter?.showDrawn(kept.length);
  }

  private legend(): FigureLegend {
    const range = this.scale?.range ?? { min: 0, max: 1 };
    return { kind: 'ramp', label: 'attention (heads averaged)', min: range.min, max: range.max, colors: this.scale?.ramp() ?? [] };
  }

  select(index: number | null): void {
    this.selected = index;
    markSelected(this.root, index);
  }

  exportSvg(): string {
    if (!this.svg || !this.view || !this.current) throw new Error('nothing to export yet');
    const extra = [`Layer ${this.layer} of ${this.view.layers}; edges: the ${this.drawn.toLocaleString('en')} strongest of ${this.current.layout.candidates.length.toLocaleString('en')} (each query's ${candidatesPerQuery} strongest keys); node size: value-weighted norm received`];
    return figureSvg(standaloneSvg(this.svg), figureCaption(this.view, viewSpecs.layerGraph.title, extra), [this.legend()]);
  }

  dispose(): void { this.player?.dispose(); this.resize?.disconnect(); this.root.replaceChildren(); }
}

/** Nodes whose label is written: largest first, skipping a label whose box would overlap one already written. */
function labelledNodes(nodes: readonly GraphNode[], place: (n: GraphNode) => [number, number], radius: (i: number) => number): Set<number> {
  const order = nodes.map((n) => n.token).sort((a, b) => radius(b) - radius(a) || a - b);
  const boxes: [number, number, number, number][] = [];
  const shown = new Set<number>();
  for (const i of order) {
    const [x, y] = place(nodes[i] as GraphNode);
    const box: [number, number, number, number] = [x - 24, y - radius(i) - 14, x + 24, y - radius(i) - 2];
    if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    boxes.push(box);
    shown.add(i);
  }
  return shown;
}
