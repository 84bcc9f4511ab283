/**
 * `sched-orch run <workflow>`: runs one of the four workflows against a server, with
 * progress on stderr, the report summary (or `--json`) on stdout, the Markdown and JSON
 * reports saved, and an exit code scripts and cron can branch on.
 */
import { readFile } from 'node:fs/promises';
import { responderOf } from '../../core/app/approvalBroker';
import type { InputResponder } from '../../core/app/inputBroker';
import { SchedulingApp, writeReport, type ResumeRequest, type RunOutcome, type RunTicket } from '../../core/app/schedulingApp';
import { checkOutputFile, OutputFileError } from '../../core/util/outputFile';
import { OrchestratorError } from '../../core/errors';
import { parsePolicyOverrides, type PolicyOverrides } from '../../core/policy/policies';
import type { Report } from '../../core/report/report';
import { findWorkflow, WORKFLOWS } from '../../core/workflows/catalog';
import type { WorkflowModule } from '../../core/workflows/shared/module';
import { localDate, systemClock } from '../../core/util/clock';
import { filteredLogger } from '../../core/util/log';
import { cliApprovals, safeUserName } from '../approvals';
import { promptInputs } from '../inputPrompt';
import { cliElicitation } from '../elicitation';
import { ExitCode } from '../exitCodes';
import { commandLine } from '../nextActions';
import { progressPrinter } from '../progress';
import { connectFromOptions, logLevelFrom, SERVER_OPTIONS, SERVER_OPTIONS_HELP } from '../serverOptions';
import { resolveStateDir } from '../stateDir';
import { colourWanted, painter } from '../style';
import { renderSummary } from '../summary';
import { stderrLogger, type CliIo } from '../terminal';
import { parseCommandLine, UsageError } from '../usage';
import type { Command } from './command';

const NAMES = WORKFLOWS.map((w) => w.definition.id);

const USAGE = `Usage: sched-orch run <${NAMES.join('|')}> [options] [server options]
       sched-orch run [<workflow>] --resume <runId> [--retry-uncertain-write <step>]… [server options]

Runs a workflow: progress on stderr, the report summary on stdout (--json: one JSON object),
the report saved as Markdown and JSON in the state directory (and --report-file).

Workflow options:
  --mode <mode>              ${WORKFLOWS.map((w) => `${w.definition.id}: ${Object.keys(w.definition.modes).join('|')} (default ${w.definition.defaultMode})`).join('\n                             ')}
  --from YYYY-MM-DD --to YYYY-MM-DD
                             the date range (default: the current schedule's; generate: next Monday to Sunday)
  --schedule-id <id>         a stored schedule for the steps that validate one by id
                             (default: the current schedule; without one those steps are skipped)
  --today YYYY-MM-DD         the date the run treats as today (default: the system date)
  --available-faculty <n> --required-blocks <n> --coverage-rate <0-1>
                             capacity figures for servers whose utilization/defense tools need them
  generate: --algorithm optimal|greedy --time-limit-seconds <1-300> --tighten (tighter soft constraints)
  swap:     --assignment-id <id> --requester <person id> [--candidate <person id>]
            [--swap-reason <text>] [--max-candidates <n>]

Approvals (generate and swap; compliance and resilience are read-only):
  on a terminal you are asked; otherwise every approval is rejected unless
  --approve --reason "<text>"  approves every request, as --approver <name> (default: your user name)
  --override "<justification>" also approves requests with blocking issues (an exception record is kept)

Resuming (a run interrupted, failed or blocked, from the run history in the state directory):
  --resume <runId>           continue that run with its recorded mode and inputs: completed steps are
                             kept and no completed write is sent again
  --retry-uncertain-write <step>
                             send again a write whose outcome was unknown (check the server first:
                             the report names the read that shows it); repeatable

Output and state:
  --json                     one JSON object on stdout: workflow, mode, status, decision, confidence, phases, report
  --report-file <file>       also write the report there (Markdown; JSON beside it as <file>.json, or the reverse for .json);
                             checked before the run starts; never written through a symlink
  --force                    replace an existing --report-file
  --state-dir <dir>          run history, breaker and cache state, reports
                             (default $XDG_STATE_HOME/sched-orch or ~/.local/state/sched-orch)
  --policy <file.json>       per-capability policy overrides (time limits, retries, breakers, cache TTLs),
                             e.g. {"validate_schedule": {"timeoutMs": 2000, "cache": {"ttlMs": 600000}}}

Exit codes: 0 completed, 1 usage error, 2 needs review, 3 blocked (incl. a rejected approval),
4 failed (incl. a write whose outcome is unknown after the connection was lost), 5 authentication failed, 130 cancelled (Ctrl-C; the server is told to cancel).

${SERVER_OPTIONS_HELP}`;

