/**
 * The run panel's page: a strict Content-Security-Policy (scripts only with this page's
 * nonce, styles and fonts only from the extension's dist/ folder, nothing remote, no inline
 * code) and an empty root the script (dist/runPanel.js) fills with text nodes.
 */
import * as vscode from 'vscode';

export function nonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export function runPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const n = nonce();
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${n}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<!-- The id lets vscode-elements find the codicons (bundled into this stylesheet). -->
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset('runPanel.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="root" aria-busy="true"><p class="muted">Loading the run…</p></main>
<script nonce="${n}" src="${asset('runPanel.js')}"></script>
</body>
</html>`;
}

/** The title is the workflow's own (not server text), escaped anyway. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
