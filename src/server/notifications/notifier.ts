/**
 * Delivers the outbox (src/server/store/notifications.ts) after each committed write: to every
 * connected MCP client as a logging notification (logger "notifications") plus a
 * resources/updated notification for the schedule it changed, and, when configured, as a JSON
 * POST to a webhook. Each attempt is recorded per channel; a notice counts as delivered when it
 * reached someone and no channel failed (a webhook that does not answer 2xx fails; without a
 * webhook, at least one client must be connected). Undelivered
 * notices are tried again after later writes, up to MAX_ATTEMPTS.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../../core/util/log';
import type { DeliveryOutcome, StoredNotification } from '../store/notifications';
import type { ScheduleStore } from '../store/store';

export const MAX_ATTEMPTS = 3;
const WEBHOOK_TIMEOUT_MS = 5000;
/** The resource a publish or a swap changes (src/server/tools/resources.ts). */
export const CHANGED_RESOURCE = 'schedule://status/current';

export interface NotifierOptions {
  store: ScheduleStore;
  logger: Logger;
  /** http(s) URL that receives each notice as a JSON POST. */
  webhookUrl?: string;
}

/** Checks a webhook URL at startup: http or https only; the error never echoes the URL (it may hold a token). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('the webhook URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the webhook URL must be http or https (got ${url.protocol})`);
  return url;
}

/** What clients and the webhook receive for one notice. */
export function noticePayload(n: StoredNotification): Record<string, unknown> {
  return {
    id: n.id,
    event: n.event,
    recipients: n.recipients,
    subject: n.subject,
    message: n.message,
    target: n.target ?? null,
    data_version: n.dataVersion,
    created_at: n.createdAt,
    created_by: n.createdBy,
    details: n.details ?? {},
  };
}

export class Notifier {
  private readonly servers = new Set<McpServer>();
  private readonly webhook: URL | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: NotifierOptions) {
    this.webhook = options.webhookUrl ? parseWebhookUrl(options.webhookUrl) : undefined;
    this.unsubscribe = options.store.onWrite(() => void this.deliverPending());
  }

  get hasWebhook(): boolean {
    return this.webhook !== undefined;
  }

  /** Adds a connected server whose client gets the notices; removed when it closes. */
  attach(server: McpServer): void {
    this.servers.add(server);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      this.servers.delete(server);
      previous?.();
    };
  }

  /** Delivers every pending notice (serialised: one delivery round at a time). */
  deliverPending(): Promise<void> {
    this.chain = this.chain.then(() => this.round()).catch((error: unknown) => this.options.logger.log('warn', 'notification delivery failed', { error: String(error) }));
    return this.chain;
  }

  /** Waits for the deliveries already started (a reader of the outbox sees their outcome). */
  settled(): Promise<void> {
    return this.chain;
  }

  dispose(): void {
    this.unsubscribe();
    this.servers.clear();
  }

  private async round(): Promise<void> {
    const pending = this.options.store.notifications.list({ pending: true, limit: 100 }).filter((n) => n.attempts < MAX_ATTEMPTS);
    for (const n of pending) this.options.store.recordDelivery(n.id, await this.deliver(n));
  }

  private async deliver(n: StoredNotification): Promise<DeliveryOutcome> {
    const payload = noticePayload(n);
    const channels: Record<string, unknown> = {};
    const errors: string[] = [];
    let clients = 0;
    for (const server of [...this.servers]) {
      if (!server.isConnected()) {
        this.servers.delete(server);
        continue;
      }
      try {
        await server.sendLoggingMessage({ level: 'notice', logger: 'notifications', data: payload });
        await server.server.sendResourceUpdated({ uri: CHANGED_RESOURCE });
        clients++;
      } catch (error) {
        errors.push(`mcp: ${(error as Error).message}`);
      }
    }
    channels['mcp'] = { clients };
    if (clients === 0 && !this.webhook) errors.push('mcp: no client connected');
    if (this.webhook) {
      try {
        const response = await fetch(this.webhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        channels['webhook'] = { status: response.status };
        if (!response.ok) errors.push(`webhook: HTTP ${response.status}`);
      } catch (error) {
        const message = (error as Error).name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : (error as Error).message;
        channels['webhook'] = { error: message };
        errors.push(`webhook: ${message}`);
      }
    }
    return { channels, delivered: errors.length === 0, ...(errors.length > 0 ? { error: errors.join('; ') } : {}) };
  }
}
