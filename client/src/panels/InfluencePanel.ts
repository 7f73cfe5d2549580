// The Influence panel: a bar chart of the token scores of the chosen method, with each method's faithfulness ρ beside it.
// The drawing lives in the webview bundle (webview/views/InfluenceView.ts).
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from './AnalysisPanel';

export class InfluencePanel extends AnalysisPanel {
  static readonly kind = 'influence';

  constructor(services: PanelServices, column: vscode.ViewColumn) {
    super(InfluencePanel.kind, 'Influence', services, column);
  }
}
