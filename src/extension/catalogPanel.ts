/**
 * A webview that shows the server's tools and how each capability the workflows need
 * resolved. The page's script (src/webview/main.ts) renders rows the host posts to it;
 * the host never builds HTML from server text (tool descriptions are untrusted).
 */
import * as vscode from 'vscode';
import type { CatalogMessage, StateMessage } from '../webview/messages';

export class CatalogPanel {
  private static current: CatalogPanel | undefined;
  private readonly panel: vscode.WebviewPanel;

  private constructor(extensionUri: vscode.Uri) {
    this.panel = vscode.window.createWebviewPanel('schedOrch.catalog', 'Scheduling Server Tools', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
    });
    this.panel.webview.html = page(this.panel.webview, extensionUri);
    this.panel.onDidDispose(() => (CatalogPanel.current = undefined));
  }

  static show(extensionUri: vscode.Uri, message: CatalogMessage): void {
    const target = (CatalogPanel.current ??= new CatalogPanel(extensionUri));
    target.panel.reveal();
    void target.panel.webview.postMessage(message);
  }

  /** Tells an open panel that the connection changed (its catalog may be out of date). */
  static connectionChanged(message: StateMessage): void {
    void CatalogPanel.current?.panel.webview.postMessage(message);
  }
}

function page(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Scheduling Server Tools</title>
</head>
<body>
<main id="root"><p>Connecting…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
