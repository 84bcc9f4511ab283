/**
 * The Runs view: run → phase → step, from the application's run store. Only the node a change
 * names is refreshed (the store says which run, phase or step changed). Icons follow the
 * state; descriptions show confidence and duration; tooltips (Markdown) the confidence
 * factors, source, attempts and note. `contextValue` carries the flags menus test
 * (live, waiting, interrupted, finished); the badge counts runs waiting for an approval.
 */
import * as vscode from 'vscode';
import { phaseDescription, runDescription, runTooltipMarkdown, stepDescription, stepTooltipMarkdown } from '../../core/app/runLabels';
import type { PhaseSnapshot, RunSnapshot, StepSnapshot } from '../../core/app/runSnapshot';
import type { SchedulingApp } from '../../core/app/schedulingApp';
import type { StoreChange } from '../../core/app/runStore';
import { COMMAND } from '../commands/ids';
import type { Host } from '../host';

export type RunsNode =
  | { kind: 'run'; runId: string }
  | { kind: 'phase'; runId: string; phaseId: string }
  | { kind: 'step'; runId: string; phaseId: string; stepId: string }
  /** A stored thing the step's result links to (a draft, a swap): opens as a document. */
  | { kind: 'link'; runId: string; phaseId: string; stepId: string; uri: string };

const icon = (id: string, colour?: string) => new vscode.ThemeIcon(id, colour ? new vscode.ThemeColor(colour) : undefined);

const RUN_ICONS: Record<RunSnapshot['state'], vscode.ThemeIcon> = {
  queued: icon('clock'),
  running: icon('loading~spin'),
  waiting: icon('bell-dot', 'charts.yellow'),
  completed: icon('pass-filled', 'testing.iconPassed'),
  needs_review: icon('warning', 'charts.yellow'),
  blocked: icon('circle-slash', 'testing.iconFailed'),
  rejected: icon('thumbsdown', 'charts.orange'),
  failed: icon('error', 'testing.iconFailed'),
  cancelled: icon('stop-circle', 'disabledForeground'),
  refused: icon('error', 'testing.iconFailed'),
};

const PHASE_ICONS: Record<PhaseSnapshot['state'], vscode.ThemeIcon> = {
  queued: icon('circle-outline'),
  running: icon('loading~spin'),
  completed: icon('pass', 'testing.iconPassed'),
  skipped: icon('debug-step-over', 'disabledForeground'),
  stopped: icon('stop-circle', 'charts.orange'),
};

function stepIcon(step: StepSnapshot): vscode.ThemeIcon {
  const r = step.result;
  if (step.state === 'queued') return icon('circle-outline');
  if (step.state === 'running') return icon('loading~spin');
  if (step.state === 'waiting') return step.waitingFor === 'input' ? icon('question', 'charts.yellow') : icon('bell-dot', 'charts.yellow');
  if (!r) return icon('circle-outline');
  if (r.status === 'failed') return icon('error', 'testing.iconFailed');
  if (r.status === 'skipped') return r.skip?.cause === 'rejected' ? icon('thumbsdown', 'charts.orange') : icon('debug-step-over', 'disabledForeground');
  if (r.source === 'cache') return icon('database', 'charts.blue');
  if (r.source === 'fallback') return icon('debug-disconnect', 'charts.orange');
  if (r.warnings.length > 0 || r.confidence.value < 0.5) return icon('warning', 'charts.yellow');
  return icon('pass', 'testing.iconPassed');
}

