// The HTML shell of every panel, under the policy of shared/csp.ts. Nothing here contains analysis
// data: tokens arrive later as a message and are written with textContent.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, nonceFrom } from '../shared/csp';
import type { ViewKind } from '../shared/messages';

export function createNonce(): string {
  return nonceFrom(randomBytes(18));
}

export function panelHtml(webview: vscode.Webview, bundleRoot: vscode.Uri, kind: ViewKind, title: string): string {
  const nonce = createNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'webview.css'));
  // `title` and `kind` are our own constants, never token text.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>${title}</title>
</head>
<body data-view="${kind}">
<main id="root" aria-live="polite"><p class="empty">Run “Attention Lens: Analyze Selection” to fill this panel.</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
