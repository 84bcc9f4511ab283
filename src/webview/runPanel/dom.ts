/**
 * DOM helpers of the run panel. Every text goes in as a text node (`textContent`), never as
 * markup: step titles, findings and messages come from the server and are untrusted.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { text?: string; cls?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.text !== undefined) node.textContent = options.text;
  if (options.cls) node.className = options.cls;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A custom element (vscode-elements) with attributes and text. */
export function custom(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function icon(name: string, cls = ''): HTMLSpanElement {
  return el('span', {
    cls: `codicon codicon-${name}${cls ? ` ${cls}` : ''}`,
    attrs: { 'aria-hidden': 'true' },
  });
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function age(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The seed's level colours as theme colours (the chart palette adapts to light, dark and high contrast). */
export function levelColourClass(colour: string | undefined): string {
  return `level-${(colour ?? 'none').toLowerCase()}`;
}

/** A section with a heading (h2) and a body; `id` for the keyboard skip links. */
export function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { cls: 'card', attrs: { id, 'aria-labelledby': `${id}-title` } }, el('h2', { text: title, attrs: { id: `${id}-title` } }), ...children);
}
