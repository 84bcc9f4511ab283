/** The core's Logger port over VS Code's LogOutputChannel (one channel, levels honoured). */
import type * as vscode from 'vscode';
import type { Logger } from '../core/util/log';

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
  };
}
