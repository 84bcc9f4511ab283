/**
 * Browser side of the tool-catalog webview. Renders the rows the host posts, using text
 * nodes only: tool names and descriptions come from the server and are untrusted.
 */
import type { CapabilityRow, CatalogMessage, HostMessage, StateMessage } from './messages';

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
  td:nth-child(2), td:nth-child(3), td:nth-child(4) { white-space: nowrap; }
  .banner { padding: 6px 10px; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
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
  const notes = el('td', r.description);
  if (r.reason) notes.append(el('div', r.reason, 'muted'));
  tr.append(
    el('td', r.capability),
    el('td', r.status === 'available' ? '● available' : '○ unavailable', r.status),
    el('td', r.tool ?? '—'),
    el('td', r.status === 'available' ? (r.writes ? 'writes' : 'read-only') : ''),
    notes,
  );
  return tr;
}

const banner = el('p', undefined, 'banner');
banner.hidden = true;
const content = el('div');
root.replaceChildren(banner, content);

/** A catalog read over an earlier connection stays visible, marked as possibly out of date. */
function showState(message: StateMessage): void {
  banner.hidden = message.state === 'connected' || message.state === 'connecting';
  banner.textContent = `Not connected. The table below is the last known catalog.${message.error ? ` ${message.error}` : ''}`;
}

function render(message: CatalogMessage): void {
  const available = message.rows.filter((r) => r.status === 'available').length;
  const table = el('table');
  const head = el('tr');
  for (const h of ['Capability', 'Status', 'Tool', 'Kind', 'Notes']) head.append(el('th', h));
  const ordered = [...message.rows].sort((a, b) => Number(a.status !== 'available') - Number(b.status !== 'available'));
  table.append(head, ...ordered.map(row));
  content.replaceChildren(
    el('h2', message.server),
    el('p', `${message.toolCount} tools on the server; ${available} of ${message.rows.length} capabilities available.`, 'summary muted'),
    table,
  );
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data?.type === 'catalog') render(event.data);
  else if (event.data?.type === 'state') showState(event.data);
});
