// Keeps at most one panel of each kind, opens them beside the editor, and remembers the panel used
// last so that "Export View" knows what to export. Panels are generic (panels/AnalysisPanel.ts, one
// class for every kind of the view registry); this file adapts the session to what they need.
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from '../panels/AnalysisPanel';
import type { ViewKind } from '../shared/viewSpecs';
import type { AnalysisSession } from './AnalysisSession';
import type { SessionAttention } from './SessionAttention';

export class Panels implements vscode.Disposable {
  private readonly open = new Map<ViewKind, AnalysisPanel>();
  private last: AnalysisPanel | undefined;
  private readonly services: PanelServices;

  constructor(extensionUri: vscode.Uri, session: AnalysisSession, attention: SessionAttention) {
    this.services = {
      extensionUri,
      current: () => (session.current ? { view: session.current.view, selected: session.selectedToken } : undefined),
      onDidChangeAnalysis: (listener) => session.onDidChangeAnalysis((a) => listener(a.view)),
      onDidSelectToken: (listener) => session.onDidSelectToken((s) => listener(s.index, s.source)),
      selectToken: (index, source) => session.selectToken(index, source),
      layerAttention: (layer) => attention.layer(layer),
      onDidBecomeActive: (p) => { this.last = p; },
      onDidDispose: (p) => {
        if (this.open.get(p.kind) === p) this.open.delete(p.kind);
        if (this.last === p) this.last = undefined;
      },
    };
  }

  show(kind: ViewKind): AnalysisPanel {
    let panel = this.open.get(kind);
    if (panel) panel.reveal();
    else {
      // All panels share one group beside the editor instead of splitting the window again and again.
      const column = [...this.open.values()].map((p) => p.column).find((c) => c !== undefined) ?? vscode.ViewColumn.Beside;
      panel = new AnalysisPanel(kind, this.services, column);
      this.open.set(kind, panel);
    }
    this.last = panel;
    return panel;
  }

  /** The panel to export: the one used last, else any open one. */
  exportTarget(): AnalysisPanel | undefined {
    return this.last ?? this.open.values().next().value;
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }
}
