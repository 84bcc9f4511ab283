/**
 * The CLI's dispatcher: picks the command, turns failures into one line on stderr and an
 * exit code (see exitCodes.ts). A stack trace is printed only with --verbose.
 */
import { OrchestratorError } from '../core/errors';
import { redactUrlCredentials } from '../core/util/redact';
import { callCommand } from './commands/call';
import type { Command } from './commands/command';
import { demoCommand } from './commands/demo';
import { runCommand } from './commands/run';
import { toolsCommand } from './commands/tools';
import { ExitCode, exitCodeFor } from './exitCodes';
import { formatTable, type CliIo } from './terminal';
import { UsageError } from './usage';

const COMMANDS: readonly Command[] = [toolsCommand, callCommand, runCommand, demoCommand];

function overview(): string {
  return `Usage: sched-orch <command> [options]

Commands:
${formatTable(COMMANDS.map((c) => [c.name, c.summary]))}

Run "sched-orch <command> --help" for a command's options.
Exit codes: 0 ok, 1 usage error, 2 needs review, 3 blocked, 4 call or connection failed, 5 authentication failed, 130 cancelled.
`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(overview());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const verbose = rest.includes('--verbose');
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest, io);
  } catch (error) {
    // Whatever failed, a URL's user and password never reach the terminal (or a cron mail).
    if (error instanceof UsageError) {
      io.err(`sched-orch: ${redactUrlCredentials(error.message)}\nRun "sched-orch ${command ? `${command.name} ` : ''}--help" for usage.\n`);
      return ExitCode.Usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`sched-orch: ${error instanceof OrchestratorError ? `${error.kind}: ` : ''}${redactUrlCredentials(message)}\n`);
    if (verbose && error instanceof Error && error.stack) io.err(`${redactUrlCredentials(error.stack)}\n`);
    return exitCodeFor(error);
  }
}
