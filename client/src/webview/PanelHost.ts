// What a view may ask of whatever shows it: the extension host inside a VS Code webview
// (hostBridge.ts), or the page itself in the standalone HTML report (../report/ReportHost.ts).
// Views get it in their constructor and never touch `acquireVsCodeApi`, so the same drawing code
// runs in both places.
import type { ViewToHostMessage } from '../shared/messages';

export interface PanelHost {
  send(message: ViewToHostMessage): void;
}
