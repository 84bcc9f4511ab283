/** Terminal output: the CLI's I/O port, log lines on stderr, and plain-text tables. */
import { LOG_LEVELS, type Logger, type LogLevel } from '../core/util/log';
import { redactUrlCredentials } from '../core/util/redact';

/** Where a command writes; main.ts binds it to the process, tests can bind it elsewhere. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Log lines on stderr, one per line: `[level] message {fields}`. */
export function stderrLogger(io: CliIo): Logger {
  return {
    log(level, message, fields) {
      io.err(redactUrlCredentials(`[${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`));
    },
  };
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** First line of a server-provided text, shortened for a table cell. */
export function oneLine(text: string | undefined, max = 72): string {
  const first = (text ?? '').split('\n')[0]?.trim() ?? '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
