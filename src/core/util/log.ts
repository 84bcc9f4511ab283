/** Levels in increasing severity; `trace` carries JSON-RPC traffic, `info` lifecycle. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** The one logging port every core component takes; hosts decide where lines go. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /**
   * Whether a line at `level` would go anywhere; absent means yes. Hot paths (per-message
   * tracing) ask first, so building a line nobody reads costs nothing.
   */
  enabled?(level: LogLevel): boolean;
}

export const silentLogger: Logger = { log() {}, enabled: () => false };

/** Whether `logger` wants lines at `level` (see Logger.enabled). */
export function logs(logger: Logger, level: LogLevel): boolean {
  return logger.enabled?.(level) ?? true;
}

/** A logger that drops lines below `min` before handing them on. */
export function filteredLogger(inner: Logger, min: LogLevel): Logger {
  const floor = LOG_LEVELS.indexOf(min);
  return {
    log(level, message, fields) {
      if (LOG_LEVELS.indexOf(level) >= floor) inner.log(level, message, fields);
    },
    enabled: (level) => LOG_LEVELS.indexOf(level) >= floor && logs(inner, level),
  };
}

/**
 * Wraps a logger so that none of the given secrets can leave through it, whatever
 * code path formats them into a message or a field.
 */
export function redactingLogger(inner: Logger, secrets: () => readonly string[]): Logger {
  return {
    log(level, message, fields) {
      const list = secrets().filter((s) => s.length >= 4);
      if (list.length === 0) return inner.log(level, message, fields);
      inner.log(level, redact(message, list), fields ? (JSON.parse(redact(JSON.stringify(fields), list)) as Record<string, unknown>) : undefined);
    },
    enabled: (level) => logs(inner, level),
  };
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Collects lines in memory: used by tests and by hosts that show a recent-log view. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message, ...(fields ? { fields } : {}) });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message}${l.fields ? ' ' + JSON.stringify(l.fields) : ''}`).join('\n');
  }
}
