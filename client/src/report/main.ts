// Entry point of the report bundle (client/build.mjs → server/Report/Assets/report.js, inlined by
// server/Report/HtmlReport.cs into every standalone HTML report). For each `.lens` element the
// server wrote, it reads the embedded protocol JSON and mounts the same view classes the editor
// panels use: Token Rings, Flow Trace, Influence, Layer Graph and Heads for an analysis, Token Rings
// with shared / only-A / only-B edges for a comparison. It computes nothing of its own.
import '../webview/webview.css';
import './report.css';
import { viewRegistry } from '../webview/viewRegistry';
import type { ViewKind } from '../shared/viewSpecs';
import { dataExportBar, drawingExportBar } from './ExportBar';
import { readLens, type LensKind } from './lensData';
import { ReportHost } from './ReportHost';

const viewsOf: Record<LensKind, readonly ViewKind[]> = {
  analysis: ['tokenRings', 'flowTrace', 'influence', 'layerGraph', 'heads'],
  comparison: ['tokenRings'],
};

/** Mounts the drawings of the `number`th analysis of the page (numbers name the exported files). */
function mount(lens: HTMLElement, number: number): void {
  const data = readLens(lens);
  const host = new ReportHost(data.attention, data.attentionNote);
  dataExportBar(lens, data.json, `attention-lens-${data.kind}-${number}.json`);
  for (const kind of viewsOf[data.kind]) {
    // The view draws into its own body; the export buttons sit outside it, so a redraw keeps them.
    const box = document.createElement('div');
    box.className = `view view-${kind}`;
    box.dataset['view'] = kind;
    lens.append(box);
    const root = document.createElement('div');
    root.className = 'view-body';
    const entry = viewRegistry[kind];
    const started = performance.now();
    const view = host.add((h) => entry.create(root, h));
    drawingExportBar(box, view, `attention-lens-${kind}-${number}`, entry.title);
    box.append(root);
    view.render(data.view);
    // Read by tests/e2e/reportPage.ts, which prints how long each drawing took.
    performance.measure(`attention-lens:render:${kind}:${number}`, { start: started });
    // The Heads view marks each thumbnail as failed with the reason as a tooltip, enough inside an
    // editor that can fetch it; a report cannot, so it says so in words where the grid would be.
    if (kind === 'heads' && data.attention === null) {
      const note = document.createElement('p');
      note.className = 'warning attention-note';
      note.textContent = data.attentionNote;
      root.querySelector('header')?.after(note);
    }
  }
}

for (const [i, lens] of Array.from(document.querySelectorAll<HTMLElement>('.lens[data-lens]')).entries()) {
  try {
    mount(lens, i + 1);
  } catch (e) {
    // One broken analysis must not blank the others; the error is also on the console for tests.
    const message = e instanceof Error ? e.message : String(e);
    const p = document.createElement('p');
    p.className = 'warning';
    p.textContent = `This analysis cannot be drawn: ${message}`;
    lens.append(p);
    console.error(e);
  }
}
