// Heads: a layer × head grid of small attention heatmaps (BertViz's model view), and for the head
// clicked a full heatmap with the tokens on both axes and the value under the pointer (its head view).
// Attention is fetched from the server one layer at a time, because all of it is L·H·T² numbers.
import * as d3 from 'd3';
import type { AnalysisView } from '../../shared/analysisView';
import { mix, type Rgb } from '../../shared/colorScale';
import { headRows } from '../../shared/heads';
import type { LayerAttention } from '../../shared/messages';
import { displayToken, escapeXml } from '../../shared/tokenText';
import { figureCaption } from '../../shared/figureCaption';
import { viewSpecs } from '../../shared/viewSpecs';
import type { PanelView } from '../PanelView';
import { figureSvg } from '../exportFigure';
import { themeColor } from '../theme';
import { makeTokensInteractive, markSelected, tokenChooser } from '../tokens';
import type { PanelHost } from '../PanelHost';

/** Largest and smallest thumbnail side; the grid fits the panel's width between the two. */
const maxThumb = 72;
const minThumb = 28;

export class HeadsView implements PanelView {
  private view: AnalysisView | undefined;
  private readonly layers = new Map<number, LayerAttention>();
  private grid: d3.Selection<HTMLDivElement, unknown, null, undefined> | undefined;
  private detail: d3.Selection<HTMLDivElement, unknown, null, undefined> | undefined;
  private shown: { layer: number; head: number } | undefined;
  private selected: number | null = null;
  private thumb = maxThumb;

  private readonly choose: (index: number | null) => void;

  constructor(private readonly root: HTMLElement, private readonly host: PanelHost) {
    this.choose = tokenChooser(host, (i) => this.select(i));
  }

