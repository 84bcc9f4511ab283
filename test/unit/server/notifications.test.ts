/**
 * The notification outbox end to end inside one process: a write records a notice in the
 * same transaction; after it commits the notifier sends it to the connected MCP client (a
 * logging notification and resources/updated) and POSTs it to a webhook on 127.0.0.1; each
 * attempt is recorded and list_notifications_tool reports it. A failing webhook leaves the
 * notice undelivered with the reason, and it is tried again after later writes (at most 3 times).
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../../src/core/util/log';
import { createServer } from '../../../src/server/createServer';
import { MAX_ATTEMPTS, Notifier, parseWebhookUrl } from '../../../src/server/notifications/notifier';
import { sampleProgram } from '../../../src/server/program/sample';
import type { ScheduleStore } from '../../../src/server/store/store';
import { TestClock, openStore } from '../../support/generation/fixtures';

interface Webhook {
  url: string;
  bodies: Record<string, unknown>[];
  status: number;
  server: Server;
}

async function webhook(status: number): Promise<Webhook> {
  const hook: Webhook = { url: '', bodies: [], status, server: createHttpServer() };
  hook.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hook.bodies.push({ method: req.method, type: req.headers['content-type'], ...(JSON.parse(body) as Record<string, unknown>) });
      res.statusCode = hook.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`;
  return hook;
}

function notice(store: ScheduleStore, n: number): void {
  store.write('coordinator', 'test_notice', undefined, (tx) => {
    tx.notifications.insert({ event: 'schedule_published', recipients: ['coordinators', 'r-001'], subject: `notice ${n}`, message: `message ${n}`, target: 'block-2027-01-04' });
  });
}

describe('notification outbox', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(webhookStatus?: number) {
    const clock = new TestClock();
    const store = openStore(sampleProgram, clock);
    const hook = webhookStatus !== undefined ? await webhook(webhookStatus) : undefined;
    const notifier = new Notifier({ store, logger: silentLogger, ...(hook ? { webhookUrl: hook.url } : {}) });
    const server = createServer({ store, logger: silentLogger, now: clock.now, notifier });
    const client = new Client({ name: 'test', version: '1.0.0' });
    const logs: unknown[] = [];
    const updated: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    cleanup.push(
      () => store.close(),
      () => notifier.dispose(),
      () => client.close(),
    );
    if (hook) cleanup.push(() => new Promise<void>((r) => hook.server.close(() => r())));
    const list = async () =>
      (await client.callTool({ name: 'list_notifications_tool', arguments: {} })).structuredContent as {
        notifications: Record<string, unknown>[];
        delivered: number;
        pending: number;
        webhook_configured: boolean;
      };
    return { store, notifier, hook, logs, updated, list };
  }

  it('delivers a notice to the connected client and the webhook, and records it', async () => {
    const { store, hook, logs, updated, list } = await setup(204);
    notice(store, 1);
    const out = await list();
    assert.equal(out.webhook_configured, true);
    assert.equal(out.delivered, 1);
    const [n] = out.notifications;
    assert.deepEqual([n!['event'], n!['subject'], n!['delivered'], n!['attempts'], n!['last_error']], ['schedule_published', 'notice 1', true, 1, null]);
    assert.deepEqual(n!['channels'], { mcp: { clients: 1 }, webhook: { status: 204 } });
    assert.equal(n!['created_by'], 'coordinator');
    assert.equal(hook!.bodies.length, 1);
    assert.deepEqual(
      [hook!.bodies[0]!['method'], hook!.bodies[0]!['type'], hook!.bodies[0]!['event'], hook!.bodies[0]!['message']],
      ['POST', 'application/json', 'schedule_published', 'message 1'],
    );
    await new Promise((r) => setImmediate(r));
    assert.equal((logs[0] as { logger: string; data: { subject: string } }).logger, 'notifications');
    assert.equal((logs[0] as { data: { subject: string } }).data.subject, 'notice 1');
    assert.deepEqual(updated, ['schedule://status/current']);
  });

  it('a webhook that fails leaves the notice undelivered with the reason, retried after later writes up to the limit', async () => {
    const { store, hook, list } = await setup(500);
    notice(store, 1);
    let [n] = (await list()).notifications;
    assert.deepEqual([n!['delivered'], n!['attempts'], n!['last_error']], [false, 1, 'webhook: HTTP 500']);
    assert.deepEqual(n!['channels'], { mcp: { clients: 1 }, webhook: { status: 500 } });
    hook!.status = 200;
    notice(store, 2);
    const out = await list();
    [n] = out.notifications;
    assert.deepEqual([n!['delivered'], n!['attempts'], n!['last_error']], [true, 2, null]);
    assert.equal(out.delivered, 2);
    hook!.status = 503;
    for (let i = 3; i < 3 + MAX_ATTEMPTS + 1; i++) notice(store, i);
    const last = (await list()).notifications.find((x) => x['subject'] === 'notice 3')!;
    assert.equal(last['attempts'], MAX_ATTEMPTS, 'no more than the limit');
  });

  it('without a client or a webhook nobody was told: not delivered; bad webhook URLs are refused without echoing them', async () => {
    const clock = new TestClock();
    const store = openStore(sampleProgram, clock);
    const notifier = new Notifier({ store, logger: silentLogger });
    cleanup.push(
      () => store.close(),
      () => notifier.dispose(),
    );
    notice(store, 1);
    await notifier.settled();
    const [n] = store.notifications.list({});
    assert.deepEqual([n!.deliveredAt, n!.lastError, n!.attempts], [undefined, 'mcp: no client connected', 1]);
    assert.throws(
      () => parseWebhookUrl('ftp://user:secret@127.0.0.1/x'),
      (e: Error) => /must be http or https/.test(e.message) && !e.message.includes('secret'),
    );
    assert.throws(
      () => parseWebhookUrl('not a url secret'),
      (e: Error) => e.message === 'the webhook URL is not a valid URL',
    );
  });
});
