/** The core's Logger port over VS Code's LogOutputChannel (one channel, levels honoured). */
import type * as vscode from 'vscode';
import type { Logger, LogLevel } from '../core/util/log';

/** vscode.LogLevel's values (Off 0 … Error 5); the channel's `logLevel` is the lowest it shows. */
const CHANNEL_LEVEL: Record<LogLevel, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };

export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    log(level, message, fields) {
      const line = fields ? `${message} ${JSON.stringify(fields)}` : message;
      try {
        channel[level](line);
      } catch {
        // The channel is closed while the extension deactivates: a log line must not fail the shutdown.
      }
    },
    // Tracing every MCP message costs nothing while the channel is not at Trace.
    enabled: (level) => channel.logLevel !== 0 && CHANNEL_LEVEL[level] >= channel.logLevel,
  };
}
