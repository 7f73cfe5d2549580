// Keeps at most one panel of each kind, opens them beside the editor, and remembers the panel used
// last so that "Export View" knows what to export.
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from '../panels/AnalysisPanel';
import { FlowTracePanel } from '../panels/FlowTracePanel';
import { HeadsPanel } from '../panels/HeadsPanel';
import { InfluencePanel } from '../panels/InfluencePanel';
import { LayerGraphPanel } from '../panels/LayerGraphPanel';
import { TokenRingsPanel } from '../panels/TokenRingsPanel';
import type { ViewKind, LayerAttention } from '../shared/messages';
import type { AnalysisSession } from './AnalysisSession';

const factories: Record<ViewKind, (services: PanelServices, column: vscode.ViewColumn) => AnalysisPanel> = {
  tokenRings: (s, c) => new TokenRingsPanel(s, c),
  flowTrace: (s, c) => new FlowTracePanel(s, c),
  heads: (s, c) => new HeadsPanel(s, c),
  layerGraph: (s, c) => new LayerGraphPanel(s, c),
  influence: (s, c) => new InfluencePanel(s, c),
};

export class Panels implements vscode.Disposable {
  private readonly open = new Map<ViewKind, AnalysisPanel>();
  private last: AnalysisPanel | undefined;
  private readonly services: PanelServices;

  constructor(extensionUri: vscode.Uri, session: AnalysisSession, layerAttention: (layer: number) => Promise<LayerAttention>) {
    this.services = {
      extensionUri,
      session,
      layerAttention,
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
      panel = factories[kind](this.services, column);
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
