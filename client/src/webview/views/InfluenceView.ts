// Influence: one bar per input token for the chosen method's scores (any method the server ran:
// the panel knows none of them specially), and beside the chart the faithfulness of every method —
// Spearman ρ against leave-one-out occlusion and ERASER comprehensiveness/sufficiency AOPC
// (docs/methods.md#faithfulness) — so the reader can see how far to trust the bars. When the
// server ran the logit lens, its per-layer reading of the target follows.
import * as d3 from 'd3';
import type { AnalysisView, ScoreMethod } from '../../shared/analysisView';
import { methodLabel, methodsIn } from '../../shared/analysisView';
import { displayToken } from '../../shared/tokenText';
import type { PanelView } from '../PanelView';
import { figureCaption } from '../../shared/figureCaption';
import { viewSpecs } from '../../shared/viewSpecs';
import { figureSvg } from '../exportFigure';
import { standaloneSvg } from '../exportSvg';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';

const rowHeight = 20;
const labelWidth = 130;
const barWidth = 320;

export class InfluenceView implements PanelView {
  private svg: SVGSVGElement | null = null;
  private view: AnalysisView | undefined;
  private method: ScoreMethod = 'influence';
  private selected: number | null = null;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    this.selected = null;
    this.view = view;
    this.method = view.method;
    this.draw();
  }

  private draw(): void {
    const view = this.view;
    if (!view) return;
    this.root.replaceChildren();
    const root = d3.select(this.root);
    const header = root.append('header');
    header.append('h1').text(`${viewSpecs.influence.title} — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    const available = methodsIn(view.scores);
    const picker = header.append('label').attr('class', 'method-picker');
    picker.append('span').text('Method ');
    const select = picker.append('select').attr('aria-label', 'Method');
    select.selectAll('option').data(available).join('option')
      .attr('value', (m) => m).property('selected', (m) => m === this.method).text((m) => methodLabel(m));
    select.on('change', (event: Event) => { this.method = (event.target as HTMLSelectElement).value as ScoreMethod; this.draw(); });

    const layout = root.append('div').attr('class', 'influence-layout');
    const scores = view.scores[this.method] ?? [];
    const max = d3.max(scores, (s) => Math.abs(s)) ?? 0;
    const x = d3.scaleLinear().domain([0, max > 0 ? max : 1]).range([0, barWidth]);
    const height = view.tokens.length * rowHeight + 24;
    const svg = layout.append('svg').attr('class', 'bars').attr('viewBox', `0 0 ${labelWidth + barWidth + 70} ${height}`)
      .attr('width', labelWidth + barWidth + 70).attr('height', height).attr('role', 'img').attr('aria-label', `${methodLabel(this.method)} per token`);
    this.svg = svg.node();
    const rows = svg.selectAll<SVGGElement, number>('g.row').data(view.tokens.map((t) => t.index)).join('g')
      .attr('class', (i) => `row${i === view.target ? ' target' : ''}${view.tokens[i]?.special ? ' special' : ''}`)
      .attr('transform', (i) => `translate(0,${i * rowHeight})`);
    rows.append('text').attr('class', 'bar-label').attr('x', labelWidth - 6).attr('y', rowHeight / 2).attr('text-anchor', 'end')
      .attr('dominant-baseline', 'middle').text((i) => displayToken(view.tokens[i]?.text ?? '', 16));
    rows.append('rect').attr('class', 'bar').attr('x', labelWidth).attr('y', 3).attr('height', rowHeight - 6)
      .attr('width', (i) => x(Math.abs(scores[i] ?? 0)));
    rows.append('text').attr('class', 'bar-value').attr('x', (i) => labelWidth + x(Math.abs(scores[i] ?? 0)) + 4).attr('y', rowHeight / 2)
      .attr('dominant-baseline', 'middle').text((i) => (scores[i] ?? 0).toFixed(3));
    makeTokensInteractive(rows, (i) => `Token ${i}: ${view.tokens[i]?.text ?? ''}, score ${(scores[i] ?? 0).toFixed(3)}`, this.choose);

    const side = layout.append('section').attr('class', 'faithfulness');
    side.append('h2').text('Faithfulness');
    if (view.faithfulnessTarget) side.append('p').attr('class', 'hint').text(`Occlusion target: ${view.faithfulnessTarget}`);
    const table = side.append('table');
    const methods = methodsIn(view.scores).filter((m) => m in view.faithfulness || m in view.comprehensiveness);
    if (methods.length === 0) side.append('p').attr('class', 'hint').text('Faithfulness was not computed for this analysis.');
    else {
      const head = table.append('tr');
      for (const h of ['method', 'ρ vs. occlusion', 'comprehensiveness ↑', 'sufficiency ↓']) head.append('th').attr('scope', 'col').text(h);
    }
    const tr = table.selectAll('tr.method').data(methods).join('tr').attr('class', 'method').classed('current', (m) => m === this.method);
    tr.append('th').attr('scope', 'row').text((m) => methodLabel(m));
    tr.append('td').text((m) => { const rho = view.faithfulness[m]; return rho === null || rho === undefined ? 'undefined' : `ρ = ${rho.toFixed(3)}`; });
    tr.append('td').text((m) => view.comprehensiveness[m]?.toFixed(3) ?? '—');
    tr.append('td').text((m) => view.sufficiency[m]?.toFixed(3) ?? '—');
    const missing = Object.entries(view.unavailable);
    if (missing.length > 0) {
      const list = side.append('ul').attr('class', 'hint unavailable');
      list.selectAll('li').data(missing).join('li').text(([m, why]) => `${methodLabel(m)}: ${why}`);
    }
    if (view.logitLens) this.drawLogitLens(side, view.logitLens);
    if (view.routes) this.drawRoutes(side, view.routes);
    this.select(this.selected);
  }

  /** One row per layer: the top tokens read through the unembedding and the probability of the final prediction. */
  private drawLogitLens(parent: d3.Selection<HTMLElement, unknown, null, undefined>, lens: NonNullable<AnalysisView['logitLens']>): void {
    parent.append('h2').text('Logit lens');
    parent.append('p').attr('class', 'hint').text(`Probability of the final prediction “${lens.predicted}” after each layer (0 = embeddings), and that layer's top tokens.`);
    const table = parent.append('table').attr('class', 'logit-lens');
    const head = table.append('tr');
    for (const h of ['layer', `p(${lens.predicted})`, 'top tokens']) head.append('th').attr('scope', 'col').text(h);
    const rows = table.selectAll('tr.layer').data(lens.layers).join('tr').attr('class', 'layer');
    rows.append('th').attr('scope', 'row').text((l) => String(l.layer));
    rows.append('td').text((l) => `${l.predictedProbability.toFixed(3)} (rank ${l.predictedRank + 1})`);
    rows.append('td').text((l) => l.top.map((t, i) => `${displayToken(t, 12)} ${(l.topProbabilities[i] ?? 0).toFixed(2)}`).join(', '));
  }

  /** The strongest route edges (Ferrando & Voita 2024) as a table; the graph is not drawn yet. */
  private drawRoutes(parent: d3.Selection<HTMLElement, unknown, null, undefined>, routes: NonNullable<AnalysisView['routes']>): void {
    parent.append('h2').text('Information-flow routes');
    parent.append('p').attr('class', 'hint').text(`${routes.edges.length} edges above τ = ${routes.threshold} lead to the target; the 15 strongest:`);
    const table = parent.append('table').attr('class', 'routes');
    const rows = table.selectAll('tr.edge').data(routes.edges.slice(0, 15)).join('tr').attr('class', 'edge');
    rows.append('td').text((e) => `${displayToken(e.from, 28)} → ${displayToken(e.to, 28)}`);
    rows.append('td').text((e) => e.weight.toFixed(3));
  }

  select(index: number | null): void {
    this.selected = index;
    markSelected(this.root, index);
  }

  exportSvg(): string {
    if (!this.svg || !this.view) throw new Error('nothing to export yet');
    const rho = this.view.faithfulness[this.method];
    const extra = [`Bars: ${methodLabel(this.method)}${rho !== undefined && rho !== null ? `; Spearman ρ against occlusion ${rho.toFixed(3)}` : ''}`];
    return figureSvg(standaloneSvg(this.svg), figureCaption(this.view, viewSpecs.influence.title, extra), []);
  }

  dispose(): void { this.root.replaceChildren(); }
}
