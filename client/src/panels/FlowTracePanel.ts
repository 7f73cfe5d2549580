// The Flow Trace panel: input tokens at the bottom, layers upward, the target at the top; edge width is attention, and a player steps through the layers.
// The drawing lives in the webview bundle (webview/views/FlowTraceView.ts).
import * as vscode from 'vscode';
import { AnalysisPanel, type PanelServices } from './AnalysisPanel';

export class FlowTracePanel extends AnalysisPanel {
  static readonly kind = 'flowTrace';

  constructor(services: PanelServices, column: vscode.ViewColumn) {
    super(FlowTracePanel.kind, 'Flow Trace', services, column);
  }
}