const RUN_OPTIONS = {
  ...SERVER_OPTIONS,
  mode: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'schedule-id': { type: 'string' },
  today: { type: 'string' },
  'available-faculty': { type: 'string' },
  'required-blocks': { type: 'string' },
  'coverage-rate': { type: 'string' },
  algorithm: { type: 'string' },
  'time-limit-seconds': { type: 'string' },
  tighten: { type: 'boolean' },
  'assignment-id': { type: 'string' },
  requester: { type: 'string' },
  candidate: { type: 'string' },
  'swap-reason': { type: 'string' },
  'max-candidates': { type: 'string' },
  approve: { type: 'boolean' },
  reason: { type: 'string' },
  override: { type: 'string' },
  approver: { type: 'string' },
  'report-file': { type: 'string' },
  force: { type: 'boolean' },
  resume: { type: 'string' },
  'retry-uncertain-write': { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  policy: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandLine<typeof RUN_OPTIONS>>['values'];

/** Options that choose what a new run does (a resumed run keeps its recorded ones). */
const WORKFLOW_OPTIONS = [
  'mode',
  'from',
  'to',
  'schedule-id',
  'today',
  'available-faculty',
  'required-blocks',
  'coverage-rate',
  'algorithm',
  'time-limit-seconds',
  'tighten',
  'assignment-id',
  'requester',
  'candidate',
  'swap-reason',
  'max-candidates',
] as const satisfies readonly (keyof Values)[];

/** Options that belong to one workflow only. */
const OWN_OPTIONS: Readonly<Record<string, readonly (keyof Values)[]>> = {
  generate: ['algorithm', 'time-limit-seconds', 'tighten'],
  swap: ['assignment-id', 'requester', 'candidate', 'swap-reason', 'max-candidates'],
};

function number(value: string | undefined, option: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new UsageError(`${option} must be ${integer ? 'a whole number' : 'a number'}, got "${value}"`);
  return n;
}

// Every host computes "today" the same way.
export { localDate } from '../../core/util/clock';

/** Workflow inputs from the command line; usage errors for options of another workflow. */
export function inputsFrom(module: WorkflowModule, values: Values, today: string): Record<string, unknown> {
  const id = module.definition.id;
  for (const [owner, options] of Object.entries(OWN_OPTIONS)) {
    if (owner === id) continue;
    for (const o of options) if (values[o] !== undefined) throw new UsageError(`--${o} applies to "run ${owner}" only`);
  }
  const raw: Record<string, unknown> = { today: values.today ?? today };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) raw[key] = value;
  };
  if (id === 'swap') {
    put('assignment_id', values['assignment-id']);
    put('requester', values.requester);
    put('candidate', values.candidate);
    put('reason', values['swap-reason']);
    put('max_candidates', number(values['max-candidates'], '--max-candidates', true));
    if (values.from !== undefined || values.to !== undefined) throw new UsageError('the swap workflow takes its dates from the assignment: drop --from/--to');
    if (values['schedule-id'] !== undefined) throw new UsageError('--schedule-id does not apply to the swap workflow (it works on the current schedule)');
  } else {
    put('start_date', values.from);
    put('end_date', values.to);
    put('schedule_id', values['schedule-id']);
    put('available_faculty', number(values['available-faculty'], '--available-faculty', true));
    put('required_blocks', number(values['required-blocks'], '--required-blocks', true));
    put('coverage_rate', number(values['coverage-rate'], '--coverage-rate', false));
  }
  if (id === 'generate') {
    put('algorithm', values.algorithm);
    put('time_limit_seconds', number(values['time-limit-seconds'], '--time-limit-seconds', true));
    if (values.tighten) raw['tighten'] = true;
  }
  try {
    module.definition.parseInputs(raw);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return raw;
}

export const EXIT_FOR_STATUS: Readonly<Record<Report['header']['status'], number>> = {
  completed: ExitCode.Ok,
  needs_review: ExitCode.NeedsReview,
  blocked: ExitCode.Blocked,
  failed: ExitCode.Failed,
  cancelled: ExitCode.Cancelled,
};

/** The `--json` object: the essentials first, the whole report under `report`. */
export function jsonResult(outcome: RunOutcome): Record<string, unknown> {
  const { report } = outcome;
  const h = report.header;
  return {
    runId: h.runId,
    workflow: h.workflow.id,
    mode: h.mode,
    status: h.status,
    engineStatus: h.engineStatus,
    reason: h.reason,
    decision: h.decision,
    confidence: h.confidence?.value ?? null,
    confidenceLevel: h.confidence ? { level: h.confidence.level, name: h.confidence.levelName, colour: h.confidence.colour } : null,
    phases: report.phases.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      confidence: p.confidence,
      steps: p.steps.map((s) => ({
        id: s.id,
        capability: s.capability,
        tool: s.tool,
        status: s.status,
        confidence: s.confidence,
        source: s.source,
        attempts: s.attempts,
        durationMs: s.durationMs,
      })),
    })),
    reportFiles: outcome.files,
    report,
  };
}

