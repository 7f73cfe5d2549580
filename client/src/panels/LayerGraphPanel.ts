// The Layer Graph panel: one force-directed graph per layer, node size the value-weighted norm, edge width the attention, pruned to the strongest edges for long inputs.
// The drawing lives in the webview bundle (webview/views/LayerGraphView.ts).
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from './AnalysisPanel';

export class LayerGraphPanel extends AnalysisPanel {
  static readonly kind = 'layerGraph';

  constructor(services: PanelServices, column: vscode.ViewColumn) {
    super(LayerGraphPanel.kind, 'Layer Graph', services, column);
  }
}
