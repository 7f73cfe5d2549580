// Token Rings (after DeRose, Wang & Berger 2020, "Attention Flows"): the target token at the centre,
// one ring per layer going outward down to the input tokens on the outermost ring, and the traced
// edges of §6 between consecutive rings. Clicking an input token highlights every path it feeds.
// In a comparison the edges are coloured shared / only A / only B, with a legend.
import * as d3 from 'd3';
import type { AnalysisView, LayerEdge, EdgeClass } from '../../shared/analysisView';
import { edgeClasses } from '../../shared/analysisView';
import { edgeClassColorVariable, edgeClassLabel, normalise } from '../../shared/colorScale';
import { edgeKey, ringPosition, ringRadius, tracedFromTarget } from '../../shared/graph';
import { displayToken } from '../../shared/tokenText';
import type { PanelView } from '../PanelView';
import { standaloneSvg } from '../exportSvg';
import { cssVar } from '../theme';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';
import { highlightPaths } from '../pathHighlight';

type DrawnEdge = LayerEdge & { edgeClass?: EdgeClass };

const size = 640;
const inner = 60;
const outer = 240;

export class TokenRingsView implements PanelView {
  private svg: d3.Selection<SVGSVGElement, unknown, null, undefined> | undefined;
  private view: AnalysisView | undefined;
  private edges: DrawnEdge[] = [];

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    this.view = view;
    this.root.replaceChildren();
    const header = d3.select(this.root).append('header');
    header.append('h1').text(view.comparison ? `Token Rings — ${view.comparison.modelA} vs ${view.comparison.modelB}` : `Token Rings — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint')
      .text(`Target “${displayToken(view.tokens[view.target]?.text ?? '', 24)}” at the centre; ${view.layers} layer rings out to the ${view.tokens.length} input tokens. Click or press Enter on a token to trace its paths.`);

    const comparison = view.comparison;
    if (comparison) this.legend(comparison.modelA, comparison.modelB, comparison.sameTokenization ? null : comparison.reason);
    const all: DrawnEdge[] = comparison ? comparison.edges : view.edges;
    this.edges = tracedFromTarget(all, view.layers, view.target);

    // Long inputs trace hundreds of edges: thinner, fainter strokes keep the rings readable.
    const density = Math.min(1, 150 / Math.max(1, this.edges.length));
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

    svg.append('g').attr('class', 'edges')
      .selectAll('path')
      .data(this.edges)
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
      .style('stroke', (e) => (e.edgeClass ? cssVar(edgeClassColorVariable[e.edgeClass]) : null))
      .attr('stroke-width', (e) => 0.4 + 3.4 * e.weight * density)
      .style('stroke-opacity', String(Math.min(0.75, Math.max(0.2, 0.75 * density))));

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
  }

  private legend(modelA: string, modelB: string, problem: string | null): void {
    const legend = d3.select(this.root).append('div').attr('class', 'legend').attr('role', 'list');
    for (const c of edgeClasses) {
      const item = legend.append('span').attr('class', `legend-item legend-${c}`).attr('data-edge-class', c).attr('role', 'listitem');
      item.append('span').attr('class', 'swatch').style('background', cssVar(edgeClassColorVariable[c]));
      item.append('span').text(edgeClassLabel(c, modelA, modelB));
    }
    if (problem) legend.append('p').attr('class', 'warning').text(`Edges cannot be compared: ${problem}`);
  }

  select(index: number | null): void {
    if (!this.svg || !this.view) return;
    markSelected(this.root, index);
    highlightPaths(this.svg.selectAll<SVGElement, DrawnEdge>('path.edge'), this.edges, this.view.layers, index);
  }

  exportSvg(): string {
    const node = this.svg?.node();
    if (!node) throw new Error('nothing to export yet');
    return standaloneSvg(node);
  }

  dispose(): void { this.root.replaceChildren(); }
}