/** Resumes a recorded run; a run id that is not in the history, or of another workflow, is a usage error. */
async function resumeRun(app: SchedulingApp, runId: string, workflow: string | undefined, request: ResumeRequest): Promise<RunTicket> {
  let recorded: string;
  try {
    recorded = (await app.recordedRun(runId)).workflowId;
  } catch (error) {
    throw new UsageError(`--resume ${runId}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (workflow !== undefined && workflow !== recorded) throw new UsageError(`run ${runId} is a ${recorded} run, not ${workflow}`);
  return app.resume(runId, request);
}

/** A report file that cannot be written as asked is the user's to fix: exit 1 with the reason. */
async function usageOnBadFile<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof OutputFileError) throw new UsageError(`--report-file ${error.message}`);
    throw error;
  }
}

function reportPaths(file: string): { markdown: string; json: string } {
  if (file.endsWith('.json')) return { json: file, markdown: `${file.slice(0, -'.json'.length)}.md` };
  return { markdown: file, json: `${file}.json` };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a workflow (generate, compliance, swap, resilience) and report',
  usage: USAGE,

  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(argv, RUN_OPTIONS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.Ok;
    }
    const [name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const resumeId = values.resume;
    const retry = values['retry-uncertain-write'] ?? [];
    if (resumeId === undefined && retry.length > 0) throw new UsageError('--retry-uncertain-write goes with --resume <runId>');
    let start: { module: WorkflowModule; inputs: Record<string, unknown> } | undefined;
    if (resumeId !== undefined) {
      if (!/^[\w.-]+$/.test(resumeId)) throw new UsageError(`--resume needs a run id (as printed by "run"), got "${resumeId}"`);
      const given = WORKFLOW_OPTIONS.filter((o) => values[o] !== undefined);
      if (given.length > 0) throw new UsageError(`--resume continues the run with its recorded mode and inputs: drop --${given[0]}`);
      if (name !== undefined && !findWorkflow(name)) throw new UsageError(`unknown workflow "${name}" (workflows: ${NAMES.join(', ')})`);
    } else {
      if (!name) throw new UsageError(`name the workflow: ${NAMES.join(', ')}`);
      const module = findWorkflow(name);
      if (!module) throw new UsageError(`unknown workflow "${name}" (workflows: ${NAMES.join(', ')})`);
      const modes = Object.keys(module.definition.modes);
      if (values.mode !== undefined && !modes.includes(values.mode)) throw new UsageError(`workflow ${name} has no mode "${values.mode}" (modes: ${modes.join(', ')})`);
      start = { module, inputs: inputsFrom(module, values, localDate(systemClock.now())) };
    }
    const approvals = cliApprovals({ approve: values.approve === true, reason: values.reason, override: values.override, approver: values.approver }, systemClock);
    const stateDir = resolveStateDir(values['state-dir'], io.env);
    const policies = values.policy !== undefined ? await readPolicy(values.policy) : undefined;
    const logger = filteredLogger(stderrLogger(io), logLevelFrom(values));
    // A report file that cannot be written is found before anything runs (a write would otherwise happen first).
    const reportFile = values['report-file'] !== undefined ? reportPaths(values['report-file']) : undefined;
    const output = { overwrite: values.force === true };
    if (reportFile) {
      if (reportFile.markdown === reportFile.json) throw new UsageError('--report-file: the Markdown and JSON reports would be the same file');
      await usageOnBadFile(() => Promise.all([checkOutputFile(reportFile.markdown, output), checkOutputFile(reportFile.json, output)]));
    } else if (values.force) {
      throw new UsageError('--force goes with --report-file');
    }

    const elicitation = cliElicitation(process.stdin.isTTY === true && process.stderr.isTTY === true, logger);
    const connection = await connectFromOptions(values, io, elicitation);
    let app: SchedulingApp | undefined;
    try {
      app = await SchedulingApp.create({
        connection,
        stateDir,
        logger,
        defaultResponder: responderOf(approvals),
        ...terminalInputs(),
        renderAction: commandLine,
        elicitation,
        ...(policies ? { policies } : {}),
      });
      const paint = painter(colourWanted(process.stderr, io.env));
      const print = progressPrinter((line) => io.err(`${line}\n`), paint);
      const ticket = start
        ? app.start({ workflow: start.module.definition.id, inputs: start.inputs, mode: values.mode, signal: io.signal, onEvent: print })
        : await resumeRun(app, resumeId!, name, { signal: io.signal, onEvent: print, retryUncertainWrites: retry });
      const outcome = await ticket.done;
      const extraFiles = reportFile ? await usageOnBadFile(() => writeReport(outcome.report, reportFile.markdown, reportFile.json, output)) : undefined;
      if (values.json) io.out(`${JSON.stringify(jsonResult(extraFiles ? { ...outcome, files: extraFiles } : outcome))}\n`);
      else io.out(renderSummary(outcome.report, painter(colourWanted(process.stdout, io.env)), extraFiles ?? outcome.files));
      return EXIT_FOR_STATUS[outcome.report.header.status];
    } catch (error) {
      if (io.signal.aborted) throw new OrchestratorError('cancelled', 'interrupted (Ctrl-C)', { cause: error });
      throw error;
    } finally {
      await app?.dispose();
      await connection.close();
    }
  },
};

/** On a terminal, "needs input" questions are asked there; otherwise they are declined (the step names its flag). */
function terminalInputs(): { defaultInputResponder?: InputResponder } {
  return process.stdin.isTTY && process.stderr.isTTY ? { defaultInputResponder: promptInputs(process.stdin, process.stderr, safeUserName(), systemClock) } : {};
}

/** The --policy file, checked before anything starts: a bad field is a usage error. */
export async function readPolicy(file: string): Promise<PolicyOverrides> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--policy ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parsePolicyOverrides(raw);
  } catch (error) {
    throw new UsageError(`--policy ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
