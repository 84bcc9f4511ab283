import type { CliIo } from '../terminal';

/** One CLI command; src/cli/cli.ts dispatches to it by name. */
export interface Command {
  readonly name: string;
  /** One line for the command list in `sched-orch --help`. */
  readonly summary: string;
  readonly usage: string;
  /** Returns the exit code; throws UsageError or OrchestratorError. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
