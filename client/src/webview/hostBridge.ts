// The webview's side of the channel to the extension host. `acquireVsCodeApi` may be called only
// once per page, so it lives here and everything else goes through `send`.
import type { ViewToHostMessage } from '../shared/messages';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: ViewToHostMessage): void {
  api.postMessage(message);
}
