// Influence: one bar per input token for the chosen method's scores, and beside the chart the
// faithfulness of every method — Spearman ρ between its scores and leave-one-out occlusion (§8) —
// so the reader can see how far to trust the bars. The method can be switched in the panel.
import * as d3 from 'd3';
import type { AnalysisView, ScoreMethod } from '../../shared/analysisView';
import { scoreMethodLabels, scoreMethods } from '../../shared/analysisView';
import { displayToken } from '../../shared/tokenText';
import type { PanelView } from '../PanelView';
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
    header.append('h1').text(`Influence — ${view.model}`);
    const available = scoreMethods.filter((m) => view.scores[m] !== undefined);
    const picker = header.append('label').attr('class', 'method-picker');
    picker.append('span').text('Method ');
    const select = picker.append('select').attr('aria-label', 'Method');
    select.selectAll('option').data(available).join('option')
      .attr('value', (m) => m).property('selected', (m) => m === this.method).text((m) => scoreMethodLabels[m]);
    select.on('change', (event: Event) => { this.method = (event.target as HTMLSelectElement).value as ScoreMethod; this.draw(); });

    const layout = root.append('div').attr('class', 'influence-layout');
    const scores = view.scores[this.method] ?? [];
    const max = d3.max(scores, (s) => Math.abs(s)) ?? 0;
    const x = d3.scaleLinear().domain([0, max > 0 ? max : 1]).range([0, barWidth]);
    const height = view.tokens.length * rowHeight + 24;
    const svg = layout.append('svg').attr('class', 'bars').attr('viewBox', `0 0 ${labelWidth + barWidth + 70} ${height}`)
      .attr('width', labelWidth + barWidth + 70).attr('height', height).attr('role', 'img').attr('aria-label', `${scoreMethodLabels[this.method]} per token`);
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
    side.append('h2').text('Faithfulness (Spearman ρ vs. occlusion)');
    if (view.faithfulnessTarget) side.append('p').attr('class', 'hint').text(`Occlusion target: ${view.faithfulnessTarget}`);
    const table = side.append('table');
    const methods = scoreMethods.filter((m) => m in view.faithfulness);
    if (methods.length === 0) side.append('p').attr('class', 'hint').text('Faithfulness was not computed for this analysis.');
    const tr = table.selectAll('tr').data(methods).join('tr').classed('current', (m) => m === this.method);
    tr.append('th').attr('scope', 'row').text((m) => scoreMethodLabels[m]);
    tr.append('td').text((m) => { const rho = view.faithfulness[m]; return rho === null || rho === undefined ? 'undefined' : `ρ = ${rho.toFixed(3)}`; });
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

  dispose(): void { this.root.replaceChildren(); }
}
