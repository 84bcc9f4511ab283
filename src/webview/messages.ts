/** Messages the extension host posts to the webview (plain data, shared by both sides). */
export interface CapabilityRow {
  capability: string;
  description: string;
  status: 'available' | 'unavailable';
  /** The server's tool that answers it, when available. */
  tool?: string;
  writes?: boolean;
  reason?: string;
}

export interface CatalogMessage {
  type: 'catalog';
  server: string;
  toolCount: number;
  rows: CapabilityRow[];
}

/** The connection's state, so a catalog from an earlier connection is marked as stale. */
export interface StateMessage {
  type: 'state';
  state: 'disconnected' | 'connecting' | 'connected' | 'error';
  error?: string;
}

export type HostMessage = CatalogMessage | StateMessage;
