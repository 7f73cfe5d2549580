// An exported figure: the drawing's standalone SVG (exportSvg.ts) under a caption that names the
// view, model, explained prediction, text and target (shared/figureCaption.ts), with its legends
// drawn below it in SVG, so that the picture explains itself outside the editor. Text goes in through
// the DOM (textContent) and out through XMLSerializer, which escapes it; the drawing, already
// serialized by the same means, is spliced in as text (nothing is parsed back: no XML or HTML parser, which
// the panels' sources never use, client/test/escaping.test.ts).
import { rgba } from '../shared/colorScale';
import type { FigureCaption } from '../shared/figureCaption';
import { legendNumber, type FigureLegend } from './FigureLegend';
import { themeColor } from './theme';

const svgNs = 'http://www.w3.org/2000/svg';
/** Average advance of a character at the caption's font sizes, to cut lines that would overflow. */
const charWidth = 6.4;
const minWidth = 360;

/** A size attribute of the drawing's root <svg> tag; its view box's when absent. */
function size(drawing: string, attribute: 'width' | 'height', viewBoxIndex: number): number {
  const open = /^<svg\b[^>]*>/.exec(drawing)?.[0] ?? '';
  const value = parseFloat(new RegExp(`\\s${attribute}="([\\d.]+)"`).exec(open)?.[1] ?? '');
  if (Number.isFinite(value) && value > 0) return value;
  const box = (/\sviewBox="([^"]*)"/.exec(open)?.[1] ?? '').split(/[\s,]+/).map(Number)[viewBoxIndex];
  return box !== undefined && Number.isFinite(box) && box > 0 ? box : 400;
}

function fit(text: string, width: number, perChar: number): string {
  const max = Math.max(8, Math.floor(width / perChar));
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function figureSvg(drawing: string, caption: FigureCaption, legends: readonly FigureLegend[]): string {
  if (!drawing.startsWith('<svg')) throw new Error('the drawing is not an SVG document');
  const drawingWidth = size(drawing, 'width', 2);
  const drawingHeight = size(drawing, 'height', 3);
  const width = Math.max(minWidth, Math.ceil(drawingWidth));
  const ink = rgba(themeColor('--vscode-foreground', [204, 204, 204]), 1);
  const faint = rgba(themeColor('--vscode-descriptionForeground', [157, 157, 157]), 1);
  const paper = rgba(themeColor('--vscode-editor-background', [30, 30, 30]), 1);
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';

  const doc = document.implementation.createDocument(svgNs, 'svg', null);
  const root = doc.documentElement;
  const el = (name: string, attributes: Record<string, string | number>, parent: Element = root): Element => {
    const e = doc.createElementNS(svgNs, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    parent.append(e);
    return e;
  };
  const text = (content: string, attributes: Record<string, string | number>, parent?: Element): Element => {
    const t = el('text', { 'font-family': font, fill: ink, ...attributes }, parent);
    t.textContent = content;
    return t;
  };

  const background = el('rect', { x: 0, y: 0, width, height: 0, fill: paper });
  let y = 22;
  text(fit(caption.title, width - 16, charWidth * 1.2), { x: 8, y, 'font-size': 14, 'font-weight': 600 });
  for (const line of caption.lines) {
    y += 17;
    text(fit(line, width - 16, charWidth), { x: 8, y, 'font-size': 11.5, fill: faint });
  }
  y += 12;

  // A placeholder replaced by the drawing's text after serializing (an element, not a comment: the
  // report's server tests refuse any comment opener in the page, bundle included).
  el('g', { 'data-slot': 'drawing' });
  const placed = `<svg x="${Math.max(0, (width - drawingWidth) / 2)}" y="${y}"${drawing.slice('<svg'.length)}`;
  y += drawingHeight + 8;

  for (const legend of legends) {
    y += 16;
    if (legend.kind === 'ramp') {
      const label = `${legend.label}: ${legendNumber(legend.min)}`;
      text(label, { x: 8, y, 'font-size': 11 });
      let x = 8 + label.length * charWidth + 6;
      for (const color of legend.colors) { el('rect', { x, y: y - 9, width: 14, height: 10, fill: color }); x += 14; }
      text(legendNumber(legend.max), { x: x + 6, y, 'font-size': 11 });
    } else {
      text(`${legend.label}:`, { x: 8, y, 'font-size': 11 });
      let x = 8 + (legend.label.length + 2) * charWidth;
      for (const item of legend.items) {
        const advance = 26 + item.label.length * charWidth + 12;
        if (x + advance > width - 8) { y += 16; x = 24; }
        el('rect', { x, y: y - 6, width: 18, height: 4, rx: 2, fill: item.color });
        text(item.label, { x: x + 24, y, 'font-size': 11 });
        x += advance;
      }
    }
  }
  y += 12;
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(Math.ceil(y)));
  root.setAttribute('viewBox', `0 0 ${width} ${Math.ceil(y)}`);
  background.setAttribute('height', String(Math.ceil(y)));
  return new XMLSerializer().serializeToString(doc).replace(/<g data-slot="drawing"(\/>|><\/g>)/, () => placed);
}
