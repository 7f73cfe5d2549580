// One webview panel of any view kind (shared/viewSpecs.ts names them; the webview bundle draws them):
// the webview (scripts on, resources limited to the bundle), the message handling with the host,
// token selection in both directions, and exporting the drawing. It knows nothing of how analyses
// are made or kept: the host hands it the PanelServices below (host/Panels.ts adapts the session).
import * as vscode from 'vscode';
import type { AnalysisView } from '../shared/analysisView';
import { parseViewMessage, type ExportFormat, type HostToViewMessage, type LayerAttention, type ViewToHostMessage } from '../shared/messages';
import { viewSpecs, type ViewKind } from '../shared/viewSpecs';
import { panelHtml } from './panelHtml';

/** What a panel needs from the rest of the extension: the analysis on screen and its selection,
 * both directions, and per-head attention on request. */
export interface PanelServices {
  extensionUri: vscode.Uri;
  /** The analysis on screen and the selected token, if there is an analysis. */
  current(): { view: AnalysisView; selected: number | null } | undefined;
  onDidChangeAnalysis(listener: (view: AnalysisView) => void): vscode.Disposable;
  /** A token selected anywhere; `source` names who selected it (a view kind, or the editor). */
  onDidSelectToken(listener: (index: number | null, source: string) => void): vscode.Disposable;
  selectToken(index: number | null, source: string): void;
  /** Per-head attention of a layer of the current analysis, from the server. */
  layerAttention(layer: number): Promise<LayerAttention>;
  onDidBecomeActive(panel: AnalysisPanel): void;
  onDidDispose(panel: AnalysisPanel): void;
}

interface PendingExport { resolve: (data: string) => void; reject: (e: Error) => void }

export class AnalysisPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pendingExports = new Map<number, PendingExport>();
  private nextExportId = 1;
  private ready = false;

  readonly title: string;

  constructor(readonly kind: ViewKind, private readonly services: PanelServices, column: vscode.ViewColumn) {
    const title = viewSpecs[kind].title;
    this.title = title;
    const bundleRoot = vscode.Uri.joinPath(services.extensionUri, 'dist', 'client');
    this.panel = vscode.window.createWebviewPanel(`attentionLens.${kind}`, title, { viewColumn: column, preserveFocus: true }, {
      enableScripts: true,
      // Keeps the player position, the chosen head and the force layout when the tab is hidden;
      // the panels are few and small, so the memory is worth it.
      retainContextWhenHidden: true,
      localResourceRoots: [bundleRoot],
    });
    this.panel.webview.html = panelHtml(this.panel.webview, bundleRoot, kind, title);
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((raw) => { const m = parseViewMessage(raw); if (m) void this.onMessage(m); }),
      this.panel.onDidChangeViewState((e) => { if (e.webviewPanel.active) services.onDidBecomeActive(this); }),
      this.panel.onDidDispose(() => this.dispose()),
      services.onDidChangeAnalysis((view) => this.post({ type: 'analysis', view })),
      services.onDidSelectToken((index, source) => { if (source !== this.kind) this.post({ type: 'selectToken', index }); }),
    );
  }

  /** The editor group the panel is in, so the next panel can join it. */
  get column(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private post(message: HostToViewMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: ViewToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const current = this.services.current();
        if (current) {
          this.post({ type: 'analysis', view: current.view });
          this.post({ type: 'selectToken', index: current.selected });
        }
        return;
      }
      case 'tokenSelected':
        this.services.selectToken(message.index, this.kind);
        return;
      case 'requestAttention':
        try {
          this.post({ type: 'attention', attention: await this.services.layerAttention(message.layer) });
        } catch (e) {
          this.post({ type: 'attentionError', layer: message.layer, message: e instanceof Error ? e.message : String(e) });
        }
        return;
      case 'exported':
        this.pendingExports.get(message.requestId)?.resolve(message.data);
        this.pendingExports.delete(message.requestId);
        return;
      case 'exportFailed':
        this.pendingExports.get(message.requestId)?.reject(new Error(message.message));
        this.pendingExports.delete(message.requestId);
        return;
    }
  }

  /** Asks the view for its drawing: SVG text, or a PNG as a data: URL. */
  exportView(format: ExportFormat): Promise<string> {
    const requestId = this.nextExportId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { this.pendingExports.delete(requestId); reject(new Error(`${this.title} did not answer the export request.`)); }, 15000);
      this.pendingExports.set(requestId, {
        resolve: (d) => { clearTimeout(timer); resolve(d); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.post({ type: 'export', format, requestId });
    });
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    for (const p of this.pendingExports.values()) p.reject(new Error(`${this.title} was closed.`));
    this.pendingExports.clear();
    this.services.onDidDispose(this);
    this.panel.dispose();
  }
}
