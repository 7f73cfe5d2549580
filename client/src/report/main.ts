// Entry point of the report bundle (client/build.mjs → server/Report/Assets/report.js, inlined by
// server/Report/HtmlReport.cs into every standalone HTML report). For each `.lens` element the
// server wrote, it reads the embedded protocol JSON and mounts the same view classes the editor
// panels use: Token Rings, Flow Trace, Influence, Layer Graph and Heads for an analysis, Token Rings
// with shared / only-A / only-B edges for a comparison. It computes nothing of its own.
import '../webview/webview.css';
import './report.css';
import { viewRegistry } from '../webview/viewRegistry';
import type { ViewKind } from '../shared/viewSpecs';
import { readLens, type LensKind } from './lensData';
import { ReportHost } from './ReportHost';

const viewsOf: Record<LensKind, readonly ViewKind[]> = {
  analysis: ['tokenRings', 'flowTrace', 'influence', 'layerGraph', 'heads'],
  comparison: ['tokenRings'],
};

function mount(lens: HTMLElement): void {
  const data = readLens(lens);
  const host = new ReportHost(data.attention, data.attentionNote);
  for (const kind of viewsOf[data.kind]) {
    const root = document.createElement('div');
    root.className = `view view-${kind}`;
    root.dataset['view'] = kind;
    lens.append(root);
    host.add((h) => viewRegistry[kind].create(root, h)).render(data.view);
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

for (const lens of Array.from(document.querySelectorAll<HTMLElement>('.lens[data-lens]'))) {
  try {
    mount(lens);
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
