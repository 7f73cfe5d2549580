// Flow Trace: the input tokens along the bottom, one row of nodes per layer above them, the target at
// the top; an edge joins (l, from) to (l − 1, to), its colour (viridis) and width its attention (the
// traced edges of §6, heads merged). The drawing is laid out for the panel's width — token spacing
// shrinks, labels turn upright and, when there is no room for all, only the most important are
// written (shared/labelPlacement.ts) — and is redrawn when the panel is resized. The edge slider keeps
// the strongest edges still on a path from the target (shared/edgeStrength.ts). The player reveals
// the layers one at a time from the bottom; clicking a token highlights all its paths. When the
// analysis has information-flow routes (docs/methods.md#routes), their position-to-position edges can
// be shown instead of the traced ones.
import * as d3 from 'd3';
import type { AnalysisView, LayerEdge } from '../../shared/analysisView';
import { normalise } from '../../shared/colorScale';
import { pruneTraced, strengthOf, strongest, weightRange } from '../../shared/edgeStrength';
import { figureCaption } from '../../shared/figureCaption';
import { edgeKey, tracedFromTarget } from '../../shared/graph';
import { labelPriority, placeLabels } from '../../shared/labelPlacement';
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
import { highlightPaths } from '../pathHighlight';

const margin = { top: 40, right: 12 };
/** Widest token spacing: a short sentence in a wide report is not spread edge to edge. */
const maxSpacing = 64;
/** Narrowest drawing; below it the panel scrolls. */
const minWidth = 220;
/** Spacing from which labels are written horizontally instead of upright. */
const horizontalFrom = 56;
/** Smallest gap between two written labels (11 px text, upright). */
const labelGap = 13;
const labelChars = 14;

export class FlowTraceView implements PanelView {
  private svg: d3.Selection<SVGSVGElement, unknown, null, undefined> | undefined;
  private view: AnalysisView | undefined;
  /** All edges of the chosen source (traced from the target, or routes) and those drawn after pruning. */
  private candidates: LayerEdge[] = [];
  private edges: LayerEdge[] = [];
  private player: LayerPlayer | undefined;
  private filter: EdgeFilter | undefined;
  private scroller: HTMLDivElement | undefined;
  private scale: StrengthScale | undefined;
  private layout: { x: (i: number) => number; y: (l: number) => number; spacing: number; width: number } | undefined;
  private selected: number | null = null;
  private source: 'traced' | 'routes' = 'traced';
  private resize: ResizeObserver | undefined;
  private drawnWidth = 0;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    if (view !== this.view) this.selected = null;
    this.player?.dispose();
    this.resize?.disconnect();
    this.view = view;
    this.root.replaceChildren();
    const L = view.layers;
    if (!view.routes) this.source = 'traced';
    this.candidates = this.source === 'routes' && view.routes ? view.routes.attentionEdges : tracedFromTarget(view.edges, L, view.target);
    this.scale = new StrengthScale(weightRange(this.candidates));

