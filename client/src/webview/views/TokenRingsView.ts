// Token Rings (after DeRose, Wang & Berger 2020, "Attention Flows"): the target token at the centre,
// one ring per layer going outward down to the input tokens on the outermost ring, and the traced
// edges of §6 between consecutive rings. Clicking an input token highlights every path it feeds.
// Edge colour (viridis) and width are attention; in a comparison the edges are coloured shared /
// only A / only B, with a legend whose entries show or hide a class. The edge slider keeps the
// strongest edges still on a path from the target (shared/edgeStrength.ts), in both cases.
import * as d3 from 'd3';
import type { AnalysisView, LayerEdge, EdgeClass } from '../../shared/analysisView';
import { edgeClasses } from '../../shared/analysisView';
import { edgeClassColorVariable, edgeClassLabel, normalise, rgba } from '../../shared/colorScale';
import { pruneTraced, strengthOf, weightRange } from '../../shared/edgeStrength';
import { figureCaption } from '../../shared/figureCaption';
import { edgeKey, ringPosition, ringRadius, tracedFromTarget } from '../../shared/graph';
import { labelPriority, placeLabels } from '../../shared/labelPlacement';
import { displayToken } from '../../shared/tokenText';
import { viewSpecs } from '../../shared/viewSpecs';
import { EdgeFilter } from '../EdgeFilter';
import type { FigureLegend } from '../FigureLegend';
import type { PanelView } from '../PanelView';
import { StrengthScale } from '../StrengthScale';
import { figureSvg } from '../exportFigure';
import { standaloneSvg } from '../exportSvg';
import { cssVar, themeColor } from '../theme';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';
import { highlightPaths } from '../pathHighlight';

type DrawnEdge = LayerEdge & { edgeClass?: EdgeClass };

const size = 640;
const inner = 60;
const outer = 240;
/** Smallest distance along the label circle between two written labels, in view-box units (≈ px). */
const labelGap = 11;

