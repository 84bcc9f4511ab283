/**
 * The Server view: the connection's state and the server's identity, each capability the
 * workflows need with the tool it resolved to (or why it is unavailable), and per tool the
 * health the policy runtime measured: breaker, p50/p95 against the SLA, error rate, status.
 * Refreshed when the connection changes and on every breaker or health event.
 */
import * as vscode from 'vscode';
import { formatMs } from '../../core/report/markdown';
import { LATENCY_SAMPLES, type ToolHealth } from '../../core/policy/health';
import type { SchedulingApp } from '../../core/app/schedulingApp';
import type { Host } from '../host';

export type ServerNode =
  { kind: 'connection' } | { kind: 'group'; group: 'capabilities' | 'health' } | { kind: 'capability'; index: number } | { kind: 'health'; capability: string };

const icon = (id: string, colour?: string) => new vscode.ThemeIcon(id, colour ? new vscode.ThemeColor(colour) : undefined);

const HEALTH_ICONS: Record<ToolHealth['status'], vscode.ThemeIcon> = {
  HEALTHY: icon('pass', 'testing.iconPassed'),
  DEGRADED: icon('warning', 'charts.yellow'),
  CRITICAL: icon('error', 'testing.iconFailed'),
  UNAVAILABLE: icon('circle-slash', 'disabledForeground'),
};

export function healthDescription(h: ToolHealth): string {
  const latency = h.p50Ms !== undefined ? `p50 ${formatMs(h.p50Ms)} / p95 ${formatMs(h.p95Ms ?? h.p50Ms)} (SLA ${formatMs(h.slaMs)})` : `no calls yet (SLA ${formatMs(h.slaMs)})`;
  const errors = h.errorRate !== undefined ? `errors ${Math.round(h.errorRate * 100)}%` : undefined;
  return [h.status, latency, errors, `breaker ${h.breaker}`].filter(Boolean).join(' · ');
}

/** Which latency figure the status judged, if any yet (health.ts LATENCY_SAMPLES). */
export function latencyJudgement(h: ToolHealth): string {
  if (h.latencyBasis === 'p95') return 'latency judged on p95';
  if (h.latencyBasis === 'p50') return `latency judged on p50 until ${LATENCY_SAMPLES.p95} calls`;
  return `latency not judged until ${LATENCY_SAMPLES.median} calls`;
}

export class ServerTree implements vscode.TreeDataProvider<ServerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ServerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listeners: vscode.Disposable[];
  private unsubscribe: () => void = () => undefined;

  constructor(private readonly host: Host) {
    this.listeners = [host.onDidChangeConnection(() => this.changed.fire(undefined)), host.onDidChangeApp((app) => this.bind(app))];
    this.bind(host.app);
  }

  getChildren(node?: ServerNode): ServerNode[] {
    const app = this.host.app;
    if (!node)
      return app && this.host.connection.state === 'connected'
        ? [{ kind: 'connection' }, { kind: 'group', group: 'health' }, { kind: 'group', group: 'capabilities' }]
        : this.host.connection.state === 'disconnected'
          ? []
          : [{ kind: 'connection' }];
    if (node.kind !== 'group' || !app) return [];
    if (node.group === 'capabilities') return app.capabilities().map((_c, index) => ({ kind: 'capability', index }));
    return app.health().map((h) => ({ kind: 'health', capability: h.capability }));
  }

  getTreeItem(node: ServerNode): vscode.TreeItem {
    const app = this.host.app;
    const status = this.host.connection;
    if (node.kind === 'connection') {
      const info = app?.connection.serverInfo;
      const item = new vscode.TreeItem(info ? `${info.name} ${info.version}` : 'Scheduling server');
      item.description = status.state;
      item.tooltip = [app?.connection.description, status.error?.message].filter(Boolean).join('\n');
      item.iconPath =
        status.state === 'connected'
          ? icon('plug', 'testing.iconPassed')
          : status.state === 'error'
            ? icon('error', 'testing.iconFailed')
            : status.state === 'connecting'
              ? icon('loading~spin')
              : icon('debug-disconnect');
      item.contextValue = `connection ${status.state}`;
      return item;
    }
    if (node.kind === 'group') {
      const rows = node.group === 'capabilities' ? (app?.capabilities() ?? []) : (app?.health() ?? []);
      // Health first and open; the long capability list starts folded (its summary is in the description).
      const item = new vscode.TreeItem(
        node.group === 'capabilities' ? 'Capabilities' : 'Tool health',
        node.group === 'capabilities' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `group:${node.group}`;
      item.description =
        node.group === 'capabilities'
          ? `${(app?.capabilities() ?? []).filter((c) => c.status === 'available').length} of ${rows.length} available`
          : rows.length === 0
            ? 'no calls yet'
            : `${rows.length} tools called`;
      item.iconPath = icon(node.group === 'capabilities' ? 'symbol-interface' : 'pulse');
      return item;
    }
    if (node.kind === 'capability') {
      const row = app?.capabilities()[node.index];
      if (!row) return new vscode.TreeItem('?');
      const item = new vscode.TreeItem(row.capability);
      item.id = `capability:${row.capability}`;
      item.description = row.status === 'available' ? `${row.tool}${row.writes ? ' · writes' : ''}` : 'unavailable';
      item.tooltip = row.status === 'available' ? row.description : `${row.description}\nUnavailable: ${row.reason}`;
      item.iconPath = row.status === 'available' ? icon(row.writes ? 'edit' : 'check', 'testing.iconPassed') : icon('circle-slash', 'disabledForeground');
      return item;
    }
    const h = app?.health().find((x) => x.capability === node.capability);
    const item = new vscode.TreeItem(h?.tool ?? node.capability);
    item.id = `health:${node.capability}`;
    if (h) {
      item.description = healthDescription(h);
      item.tooltip = [`${h.capability}: ${h.status}`, ...h.reasons, `${h.samples} call(s) measured; ${latencyJudgement(h)}`].join('\n');
      item.iconPath = HEALTH_ICONS[h.status];
    }
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }

  private bind(app: SchedulingApp | undefined): void {
    this.unsubscribe();
    // Every finished call changes a tool's health; breaker changes come as their own events.
    this.unsubscribe = app
      ? app.onEvent((e) =>
          e.type === 'step_finished' || e.type === 'breaker_changed' || e.type === 'health_changed' || e.type === 'run_finished' ? this.changed.fire(undefined) : undefined,
        )
      : () => undefined;
    this.changed.fire(undefined);
  }
}
