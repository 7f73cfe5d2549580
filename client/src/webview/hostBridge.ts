// The webview's side of the channel to the extension host. `acquireVsCodeApi` may be called only
// once per page and exists only inside VS Code webviews, so only the panel entry point (main.ts)
// imports this file; the views receive the resulting PanelHost.
import type { PanelHost } from './PanelHost';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

export function vscodeHost(): PanelHost {
  const api = acquireVsCodeApi();
  return { send: (message) => api.postMessage(message) };
}
