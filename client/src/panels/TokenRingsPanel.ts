// The Token Rings panel: the target at the centre, one ring per layer out to the input tokens, and the traced edges between rings (after DeRose et al. 2020); in a comparison, edges coloured by which model traces them.
// The drawing lives in the webview bundle (webview/views/TokenRingsView.ts).
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from './AnalysisPanel';

export class TokenRingsPanel extends AnalysisPanel {
  static readonly kind = 'tokenRings';

  constructor(services: PanelServices, column: vscode.ViewColumn) {
    super(TokenRingsPanel.kind, 'Token Rings', services, column);
  }
}
