/** The shape most engine tests need: a check, an approval, then one write (and optional later phases). */
import type { ApprovalStep, JsonObject, PhaseDefinition, RunContext, WorkflowDefinition } from '../../../src/core/engine/definition';
import { anyInputs } from './harness';

export interface WriteFlowOptions {
  id: string;
  title: string;
  timeoutMs?: number;
  /** How the check phase runs its one step (`validate_schedule`). */
  checkRun?: 'serial' | 'parallel';
  /** The check and the write are critical steps. */
  critical?: boolean;
  approval: Pick<ApprovalStep<JsonObject>, 'title' | 'request' | 'timeoutMs'>;
  write: { id?: string; capability: string; args?: (ctx: RunContext) => JsonObject };
  after?: readonly PhaseDefinition[];
}

/** A workflow: validate_schedule, then the approval `approve`, then the write (`write` unless named), then `after`. */
export function writeFlow(o: WriteFlowOptions): WorkflowDefinition {
  const critical = o.critical ? { critical: true } : {};
  return {
    id: o.id,
    title: o.title,
    version: 1,
    parseInputs: anyInputs,
    modes: { standard: {} },
    defaultMode: 'standard',
    timeoutMs: o.timeoutMs ?? 600_000,
    phases: [
      {
        id: 'check',
        title: 'Check',
        run: o.checkRun ?? 'serial',
        steps: [{ kind: 'tool', id: 'validate', capability: 'validate_schedule', ...critical, args: () => ({}) }],
      },
      {
        id: 'apply',
        title: 'Apply',
        run: 'serial',
        steps: [
          { kind: 'approval', id: 'approve', dependsOn: ['validate'], ...o.approval },
          { kind: 'tool', id: o.write.id ?? 'write', capability: o.write.capability, writes: true, ...critical, dependsOn: ['approve'], args: o.write.args ?? (() => ({})) },
        ],
      },
      ...(o.after ?? []),
    ],
  };
}
