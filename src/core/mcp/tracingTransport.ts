/**
 * Wraps a transport so every JSON-RPC message in either direction reaches the log at
 * trace level. The SDK's Protocol installs its callbacks on this wrapper; the wrapper
 * forwards the inner transport's events to whatever callbacks are installed at that moment.
 * The logger is asked per message whether it wants trace lines (a host may change its level
 * at any time); when it does not, a message costs one check.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { logs, type Logger } from '../util/log';

export class TracingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  constructor(
    readonly inner: Transport,
    private readonly logger: Logger,
    private readonly label: string,
  ) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => {
      if (logs(this.logger, 'trace')) this.logger.log('trace', `<- ${this.label}`, { message });
      this.onmessage?.(message, extra);
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (logs(this.logger, 'trace')) this.logger.log('trace', `-> ${this.label}`, { message });
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
