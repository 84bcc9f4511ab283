/**
 * How the CLI answers approval requests. Approvals fail closed: with `--approve --reason`
 * every request is approved by the named approver (with `--override` also one that has
 * blocking issues, which creates an exception record); on a terminal the person is asked;
 * otherwise every request is rejected with a reason that says how to approve.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { ApprovalAnswer, ApprovalPort, ApprovalRequest } from '../core/engine/approval';
import { approvalView, describeApproval } from '../core/app/approvalView';
import { raceAbort } from '../core/policy/abort';
import type { Clock } from '../core/util/clock';
import { UsageError } from './usage';

export interface ApprovalFlags {
  approve: boolean;
  reason?: string | undefined;
  override?: string | undefined;
  approver?: string | undefined;
}

/** Answers every request as the flags say; a request with blocking issues needs --override too. */
export function flagApprovals(flags: ApprovalFlags & { reason: string }, approver: string, clock: Clock): ApprovalPort {
  return {
    request: async (request) => ({
      approved: true,
      approver,
      reason: flags.reason,
      at: clock.now(),
      ...(flags.override && request.blockingIssues.length > 0 ? { override: { justification: flags.override } } : {}),
    }),
  };
}

/** Rejects every request: no terminal and no --approve. */
export function rejectingApprovals(clock: Clock): ApprovalPort {
  return {
    request: async () => ({
      approved: false,
      approver: 'sched-orch (no terminal)',
      reason: 'no terminal to ask on and no --approve given: re-run with --approve --reason "<why>" to approve',
      at: clock.now(),
    }),
  };
}

/**
 * The demo's approver: approves what it is shown, clearly labelled, but never overrides
 * blocking issues (a compliance exception needs a person's justification).
 */
export function demoApprovals(clock: Clock): ApprovalPort {
  return {
    request: async (request) =>
      request.blockingIssues.length > 0
        ? { approved: false, approver: 'demo approver (automatic)', reason: 'the demo approver does not override compliance issues', at: clock.now() }
        : { approved: true, approver: 'demo approver (automatic)', reason: 'sched-orch demo: approved automatically to show the whole flow', at: clock.now() },
  };
}

/** The request as a person reads it on a terminal. */
export function describeRequest(request: ApprovalRequest): string {
  const [title, ...rest] = describeApproval(approvalView(request));
  return `${['', `── Approval needed: ${title} ──`, ...rest].join('\n')}\n`;
}

/**
 * Asks on a terminal. Empty, unknown or interrupted answers reject. `defaultApprover` is
 * offered as the name (the OS user).
 */
export function promptApprovals(input: Readable, output: Writable, defaultApprover: string, clock: Clock): ApprovalPort {
  return {
    async request(request, signal): Promise<ApprovalAnswer> {
      output.write(describeRequest(request));
      // Lines are read through the iterator, which buffers them: answers typed (or piped) ahead are not lost.
      const rl = createInterface({ input, terminal: false });
      const lines = rl[Symbol.asyncIterator]();
      try {
        const ask = async (q: string) => {
          output.write(q);
          const next = await raceAbort(lines.next(), signal);
          return next.done ? '' : String(next.value);
        };
        const options = request.blockingIssues.length > 0 ? '[o]verride / [n]o' : '[y]es / [n]o';
        const choice = (await ask(`Approve? ${options}: `)).trim().toLowerCase();
        const approved = request.blockingIssues.length > 0 ? choice === 'o' || choice === 'override' : choice === 'y' || choice === 'yes';
        const name = (await ask(`Your name [${defaultApprover}]: `)).trim() || defaultApprover;
        const reason = (await ask('Reason: ')).trim() || (approved ? 'approved at the terminal' : 'rejected at the terminal');
        if (!approved) return { approved: false, approver: name, reason, at: clock.now() };
        if (request.blockingIssues.length === 0) return { approved: true, approver: name, reason, at: clock.now() };
        const justification = (await ask('Why is the exception justified? ')).trim();
        if (!justification) return { approved: false, approver: name, reason: 'no justification given for the override', at: clock.now() };
        return { approved: true, approver: name, reason, at: clock.now(), override: { justification } };
      } finally {
        rl.close();
      }
    },
  };
}

/** The OS user name, the default approver. */
export function safeUserName(): string {
  try {
    return userInfo().username || 'unknown user';
  } catch {
    return 'unknown user';
  }
}

/** Checks the approval flags together (a usage error before anything runs). */
export function checkApprovalFlags(flags: ApprovalFlags): void {
  if (flags.approve && !flags.reason?.trim()) throw new UsageError('--approve needs --reason "<why>" (it is recorded with the approval)');
  if ((flags.override !== undefined || flags.approver !== undefined) && !flags.approve) throw new UsageError('--override and --approver go with --approve');
}

/**
 * How this process answers approvals: the flags, else a prompt on a terminal (stdin and
 * stderr both terminals), else a refusal that says how to approve.
 */
export function cliApprovals(flags: ApprovalFlags, clock: Clock): ApprovalPort {
  checkApprovalFlags(flags);
  if (flags.approve) return flagApprovals({ ...flags, reason: flags.reason! }, flags.approver ?? `${safeUserName()} (sched-orch --approve)`, clock);
  if (process.stdin.isTTY && process.stderr.isTTY) return promptApprovals(process.stdin, process.stderr, safeUserName(), clock);
  return rejectingApprovals(clock);
}
