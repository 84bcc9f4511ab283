/**
 * `sched-orch call <capability-or-tool>`: one tool call through the same invoker the
 * workflows use (capability resolution, progress, timeouts, typed results). Progress goes
 * to stderr, the result to stdout. Ctrl-C cancels the call on the server.
 */
import type { ToolProgress } from '../../core/engine/invoker';
import { McpToolInvoker } from '../../core/mcp/invoker';
import { systemClock } from '../../core/util/clock';
import { cliApprovals } from '../approvals';
import { approveCall } from '../callApproval';
import type { ResourceLink } from '../../core/engine/invoker';
import { silentLogger } from '../../core/util/log';
import { cliElicitation } from '../elicitation';
import { ExitCode } from '../exitCodes';
import { connectFromOptions, SERVER_OPTIONS, SERVER_OPTIONS_HELP } from '../serverOptions';
import type { CliIo } from '../terminal';
import { resolveStateDir } from '../stateDir';
import { parseCommandLine, parseMs, UsageError } from '../usage';
import type { Command } from './command';

const USAGE = `Usage: sched-orch call <capability-or-tool> [--args '<json object>'] [--timeout-ms <n>] [--max-total-ms <n>]
                        [--approve --reason "<text>" [--override "<why>"] [--approver <name>]] [server options]

Calls one tool. A capability short name (validate_schedule) resolves to the server's tool
(validate_schedule_tool); a tool name is used as is. Known capabilities have their result checked.

A tool that writes needs an approval, as in the workflows: on a terminal you are asked;
otherwise the call is refused (exit 3) unless --approve --reason "<text>" is given. A draft
to publish is checked for ACGME compliance first: critical issues need --override too.
Every answer is recorded in approvals.jsonl in the state directory before the call is sent,
and the approver becomes the tool's actor when --args names none.

Call options:
  --args '<json>'            the tool's arguments as a JSON object (default {})
  --timeout-ms <n>           fail when the server sends neither a result nor progress for n ms (default 30000)
  --max-total-ms <n>         fail after n ms whatever progress arrives (default 300000, at least --timeout-ms)
  --approve --reason "<text>" approve the write, as --approver <name> (default: your user name)
  --override "<why>"         also approve a write with blocking issues (an exception is recorded)
  --state-dir <dir>          where the approvals log is kept (default as for sched-orch run)

${SERVER_OPTIONS_HELP}`;

const CALL_OPTIONS = {
  ...SERVER_OPTIONS,
  args: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-total-ms': { type: 'string' },
  approve: { type: 'boolean' },
  reason: { type: 'string' },
  override: { type: 'string' },
  approver: { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

function parseToolArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--args must be a JSON object, e.g. \'{"message":"hi"}\'');
  return value as Record<string, unknown>;
}

function progressLine(p: ToolProgress): string {
  return `progress ${p.progress}${p.total !== undefined ? `/${p.total}` : ''}${p.message ? ` ${p.message}` : ''}\n`;
}

export const callCommand: Command = {
  name: 'call',
  summary: 'call one tool or capability and print its result',
  usage: USAGE,

  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(argv, CALL_OPTIONS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.Ok;
    }
    const [target, ...extra] = positionals;
    if (!target) throw new UsageError('name the capability or tool to call, e.g. sched-orch call validate_schedule');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const args = parseToolArgs(values.args);
    const timeoutMs = parseMs(values['timeout-ms'], '--timeout-ms', 30_000);
    const maxTotalTimeoutMs = parseMs(values['max-total-ms'], '--max-total-ms', Math.max(timeoutMs, 300_000));

    const approvals = cliApprovals({ approve: values.approve === true, reason: values.reason, override: values.override, approver: values.approver }, systemClock);
    const stateDir = resolveStateDir(values['state-dir'], io.env);

    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    const connection = await connectFromOptions(values, io, cliElicitation(interactive, silentLogger));
    try {
      const invoker = new McpToolInvoker({ connection });
      const resolution = invoker.resolve(target);
      let sent = args;
      if (resolution.status === 'available' && resolution.writes) {
        const schema = connection.tools.find((t) => t.name === resolution.tool)?.inputSchema;
        const takesActor = schema?.properties !== undefined && 'actor' in schema.properties;
        const { answer, args: approved } = await approveCall(invoker, { capability: resolution.capability, tool: resolution.tool, args, takesActor }, approvals, {
          stateDir,
          clock: systemClock,
          signal: io.signal,
        });
        if (!answer.approved) {
          io.err(`sched-orch: ${resolution.tool} writes and was not approved: ${answer.reason}\n`);
          return ExitCode.Blocked;
        }
        sent = approved;
      }
      const result = await invoker.invoke(target, sent, {
        signal: io.signal,
        timeoutMs,
        maxTotalTimeoutMs,
        onProgress: (p) => io.err(progressLine(p)),
      });
      io.out(values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result.data, null, 2)}\n${linkLines(result.links)}`);
      return ExitCode.Ok;
    } finally {
      await connection.close();
    }
  },
};

/** The resources a result refers to, one line each ("Link: schedule://drafts/d-1  Draft d-1"). */
function linkLines(links: readonly ResourceLink[] | undefined): string {
  return (links ?? []).map((l) => `Link: ${l.uri}  ${l.title ?? l.name}${l.description ? ` - ${l.description}` : ''}\n`).join('');
}
