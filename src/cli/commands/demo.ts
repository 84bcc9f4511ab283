/**
 * `sched-orch demo` (npm start / npm run demo): the four workflows, headless, on the bundled
 * server with its sample program: compliance check, resilience assessment, regeneration of
 * the published block's first week (where the compliance check finds violations), and a
 * swap — the writes approved by a clearly labelled demo approver that never overrides
 * compliance issues.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpConnection } from '../../core/mcp/connection';
import { McpToolInvoker } from '../../core/mcp/invoker';
import { formatMs } from '../../core/report/markdown';
import { runStateLabel } from '../../core/report/runState';
import { systemClock } from '../../core/util/clock';
import { filteredLogger } from '../../core/util/log';
import { findWorkflow } from '../../core/workflows/catalog';
import { list, str } from '../../core/workflows/shared/read';
import { addDays } from '../../core/workflows/shared/scope';
import { demoApprovals } from '../approvals';
import { ExitCode } from '../exitCodes';
import { responderOf } from '../../core/app/approvalBroker';
import { SchedulingApp, type RunOutcome } from '../../core/app/schedulingApp';
import { commandLine } from '../nextActions';
import { progressPrinter } from '../progress';
import { connectFromOptions, logLevelFrom, SERVER_OPTIONS, SERVER_OPTIONS_HELP } from '../serverOptions';
import { resolveStateDir } from '../stateDir';
import { colourWanted, confidenceStyle, painter, statusStyle } from '../style';
import { renderSummary } from '../summary';
import { formatTable, stderrLogger, type CliIo } from '../terminal';
import { parseCommandLine, UsageError } from '../usage';
import type { Command } from './command';
import { EXIT_FOR_STATUS, jsonResult, readPolicy } from './run';

const USAGE = `Usage: sched-orch demo [--steps] [--state-dir <dir>] [--policy <file.json>] [--json] [server options]

Runs the four workflows one after another on the bundled server with its sample program
(in memory: nothing is kept): compliance check, resilience assessment, regeneration of the
published block's first week, and a swap. Approvals are given by a clearly labelled
demo approver, which never overrides compliance issues. Reports go to a temporary
directory unless --state-dir is given.

  --steps                    show every step as it finishes (default: phases, decisions and anything that degraded)
  --policy <file.json>       per-capability policy overrides, as for sched-orch run

${SERVER_OPTIONS_HELP}`;

const DEMO_OPTIONS = { ...SERVER_OPTIONS, steps: { type: 'boolean' }, 'state-dir': { type: 'string' }, policy: { type: 'string' } } as const;

/** Assignments tried when looking for a swap with three or more candidates. */
const SWAP_TRIES = 12;

interface DemoPlan {
  today: string;
  swap?: { assignment_id: string; requester: string };
}

/**
 * Reads the current schedule and picks a realistic swap request: a resident's primary
 * assignment at least two weeks into the block with three or more candidates (else the
 * one with most), so the demo shows the automated impact assessment.
 */
