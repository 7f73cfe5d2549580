// The Heads panel: a layer × head grid of small attention heatmaps; clicking one opens its full heatmap with values on hover (BertViz's model and head views).
// The drawing lives in the webview bundle (webview/views/HeadsView.ts).
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from './AnalysisPanel';

export class HeadsPanel extends AnalysisPanel {
  static readonly kind = 'heads';

  constructor(services: PanelServices, column: vscode.ViewColumn) {
    super(HeadsPanel.kind, 'Heads', services, column);
  }
}