  render(view: AnalysisView): void {
    // A new analysis starts with nothing selected; the host sends the selection after it.
    this.selected = null;
    this.view = view;
    this.layers.clear();
    this.shown = undefined;
    this.root.replaceChildren();
    const root = d3.select(this.root);
    const header = root.append('header');
    header.append('h1').text(`${viewSpecs.heads.title} — ${view.model}`);
    if (view.prediction) header.append('p').attr('class', 'prediction').text(view.prediction.text);
    header.append('p').attr('class', 'hint').text(`${view.layers} layers × ${view.heads} heads; row = query, column = key. Click a head (or press Enter) for its full heatmap.`);
    this.thumb = Math.max(minThumb, Math.min(maxThumb, Math.floor((this.root.clientWidth - 48) / Math.max(1, view.heads)) - 6));
    const thumb = this.thumb;
    const layout = root.append('div').attr('class', 'heads-layout');
    this.grid = layout.append('div').attr('class', 'head-grid').style('grid-template-columns', `auto repeat(${view.heads}, ${thumb + 6}px)`);
    this.grid.append('span');
    for (let h = 0; h < view.heads; h++) this.grid.append('span').attr('class', 'axis').text(`H${h}`);
    for (let l = 1; l <= view.layers; l++) {
      this.grid.append('span').attr('class', 'axis').text(`L${l}`);
      for (let h = 0; h < view.heads; h++) {
        this.grid.append('canvas').attr('class', 'thumb loading').attr('data-head', `${l}:${h}`)
          .attr('width', thumb).attr('height', thumb).attr('tabindex', 0).attr('role', 'button')
          .attr('aria-label', `Layer ${l}, head ${h}`)
          .on('click', () => this.showHead(l, h))
          .on('keydown', (event: KeyboardEvent) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); this.showHead(l, h); } });
      }
    }
    this.detail = layout.append('div').attr('class', 'head-detail');
    this.detail.append('p').attr('class', 'hint').text('No head chosen.');
    for (let l = 1; l <= view.layers; l++) this.host.send({ type: 'requestAttention', layer: l });
  }

  private colors(): { low: Rgb; high: Rgb } {
    return { low: themeColor('--vscode-editor-background', [30, 30, 30]), high: themeColor('--vscode-charts-blue', [55, 148, 255]) };
  }

  /**
   * Paints rows × cols values into a canvas, each head scaled by its own maximum. Pixels are written
   * once at token resolution and scaled by drawImage: 40 heads of 512² cells stay fast that way.
   */
  private paint(canvas: HTMLCanvasElement, rows: number[][], cell: number): void {
    const ctx = canvas.getContext('2d');
    const n = rows.length;
    if (!ctx || n === 0) return;
    const { low, high } = this.colors();
    const max = d3.max(rows, (r) => d3.max(r)) ?? 1;
    const image = new ImageData(n, n);
    rows.forEach((row, i) => row.forEach((v, j) => {
      const [r, g, b] = mix(low, high, max > 0 ? v / max : 0);
      const o = (i * n + j) * 4;
      image.data[o] = r; image.data[o + 1] = g; image.data[o + 2] = b; image.data[o + 3] = 255;
    }));
    const source = document.createElement('canvas');
    source.width = n;
    source.height = n;
    source.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, 0, 0, n * cell, n * cell);
  }

  attention(a: LayerAttention): void {
    if (!this.view || !this.grid) return;
    this.layers.set(a.layer, a);
    for (let h = 0; h < a.heads; h++) {
      const canvas = this.grid.select<HTMLCanvasElement>(`canvas[data-head="${a.layer}:${h}"]`).classed('loading', false).node();
      if (canvas) this.paint(canvas, headRows(a.data, h, a.tokens), this.thumb / Math.max(1, a.tokens));
    }
    if (this.shown?.layer === a.layer) this.showHead(this.shown.layer, this.shown.head);
  }

  attentionError(layer: number, message: string): void {
    this.grid?.selectAll(`canvas[data-head^="${layer}:"]`).classed('loading', false).classed('failed', true).attr('title', message);
  }

  private showHead(layer: number, head: number): void {
    const view = this.view;
    const detail = this.detail;
    if (!view || !detail) return;
    this.shown = { layer, head };
    detail.selectAll('*').remove();
    detail.append('h2').text(`Layer ${layer}, head ${head}`);
    const a = this.layers.get(layer);
    if (!a) { detail.append('p').attr('class', 'hint').text('Loading…'); return; }
    const rows = headRows(a.data, head, a.tokens);
    const cell = Math.max(4, Math.min(22, Math.floor(480 / Math.max(1, a.tokens))));
    const wrap = detail.append('div').attr('class', 'heatmap');
    const rowLabels = wrap.append('div').attr('class', 'row-labels').style('grid-auto-rows', `${cell}px`);
    const labels = rowLabels.selectAll<HTMLSpanElement, number>('span').data(view.tokens.map((t) => t.index)).join('span')
      .style('height', `${cell}px`).style('font-size', `${Math.min(12, cell)}px`)
      .text((i) => displayToken(view.tokens[i]?.text ?? '', 12));
    makeTokensInteractive(labels, (i) => `Query token ${i}: ${view.tokens[i]?.text ?? ''}`, this.choose);
    const canvas = wrap.append('canvas').attr('width', cell * a.tokens).attr('height', cell * a.tokens).attr('class', 'full').node() as HTMLCanvasElement;
    this.paint(canvas, rows, cell);
    const tip = detail.append('p').attr('class', 'tooltip').attr('aria-live', 'polite').text('Point at a cell to read its value.');
    d3.select(canvas).on('mousemove', (event: MouseEvent) => {
      const i = Math.floor(event.offsetY / cell);
      const j = Math.floor(event.offsetX / cell);
      const v = rows[i]?.[j];
      if (v === undefined) return;
      tip.text(`${displayToken(view.tokens[i]?.text ?? '', 20)} → ${displayToken(view.tokens[j]?.text ?? '', 20)}: ${v.toFixed(4)}`);
    });
    this.select(this.selected);
  }

  select(index: number | null): void {
    this.selected = index;
    markSelected(this.root, index);
  }

  /** The grid as an SVG of embedded PNG thumbnails, with layer and head labels. */
  exportSvg(): string {
    const view = this.view;
    if (!view || !this.grid) throw new Error('nothing to export yet');
    const pad = 30;
    const thumb = this.thumb;
    const parts: string[] = [];
    const { low } = this.colors();
    const width = pad + view.heads * (thumb + 6);
    const height = pad + view.layers * (thumb + 6);
    parts.push(`<rect width="${width}" height="${height}" fill="rgb(${low.join(',')})"/>`);
    this.grid.selectAll<HTMLCanvasElement, unknown>('canvas.thumb').each(function () {
      const [l, h] = (this.getAttribute('data-head') ?? '0:0').split(':').map(Number) as [number, number];
      parts.push(`<image x="${pad + h * (thumb + 6)}" y="${pad + (l - 1) * (thumb + 6)}" width="${thumb}" height="${thumb}" href="${escapeXml(this.toDataURL('image/png'))}"/>`);
    });
    const ink = themeColor('--vscode-foreground', [204, 204, 204]).join(',');
    for (let h = 0; h < view.heads; h++) parts.push(`<text x="${pad + h * (thumb + 6) + thumb / 2}" y="18" text-anchor="middle" font-size="11" fill="rgb(${ink})">H${h}</text>`);
    for (let l = 1; l <= view.layers; l++) parts.push(`<text x="4" y="${pad + (l - 1) * (thumb + 6) + thumb / 2}" font-size="11" fill="rgb(${ink})">L${l}</text>`);
    const grid = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
    const { high } = this.colors();
    const ramp = Array.from({ length: 9 }, (_, i) => `rgb(${mix(low, high, i / 8).join(',')})`);
    return figureSvg(grid, figureCaption(view, viewSpecs.heads.title, [`${view.layers} layers × ${view.heads} heads; row = query, column = key; each heatmap scaled to its largest weight`]),
      [{ kind: 'ramp', label: 'attention, per head', min: 0, max: 1, colors: ramp }]);
  }

  dispose(): void { this.root.replaceChildren(); }
}