    const header = d3.select(this.root).append('header');
    header.append('h1').text(`${viewSpecs.flowTrace.title} — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint').text(this.source === 'routes'
      ? `Edge colour and width: the contribution of each information-flow route (Ferrando & Voita 2024; contribution > ${view.routes?.threshold ?? ''}, heads summed). Play steps through the layers; click a token to highlight its paths.`
      : 'Edge colour and width: attention (traced edges, τ-thresholded, heads merged). The slider keeps the strongest edges on paths to the target; Play steps through the layers; click a token to highlight its paths.');
    if (view.routes) {
      const picker = header.append('label').attr('class', 'method-picker');
      picker.append('span').text('Edges ');
      const select = picker.append('select').attr('aria-label', 'Edges');
      select.selectAll('option').data(['traced', 'routes'] as const).join('option')
        .attr('value', (s) => s).property('selected', (s) => s === this.source)
        .text((s) => (s === 'traced' ? 'traced attention graph' : 'information-flow routes'));
      select.on('change', (event: Event) => { this.source = (event.target as HTMLSelectElement).value as 'traced' | 'routes'; this.render(view); });
    }
    this.filter = new EdgeFilter(this.root, () => this.drawEdges());
    this.filter.reset(this.candidates.length);
    this.filter.showLegend(this.legend());

    this.scroller = d3.select(this.root).append('div').attr('class', 'scroller').node() as HTMLDivElement;
    this.draw();
    this.player = new LayerPlayer(this.root, L, (layer) => this.showUpTo(layer));
    // The panel's width is the drawing's: redraw when it changes (a side column dragged wider, a report
    // window resized), on the next frame so that a drag redraws once per frame at most.
    let pending = 0;
    this.resize = new ResizeObserver(() => {
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        if (this.scroller && Math.abs(this.available() - this.drawnWidth) >= 1) this.draw();
      });
    });
    this.resize.observe(this.root);
  }

  /** The width the drawing may take: the scroller's content box (the panel less its padding). */
  private available(): number {
    return Math.floor(this.scroller?.clientWidth ?? 0);
  }

  private draw(): void {
    const view = this.view;
    const scroller = this.scroller;
    if (!view || !scroller) return;
    scroller.replaceChildren();
    const T = view.tokens.length;
    const L = view.layers;
    const available = this.available() || 480;
    this.drawnWidth = available;
    const left = available < 360 ? 34 : 48;
    const width = Math.max(minWidth, Math.min(available, left + margin.right + T * maxSpacing));
    const spacing = (width - left - margin.right) / Math.max(1, T);
    const horizontal = spacing >= horizontalFrom;
    const chars = horizontal ? Math.max(4, Math.floor(spacing / 6.5)) : labelChars;
    const bottom = horizontal ? 34 : 20 + labelChars * 6.5;
    const layerGap = L > 8 ? 52 : 70;
    const height = margin.top + bottom + L * layerGap;
    const xScale = d3.scalePoint<number>().domain(d3.range(T)).range([left, width - margin.right]).padding(0.5);
    const x = (i: number) => xScale(i) ?? 0;
    const y = d3.scaleLinear().domain([0, L]).range([height - bottom, margin.top]);
    this.layout = { x, y: (l) => y(l), spacing, width };

    const svg = d3.select(scroller).append('svg').attr('class', 'flow').attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'Flow trace');
    this.svg = svg;

    const layerAxis = svg.append('g').attr('class', 'layer-axis');
    for (let l = 0; l <= L; l++) {
      layerAxis.append('text').attr('x', 4).attr('y', y(l)).attr('dominant-baseline', 'middle')
        .text(l === 0 ? (left < 48 ? 'in' : 'input') : `L${l}`);
    }

    svg.append('g').attr('class', 'edges');
    const radius = Math.max(0.8, Math.min(3, spacing * 0.35));
    const nodes: { layer: number; index: number }[] = [];
    for (let layer = 0; layer < L; layer++) for (let index = 0; index < T; index++) nodes.push({ layer, index });
    svg.append('g').attr('class', 'nodes')
      .selectAll('circle')
      .data(nodes)
      .join('circle')
      .attr('class', 'node')
      .attr('data-layer', (n) => n.layer)
      .attr('cx', (n) => x(n.index)).attr('cy', (n) => y(n.layer)).attr('r', radius);

    // The target label stays inside the drawing: anchored toward the middle near either edge.
    const tx = x(view.target);
    const anchor = tx < width * 0.25 ? 'start' : tx > width * 0.75 ? 'end' : 'middle';
    svg.append('circle').attr('class', 'target-node').attr('data-layer', L).attr('cx', tx).attr('cy', y(L)).attr('r', 7);
    svg.append('text').attr('class', 'target-label').attr('x', anchor === 'start' ? Math.max(2, tx - 7) : anchor === 'end' ? Math.min(width - 2, tx + 7) : tx)
      .attr('y', y(L) - 14).attr('text-anchor', anchor).text(`target: ${displayToken(view.tokens[view.target]?.text ?? '', 20)}`);

    const scores = normalise(view.scores[view.method] ?? []);
    const labels = svg.append('g').attr('class', 'labels')
      .selectAll<SVGTextElement, number>('text')
      .data(view.tokens.map((t) => t.index))
      .join('text')
      .attr('class', (i) => `token-label${view.tokens[i]?.special ? ' special' : ''}`)
      .attr('transform', (i) => (horizontal ? `translate(${x(i)},${y(0) + 18})` : `translate(${x(i)},${y(0) + 10}) rotate(90)`))
      .attr('text-anchor', horizontal ? 'middle' : 'start')
      .attr('dominant-baseline', horizontal ? 'auto' : 'middle')
      .style('fill-opacity', (i) => 0.55 + 0.45 * (scores[i] ?? 0))
      .text((i) => displayToken(view.tokens[i]?.text ?? '', chars));
    makeTokensInteractive(labels, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);

    this.drawEdges();
    this.placeLabels();
    if (this.player) this.showUpTo(this.player.layer);
    this.select(this.selected);
  }

  /** Which token labels are written: all when they fit, else the target, the selection and the highest scores. */
  private placeLabels(): void {
    const view = this.view;
    const layout = this.layout;
    if (!view || !layout || !this.svg) return;
    const T = view.tokens.length;
    const crowded = layout.spacing < labelGap;
    const shown = crowded
      ? placeLabels(view.tokens.map((t) => layout.x(t.index)), labelPriority(view.scores[view.method] ?? [], T, [view.target, this.selected]), labelGap)
      : null;
    this.svg.selectAll<SVGTextElement, number>('text.token-label').classed('crowded', (i) => shown !== null && !shown.has(i));
  }

  /** Draws the strongest edges the slider keeps; nothing else is redrawn, so the slider stays live. */
  private drawEdges(): void {
    const view = this.view;
    const layout = this.layout;
    const scale = this.scale;
    if (!view || !layout || !scale || !this.svg) return;
    const keep = this.filter?.keep ?? this.candidates.length;
    this.edges = this.source === 'routes' ? strongest(this.candidates, keep) : pruneTraced(this.candidates, view.layers, view.target, keep);
    // Thin strokes and some transparency where many edges cross in little room.
    const maxStroke = Math.max(1.5, Math.min(5, layout.spacing * 0.3));
    const opacity = Math.min(0.9, Math.max(0.35, 150 / Math.max(1, this.edges.length)));
    this.svg.select('g.edges')
      .selectAll<SVGLineElement, LayerEdge>('line')
      .data(this.edges, (e) => edgeKey(e))
      .join('line')
      .attr('class', 'edge')
      .attr('data-edge', (e) => edgeKey(e))
      .attr('data-layer', (e) => e.layer)
      .attr('x1', (e) => layout.x(e.from)).attr('y1', (e) => layout.y(e.layer))
      .attr('x2', (e) => layout.x(e.to)).attr('y2', (e) => layout.y(e.layer - 1))
      .attr('stroke-width', (e) => 0.4 + maxStroke * strengthOf(e.weight, scale.range))
      .style('stroke', (e) => scale.color(e.weight))
      .style('stroke-opacity', String(opacity));
    this.filter?.showDrawn(this.edges.length);
    // Only the edges changed: fade those above the player's layer, not every node again.
    if (this.player) this.showUpTo(this.player.layer, 'line.edge');
    this.select(this.selected);
  }

  private legend(): FigureLegend {
    const range = this.scale?.range ?? { min: 0, max: 1 };
    return { kind: 'ramp', label: this.source === 'routes' ? 'route contribution' : 'attention', min: range.min, max: range.max, colors: this.scale?.ramp() ?? [] };
  }

  /** Layers above `layer` fade out; the target is revealed with the last layer. */
  private showUpTo(layer: number, which = '[data-layer]'): void {
    this.svg?.selectAll<SVGElement, unknown>(which)
      .classed('future', function () { return Number((this as SVGElement).getAttribute('data-layer')) > layer; });
  }

  select(index: number | null): void {
    const changed = index !== this.selected;
    this.selected = index;
    if (!this.svg || !this.view) return;
    if (changed) this.placeLabels();
    markSelected(this.root, index);
    highlightPaths(this.svg.selectAll<SVGElement, LayerEdge>('line.edge'), this.edges, this.view.layers, index);
  }

  exportSvg(): string {
    const node = this.svg?.node();
    if (!node || !this.view) throw new Error('nothing to export yet');
    const extra = [`Edges: the ${this.edges.length.toLocaleString('en')} strongest of ${this.candidates.length.toLocaleString('en')} on paths to the target${this.player && this.player.layer < this.view.layers ? `; layers shown up to ${this.player.layer}` : ''}`];
    return figureSvg(standaloneSvg(node), figureCaption(this.view, viewSpecs.flowTrace.title, extra), [this.legend()]);
  }

  dispose(): void { this.player?.dispose(); this.resize?.disconnect(); this.root.replaceChildren(); }
}
