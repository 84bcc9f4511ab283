/**
 * Browser side of the tool-catalog webview. Renders the rows the host posts, using text
 * nodes only: tool names and descriptions come from the server and are untrusted.
 */
import type { CapabilityRow, CatalogMessage } from './messages';

const root = document.getElementById('root')!;

const style = document.createElement('style');
style.textContent = `
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
  th { font-weight: 600; }
  .available { color: var(--vscode-testing-iconPassed); }
  .unavailable { color: var(--vscode-testing-iconFailed); }
  .muted { color: var(--vscode-descriptionForeground); }
`;
document.head.appendChild(style);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function row(r: CapabilityRow): HTMLTableRowElement {
  const tr = el('tr');
  tr.append(
    el('td', r.capability),
    el('td', r.status === 'available' ? '● available' : '○ unavailable', r.status),
    el('td', r.tool ?? '—'),
    el('td', r.status === 'available' ? (r.writes ? 'writes' : 'read-only') : ''),
    el('td', r.reason ?? r.description, 'muted'),
  );
  return tr;
}

function render(message: CatalogMessage): void {
  const available = message.rows.filter((r) => r.status === 'available').length;
  const table = el('table');
  const head = el('tr');
  for (const h of ['Capability', 'Status', 'Tool', 'Kind', 'Notes']) head.append(el('th', h));
  table.append(head, ...message.rows.map(row));
  root.replaceChildren(
    el('h2', message.server),
    el('p', `${message.toolCount} tools on the server; ${available} of ${message.rows.length} capabilities available.`, 'muted'),
    table,
  );
}

window.addEventListener('message', (event: MessageEvent<CatalogMessage>) => {
  if (event.data?.type === 'catalog') render(event.data);
});