export class RunsTree implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Nodes handed to the view, by key: a refresh must name the same object. */
  private readonly nodes = new Map<string, RunsNode>();
  private unsubscribe: (() => void)[] = [];
  /** Runs drawn as listed from the history (not started here): their item id changes once they are resumed. */
  private readonly listed = new Set<string>();
  /** Steps drawn without links (`runId/stepId`): once links come, their item's id changes too. */
  private readonly withoutLinks = new Set<string>();
  private view?: vscode.TreeView<RunsNode>;
  private readonly appListener: vscode.Disposable;

  constructor(private readonly host: Host) {
    this.appListener = host.onDidChangeApp((app) => this.bind(app));
    this.bind(host.app);
  }

  attach(view: vscode.TreeView<RunsNode>): void {
    this.view = view;
    this.updateBadge();
  }

  getChildren(node?: RunsNode): RunsNode[] {
    const app = this.host.app;
    if (!app) {
      // The view opened before any command: make the application (no connection yet) so the run history shows.
      if (!node) void this.host.ensureApp().catch((error: unknown) => this.host.logger.log('warn', 'The Runs view could not load the run history', { error: String(error) }));
      return [];
    }
    if (!node) return app.runs.list().map((r) => this.node({ kind: 'run', runId: r.snapshot.runId }));
    const run = app.runs.snapshot(node.runId);
    if (!run) return [];
    if (node.kind === 'run') return run.phases.map((p) => this.node({ kind: 'phase', runId: run.runId, phaseId: p.phaseId }));
    if (node.kind === 'phase')
      return (run.phases.find((p) => p.phaseId === node.phaseId)?.steps ?? []).map((s) => this.node({ kind: 'step', runId: run.runId, phaseId: s.phaseId, stepId: s.stepId }));
    if (node.kind === 'step') return (this.stepOf(run, node)?.result?.links ?? []).map((l) => this.node({ ...node, kind: 'link', uri: l.uri }));
    return [];
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'run') return undefined;
    if (node.kind === 'phase') return this.node({ kind: 'run', runId: node.runId });
    if (node.kind === 'link') return this.node({ kind: 'step', runId: node.runId, phaseId: node.phaseId, stepId: node.stepId });
    return this.node({ kind: 'phase', runId: node.runId, phaseId: node.phaseId });
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const stored = this.host.app?.runs.get(node.runId);
    if (!stored) return new vscode.TreeItem('(run no longer listed)');
    const run = stored.snapshot;
    const now = Date.now();
    if (node.kind === 'run') {
      const live = stored.live;
      // Runs started in this window open expanded (even when they finished before the view drew them).
      const item = new vscode.TreeItem(run.title, stored.startedHere ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      // VS Code keeps an item's first collapsible state for its id: a listed run resumed here (after a
      // window reload) gets another id, so it opens expanded as it was before the reload.
      item.id = stored.startedHere ? run.runId : `${run.runId}~listed`;
      if (stored.startedHere) this.listed.delete(run.runId);
      else this.listed.add(run.runId);
      item.description = stored.interrupted ? `${run.mode} · interrupted` : runDescription(run, now);
      item.tooltip = new vscode.MarkdownString(runTooltipMarkdown(run));
      item.iconPath = stored.interrupted ? icon('debug-pause', 'charts.orange') : RUN_ICONS[run.state];
      const waiting = this.host.app?.approvals.pending().some((p) => p.runId === run.runId) === true;
      item.contextValue = ['run', live ? 'live' : 'finished', stored.interrupted ? 'interrupted' : '', waiting ? 'waiting' : '', run.writes ? 'writes' : '']
        .filter(Boolean)
        .join(' ');
      item.command = { command: COMMAND.openRun, title: 'Open Run', arguments: [run.runId] };
      return item;
    }
    const phase = run.phases.find((p) => p.phaseId === node.phaseId);
    if (node.kind === 'phase') {
      const item = new vscode.TreeItem(phase?.title ?? node.phaseId, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${run.runId}/${node.phaseId}`;
      if (phase) {
        item.description = phaseDescription(phase);
        item.iconPath = PHASE_ICONS[phase.state];
        if (phase.warnings.length > 0) item.tooltip = phase.warnings.join('\n');
      }
      item.contextValue = 'phase';
      return item;
    }
    const step = phase?.steps.find((s) => s.stepId === node.stepId);
    if (node.kind === 'link') {
      const link = step?.result?.links?.find((l) => l.uri === node.uri);
      const item = new vscode.TreeItem(link?.title ?? link?.name ?? node.uri, vscode.TreeItemCollapsibleState.None);
      item.id = `${run.runId}/${node.stepId}/${node.uri}`;
      item.description = node.uri;
      item.tooltip = link?.description ?? `Open ${node.uri} (read from the server)`;
      item.iconPath = icon('link');
      item.contextValue = 'link';
      item.command = { command: COMMAND.openResource, title: 'Open Resource', arguments: [node.uri] };
      return item;
    }
    const hasLinks = (step?.result?.links?.length ?? 0) > 0;
    const item = new vscode.TreeItem(step?.title ?? node.stepId, hasLinks ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // As for runs: a step that gets links once it finishes is another item, so it opens expanded.
    item.id = `${run.runId}/${node.phaseId}/${node.stepId}${hasLinks ? '#links' : ''}`;
    if (hasLinks) this.withoutLinks.delete(`${run.runId}/${node.stepId}`);
    else this.withoutLinks.add(`${run.runId}/${node.stepId}`);
    if (step) {
      item.description = stepDescription(step, now);
      item.tooltip = new vscode.MarkdownString(stepTooltipMarkdown(step));
      item.iconPath = stepIcon(step);
    }
    item.contextValue = 'step';
    return item;
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.appListener.dispose();
    this.changed.dispose();
  }

  private bind(app: SchedulingApp | undefined): void {
    for (const u of this.unsubscribe) u();
    this.nodes.clear();
    this.listed.clear();
    this.withoutLinks.clear();
    this.unsubscribe = app ? [app.runs.onDidChange((c) => this.refresh(c)), app.approvals.onDidChange((c) => this.refresh({ runId: c.runId, kind: 'changed' }))] : [];
    this.changed.fire(undefined);
    this.updateBadge();
  }

  private refresh(change: StoreChange): void {
    // A listed run resumed here changes its item's id: the whole tree is drawn again (a node's refresh keeps its id).
    if (change.kind !== 'changed' || (this.listed.has(change.runId) && this.host.app?.runs.get(change.runId)?.startedHere === true)) {
      this.changed.fire(undefined);
    } else {
      // The most specific node the view already has (a step first seen mid-run, or one whose item's id changes, refreshes its phase).
      const keys = [
        change.stepId !== undefined && !this.gainedLinks(change.runId, change.stepId) ? `step:${change.runId}/${change.stepId}` : undefined,
        change.phaseId !== undefined ? `phase:${change.runId}/${change.phaseId}` : undefined,
        `run:${change.runId}`,
      ].filter((k): k is string => k !== undefined);
      const known = keys.map((k) => this.nodes.get(k)).find((n) => n !== undefined);
      this.changed.fire(known);
      // A run's description (its state and duration) follows its phases and steps.
      const run = this.nodes.get(`run:${change.runId}`);
      if (run && known !== run && change.phaseId !== undefined && change.stepId === undefined) this.changed.fire(run);
    }
    this.updateBadge();
  }

  private updateBadge(): void {
    if (!this.view) return;
    const waiting = new Set(this.host.app?.approvals.pending().map((p) => p.runId) ?? []).size;
    this.view.badge = waiting > 0 ? { value: waiting, tooltip: `${waiting} run(s) waiting for approval` } : undefined;
  }

  private gainedLinks(runId: string, stepId: string): boolean {
    if (!this.withoutLinks.has(`${runId}/${stepId}`)) return false;
    const step = this.host.app?.runs
      .snapshot(runId)
      ?.phases.flatMap((p) => p.steps)
      .find((s) => s.stepId === stepId);
    return (step?.result?.links?.length ?? 0) > 0;
  }

  private stepOf(run: RunSnapshot, node: { phaseId: string; stepId: string }): StepSnapshot | undefined {
    return run.phases.find((p) => p.phaseId === node.phaseId)?.steps.find((s) => s.stepId === node.stepId);
  }

  private node(node: RunsNode): RunsNode {
    const key =
      node.kind === 'run'
        ? `run:${node.runId}`
        : node.kind === 'phase'
          ? `phase:${node.runId}/${node.phaseId}`
          : node.kind === 'step'
            ? `step:${node.runId}/${node.stepId}`
            : `link:${node.runId}/${node.stepId}/${node.uri}`;
    const existing = this.nodes.get(key);
    if (existing) return existing;
    this.nodes.set(key, node);
    return node;
  }
}
