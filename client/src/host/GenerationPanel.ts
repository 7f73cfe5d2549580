// The Continue and Explain view: a webview view in the Explorer side bar listing the generated
// tokens (webview/generation.ts draws it). It sits outside the editor groups, so the analysis panels
// that open beside the editor when a token is clicked never cover it, and it shows a continuation
// without touching the document. Its messages go to the handlers given at construction (explain a
// token, insert the text).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, nonceFrom } from '../shared/csp';
import { parseGenerationPanelMessage, type GenerationView, type HostToGenerationMessage } from '../shared/generation';

export interface GenerationPanelHandlers {
  explain(k: number): void;
  insert(): void;
}

export class GenerationPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  /** The view's id in package.json (contributes.views.explorer). */
  static readonly viewId = 'attentionLens.generation';
  private webviewView: vscode.WebviewView | undefined;
  private ready = false;
  private view: GenerationView | undefined;
  private explaining: number | null = null;
  private readonly registration: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri, private readonly handlers: GenerationPanelHandlers) {
    this.registration = vscode.window.registerWebviewViewProvider(GenerationPanel.viewId, this, { webviewOptions: { retainContextWhenHidden: true } });
  }

  /** Shows a continuation: reveals the view (VS Code resolves it on first show) and sends it. */
  async show(view: GenerationView): Promise<void> {
    this.view = view;
    this.explaining = null;
    if (this.webviewView) {
      this.webviewView.show(true);
      this.post({ type: 'generation', view });
    } else {
      // The `<id>.focus` command VS Code defines for every view opens it; resolveWebviewView then sends the view once ready.
      await vscode.commands.executeCommand(`${GenerationPanel.viewId}.focus`);
    }
  }

  markExplaining(k: number | null): void {
    this.explaining = k;
    this.post({ type: 'explaining', k });
  }

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    this.webviewView = webviewView;
    this.ready = false;
    const bundleRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'client');
    const webview = webviewView.webview;
    webview.options = { enableScripts: true, localResourceRoots: [bundleRoot] };
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
<main id="root" aria-live="polite"><p class="empty">Select text and run “Attention Lens: Continue and Explain”.</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
    const subscriptions = [
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
    ];
    webviewView.onDidDispose(() => {
      if (this.webviewView === webviewView) { this.webviewView = undefined; this.ready = false; }
      for (const s of subscriptions) s.dispose();
    });
  }

  private post(message: HostToGenerationMessage): void {
    if (this.webviewView && this.ready) void this.webviewView.webview.postMessage(message);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
