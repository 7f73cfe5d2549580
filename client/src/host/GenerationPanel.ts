// The Continue and Explain panel: one webview beside the editor listing the generated tokens
// (webview/generation.ts draws it). It shows a continuation without touching the document; its
// messages go to the handlers given at construction (explain a token, insert the text).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, nonceFrom } from '../shared/csp';
import { parseGenerationPanelMessage, type GenerationView, type HostToGenerationMessage } from '../shared/generation';

export interface GenerationPanelHandlers {
  explain(k: number): void;
  insert(): void;
}

export class GenerationPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private view: GenerationView | undefined;
  private explaining: number | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly handlers: GenerationPanelHandlers) {}

  show(view: GenerationView): void {
    this.view = view;
    this.explaining = null;
    if (!this.panel) this.create();
    else this.panel.reveal(undefined, true);
    this.post({ type: 'generation', view });
  }

  markExplaining(k: number | null): void {
    this.explaining = k;
    this.post({ type: 'explaining', k });
  }

  private create(): void {
    const bundleRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'client');
    const panel = vscode.window.createWebviewPanel('attentionLens.generation', 'Continue and Explain', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [bundleRoot],
    });
    this.panel = panel;
    this.ready = false;
    const webview = panel.webview;
    const nonce = nonceFrom(randomBytes(18));
    const script = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'generation.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'generation.css'));
    // No generated text goes into this markup: it arrives as a message and is written with textContent.
    webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>Continue and Explain</title>
</head>
<body data-view="generation">
<main id="root" aria-live="polite"><p class="empty">Generating…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw) => {
        const m = parseGenerationPanelMessage(raw);
        if (!m) return;
        if (m.type === 'ready') {
          this.ready = true;
          if (this.view) this.post({ type: 'generation', view: this.view });
          if (this.explaining !== null) this.post({ type: 'explaining', k: this.explaining });
        } else if (m.type === 'explain') this.handlers.explain(m.k);
        else this.handlers.insert();
      }),
      panel.onDidDispose(() => { this.panel = undefined; this.ready = false; for (const s of this.subscriptions.splice(0)) s.dispose(); }),
    );
  }

  private post(message: HostToGenerationMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