export class TokenRingsView implements PanelView {
  private svg: d3.Selection<SVGSVGElement, unknown, null, undefined> | undefined;
  private view: AnalysisView | undefined;
  /** Every edge on a path from the target (of the classes shown), and those drawn after pruning. */
  private candidates: DrawnEdge[] = [];
  private edges: DrawnEdge[] = [];
  private filter: EdgeFilter | undefined;
  private scale: StrengthScale | undefined;
  private readonly hiddenClasses = new Set<EdgeClass>();
  private selected: number | null = null;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    if (view !== this.view) { this.selected = null; this.hiddenClasses.clear(); }
    this.view = view;
    this.root.replaceChildren();
    const header = d3.select(this.root).append('header');
    const title = viewSpecs.tokenRings.title;
    header.append('h1').text(view.comparison ? `${title} — ${view.comparison.modelA} vs ${view.comparison.modelB}` : `${title} — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint')
      .text(`Target “${displayToken(view.tokens[view.target]?.text ?? '', 24)}” at the centre; ${view.layers} layer rings out to the ${view.tokens.length} input tokens. Click or press Enter on a token to trace its paths.`);

    const comparison = view.comparison;
    if (comparison) this.legend(comparison.modelA, comparison.modelB, comparison.sameTokenization ? null : comparison.reason);
    const all: DrawnEdge[] = comparison ? comparison.edges : view.edges;
    this.candidates = tracedFromTarget(all.filter((e) => !e.edgeClass || !this.hiddenClasses.has(e.edgeClass)), view.layers, view.target);
    this.scale = new StrengthScale(weightRange(this.candidates));
    this.filter = new EdgeFilter(this.root, () => this.drawEdges());
    this.filter.reset(this.candidates.length);
    this.filter.showLegend(comparison ? null : this.strengthLegend());

    const svg = d3.select(this.root).append('svg')
      .attr('class', 'rings')
      .attr('viewBox', `${-size / 2} ${-size / 2} ${size} ${size}`)
      .attr('role', 'img')
      .attr('aria-label', 'Token rings');
    this.svg = svg;
    const T = view.tokens.length;
    const L = view.layers;
    const node = (layer: number, index: number) => (layer >= L ? { x: 0, y: 0 } : ringPosition(index, T, ringRadius(layer, L, inner, outer)));

    const rings = svg.append('g').attr('class', 'ring-guides');
    for (let layer = 0; layer < L; layer++) {
      rings.append('circle').attr('r', ringRadius(layer, L, inner, outer)).attr('class', 'ring');
    }

    svg.append('g').attr('class', 'edges');
    this.node = node;

    const nodes: { layer: number; index: number }[] = [];
    for (let layer = 0; layer < L; layer++) for (let index = 0; index < T; index++) nodes.push({ layer, index });
    svg.append('g').attr('class', 'nodes')
      .selectAll('circle')
      .data(nodes)
      .join('circle')
      .attr('class', 'node')
      .attr('data-node', (n) => `${n.layer}:${n.index}`)
      .attr('cx', (n) => node(n.layer, n.index).x)
      .attr('cy', (n) => node(n.layer, n.index).y)
      .attr('r', Math.max(1.5, Math.min(4, 300 / Math.max(T, 1) / L)));

    svg.append('circle').attr('class', 'target-node').attr('r', 7);
    svg.append('text').attr('class', 'target-label').attr('y', 22).attr('text-anchor', 'middle')
      .text(displayToken(view.tokens[view.target]?.text ?? '', 14));

    const scores = normalise(view.scores[view.method] ?? []);
    const labelRadius = outer + 10;
    const labels = svg.append('g').attr('class', 'labels')
      .selectAll<SVGTextElement, number>('text')
      .data(view.tokens.map((t) => t.index))
      .join('text')
      .attr('class', (i) => `token-label${view.tokens[i]?.special ? ' special' : ''}`)
      .attr('transform', (i) => {
        const p = ringPosition(i, T, labelRadius);
        const degrees = (p.angle * 180) / Math.PI;
        const flip = Math.cos(p.angle) < 0;
        return `translate(${p.x},${p.y}) rotate(${flip ? degrees + 180 : degrees})`;
      })
      .attr('text-anchor', (i) => (Math.cos(ringPosition(i, T, 1).angle) < 0 ? 'end' : 'start'))
      .attr('dominant-baseline', 'middle')
      .style('fill-opacity', (i) => 0.55 + 0.45 * (scores[i] ?? 0))
      .text((i) => displayToken(view.tokens[i]?.text ?? '', 12));
    makeTokensInteractive(labels, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);
    this.drawEdges();
    this.placeLabels();
  }

  private node: ((layer: number, index: number) => { x: number; y: number }) | undefined;

  /** Draws the strongest edges the slider keeps; nothing else is redrawn, so the slider stays live. */
  private drawEdges(): void {
    const view = this.view;
    const node = this.node;
    const scale = this.scale;
    if (!view || !node || !scale || !this.svg) return;
    this.edges = pruneTraced(this.candidates, view.layers, view.target, this.filter?.keep ?? this.candidates.length);
    // Many edges: thinner, fainter strokes keep the rings readable.
    const density = Math.min(1, 150 / Math.max(1, this.edges.length));
    this.svg.select('g.edges')
      .selectAll<SVGPathElement, DrawnEdge>('path')
      .data(this.edges, (e) => `${edgeKey(e)}:${e.edgeClass ?? ''}`)
      .join('path')
      .attr('class', (e) => `edge${e.edgeClass ? ` edge-${e.edgeClass}` : ''}`)
      .attr('data-edge', (e) => edgeKey(e))
      .attr('d', (e) => {
        const a = node(e.layer, e.from);
        const b = node(e.layer - 1, e.to);
        // Bend toward the centre so edges of one layer stay between their two rings.
        const mx = (a.x + b.x) / 2 * 0.85;
        const my = (a.y + b.y) / 2 * 0.85;
        return `M${a.x},${a.y} Q${mx},${my} ${b.x},${b.y}`;
      })
      .style('stroke', (e) => (e.edgeClass ? cssVar(edgeClassColorVariable[e.edgeClass]) : scale.color(e.weight)))
      .attr('stroke-width', (e) => 0.4 + 3.4 * (0.25 + 0.75 * strengthOf(e.weight, scale.range)) * Math.max(density, 0.35))
      .style('stroke-opacity', String(Math.min(0.85, Math.max(0.3, 0.85 * density))));
    this.filter?.showDrawn(this.edges.length);
    this.select(this.selected);
  }

  /** Long inputs: the labels that fit around the circle, by importance (target, selection, score). */
  private placeLabels(): void {
    const view = this.view;
    if (!view || !this.svg) return;
    const T = view.tokens.length;
    const step = (2 * Math.PI * (outer + 10)) / Math.max(1, T);
    const shown = step < labelGap
      ? placeLabels(view.tokens.map((t) => t.index * step), labelPriority(view.scores[view.method] ?? [], T, [view.target, this.selected]), labelGap)
      : null;
    this.svg.selectAll<SVGTextElement, number>('text.token-label').classed('crowded', (i) => shown !== null && !shown.has(i));
  }

  private strengthLegend(): FigureLegend {
    const range = this.scale?.range ?? { min: 0, max: 1 };
    return { kind: 'ramp', label: 'attention', min: range.min, max: range.max, colors: this.scale?.ramp() ?? [] };
  }

  /** The comparison's legend; each entry shows or hides its class of edges (click, Enter or Space). */
  private legend(modelA: string, modelB: string, problem: string | null): void {
    const legend = d3.select(this.root).append('div').attr('class', 'legend').attr('role', 'list');
    for (const c of edgeClasses) {
      const toggle = () => {
        if (this.hiddenClasses.has(c)) this.hiddenClasses.delete(c); else this.hiddenClasses.add(c);
        if (this.view) this.render(this.view);
      };
      const item = legend.append('span').attr('class', `legend-item legend-${c}`).attr('data-edge-class', c).attr('role', 'button')
        .attr('tabindex', 0).attr('aria-pressed', String(!this.hiddenClasses.has(c))).classed('hidden', this.hiddenClasses.has(c))
        .attr('title', 'Show or hide these edges')
        .on('click', toggle)
        .on('keydown', (event: KeyboardEvent) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); } });
      item.append('span').attr('class', 'swatch').style('background', cssVar(edgeClassColorVariable[c]));
      item.append('span').text(edgeClassLabel(c, modelA, modelB));
    }
    if (problem) legend.append('p').attr('class', 'warning').text(`Edges cannot be compared: ${problem}`);
  }

  select(index: number | null): void {
    const changed = index !== this.selected;
    this.selected = index;
    if (!this.svg || !this.view) return;
    if (changed) this.placeLabels();
    markSelected(this.root, index);
    highlightPaths(this.svg.selectAll<SVGElement, DrawnEdge>('path.edge'), this.edges, this.view.layers, index);
  }

  exportSvg(): string {
    const node = this.svg?.node();
    const view = this.view;
    if (!node || !view) throw new Error('nothing to export yet');
    const comparison = view.comparison;
    const legends: FigureLegend[] = comparison
      ? [{ kind: 'classes', label: 'edges', items: edgeClasses.filter((c) => !this.hiddenClasses.has(c)).map((c) => ({
          label: edgeClassLabel(c, comparison.modelA, comparison.modelB), color: rgba(themeColor(edgeClassColorVariable[c], [128, 128, 128]), 1),
        })) }]
      : [this.strengthLegend()];
    const extra = [`Edges: the ${this.edges.length.toLocaleString('en')} strongest of ${this.candidates.length.toLocaleString('en')} on paths to the target`];
    return figureSvg(standaloneSvg(node), figureCaption(view, viewSpecs.tokenRings.title, extra), legends);
  }

  dispose(): void { this.root.replaceChildren(); }
}