async function plan(connection: McpConnection, signal: AbortSignal): Promise<DemoPlan> {
  const invoker = new McpToolInvoker({ connection });
  const call = (capability: string, args: Record<string, unknown>) =>
    invoker.invoke(capability, args, { signal, timeoutMs: 20_000, maxTotalTimeoutMs: 60_000 }).then((r) => r.data);
  const status = await call('get_schedule_status', {});
  const start = str(status, 'start_date');
  const end = str(status, 'end_date');
  if (!start || !end) throw new UsageError('the demo needs a server with a current schedule (get_schedule_status returned no dates)');
  // The demo plays on the sample's dates: "today" is the first day of the published block.
  const result: DemoPlan = { today: start };
  const people = list(await call('list_people', { role: 'resident' }), 'people') ?? [];
  const residents = new Set(people.map((p) => str(p, 'person_id', 'id')).filter((id): id is string => id !== undefined));
  const from = addDays(start, 14) > end ? start : addDays(start, 14);
  const assignments = (list(await call('get_assignments', { start_date: from, end_date: end }), 'assignments') ?? []).filter(
    (a) => residents.has(str(a, 'person_id') ?? '') && str(a, 'role') === 'primary',
  );
  let best: { assignment_id: string; requester: string; count: number } | undefined;
  for (const a of assignments.slice(0, SWAP_TRIES)) {
    const assignmentId = str(a, 'assignment_id');
    const requester = str(a, 'person_id');
    if (!assignmentId || !requester) continue;
    const found = await call('analyze_swap_candidates', { requester_person_id: requester, assignment_id: assignmentId, max_candidates: 10 }).catch(() => undefined);
    const count = list(found, 'candidates')?.length ?? 0;
    if (!best || count > best.count) best = { assignment_id: assignmentId, requester, count };
    if (count >= 3) break;
  }
  if (best) result.swap = { assignment_id: best.assignment_id, requester: best.requester };
  return result;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the four workflows on the bundled server and sample program',
  usage: USAGE,

  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(argv, DEMO_OPTIONS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.Ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const policies = values.policy !== undefined ? await readPolicy(values.policy) : undefined;
    const stateDir = values['state-dir'] !== undefined ? resolveStateDir(values['state-dir'], io.env) : mkdtempSync(join(tmpdir(), 'sched-orch-demo-'));
    const logger = filteredLogger(stderrLogger(io), logLevelFrom(values));
    const out = painter(!values.json && colourWanted(process.stdout, io.env));
    const err = painter(colourWanted(process.stderr, io.env));
    const started = systemClock.now();

    const connection = await connectFromOptions(values, io);
    let app: SchedulingApp | undefined;
    try {
      const p = await plan(connection, io.signal);
      app = await SchedulingApp.create({
        connection,
        stateDir,
        logger,
        defaultResponder: responderOf(demoApprovals(systemClock)),
        renderAction: commandLine,
        ...(policies ? { policies } : {}),
      });
      const runs: { title: string; inputs: Record<string, unknown>; id: string }[] = [
        { id: 'compliance', title: 'Is the published block compliant?', inputs: { today: p.today } },
        { id: 'resilience', title: 'How resilient is the program?', inputs: { today: p.today } },
        { id: 'generate', title: "Regenerate the block's first week", inputs: { today: p.today, start_date: p.today, end_date: addDays(p.today, 6) } },
        ...(p.swap ? [{ id: 'swap', title: `Swap ${p.swap.assignment_id} away from ${p.swap.requester}`, inputs: { today: p.today, ...p.swap } }] : []),
      ];
      if (!values.json)
        io.out(
          `${out('bold', 'sched-orch demo')}: ${runs.length} workflows on ${connection.serverInfo?.name ?? 'the server'}; approvals by the ${out('magenta', 'demo approver (automatic)')}\n`,
        );
      const outcomes: RunOutcome[] = [];
      for (const [i, r] of runs.entries()) {
        if (io.signal.aborted) break;
        const module = findWorkflow(r.id)!;
        if (!values.json) io.out(`\n${out('bold', `━━ ${i + 1}/${runs.length} ${module.definition.title}: ${r.title}`)}\n`);
        const outcome = await app.start({
          workflow: r.id,
          inputs: r.inputs,
          signal: io.signal,
          onEvent: progressPrinter((line) => io.err(`${line}\n`), err, values.steps ? 'steps' : 'phases'),
        }).done;
        outcomes.push(outcome);
        if (!values.json) io.out(renderSummary(outcome.report, out, outcome.files));
      }
      if (values.json) {
        io.out(`${JSON.stringify({ stateDir, runs: outcomes.map(jsonResult) })}\n`);
      } else {
        io.out(`\n${out('bold', 'Summary')} (${formatMs(systemClock.now() - started)}; reports in ${join(stateDir, 'reports')})\n`);
        io.out(
          `${formatTable(
            outcomes.map((o) => {
              const h = o.report.header;
              const c = h.confidence;
              return [
                h.workflow.title,
                out(statusStyle(h.status), runStateLabel(h.engineStatus)),
                c ? out(confidenceStyle(c.colour), `${c.value.toFixed(2)} ${c.levelName}`) : '–',
                h.decision,
              ];
            }),
          )}\n`,
        );
      }
      if (io.signal.aborted) return ExitCode.Cancelled;
      // The demo itself succeeded when every workflow ran to a decision (review or block is a result, not a failure).
      return outcomes.some((o) => EXIT_FOR_STATUS[o.report.header.status] === ExitCode.Failed) ? ExitCode.Failed : ExitCode.Ok;
    } finally {
      await app?.dispose();
      await connection.close();
    }
  },
};
