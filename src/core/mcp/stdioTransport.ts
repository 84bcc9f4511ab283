/**
 * Client transport to a server started as a child process, speaking newline-delimited
 * JSON-RPC over stdin/stdout. Written here rather than using the SDK's StdioClientTransport
 * because the host must be able to say *why* a server died: the SDK's transport drops the
 * exit code and hands stderr over as a raw stream. This one keeps the exit code or signal and
 * the last stderr lines, and passes stderr on line by line (log lines, not errors).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import spawn from 'cross-spawn';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioProcessOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  /** Added to the minimal inherited environment (PATH, HOME, USER, … as the SDK defines it). */
  env: Readonly<Record<string, string>>;
  /** Receives each complete line the server writes to stderr. */
  onStderrLine(line: string): void;
  /** How long to wait after closing stdin before SIGTERM, and after SIGTERM before SIGKILL. */
  closeGraceMs?: number;
  /** How many stderr lines to keep for the failure report. */
  stderrTailLines?: number;
}

/** Why the server process is gone, when it is. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started at all (ENOENT, EACCES …). */
  spawnError?: string;
  stderrTail: readonly string[];
}

export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly buffer = new ReadBuffer();
  private stderrPartial = '';
  private readonly tail: string[] = [];
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private spawnError?: NodeJS.ErrnoException;
  private readonly closed: Promise<void>;
  private markClosed!: () => void;

  constructor(private readonly options: StdioProcessOptions) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Process id once started (for logs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child || this.exited) return Promise.reject(new Error('StdioProcessTransport already started'));
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, [...this.options.args], {
        env: { ...getDefaultEnvironment(), ...this.options.env },
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // Its own process group (POSIX): a terminal's Ctrl-C then reaches only the host, which
        // cancels the running call (notifications/cancelled) and closes the server politely.
        detached: process.platform !== 'win32',
      }) as ChildProcessWithoutNullStreams;
      this.child = child;
      child.once('spawn', () => resolve());
      child.once('error', (error: NodeJS.ErrnoException) => {
        // 'error' before 'spawn' means the command could not be started at all.
        if (child.pid === undefined) this.spawnError = error;
        reject(error);
        this.onerror?.(error);
      });
      child.once('close', (code, signal) => {
        this.flushStderr();
        this.exited = { code, signal };
        this.child = undefined;
        this.markClosed();
        this.onclose?.();
      });
      child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
      // EPIPE when the server is gone; the 'close' event reports the real cause.
      child.stdin.on('error', (error) => this.onerror?.(error));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => this.onStderr(text));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || !stdin.writable) return Promise.reject(new Error('the server process is not running'));
    return new Promise((resolve, reject) => {
      const ok = stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Closes stdin, then escalates to SIGTERM and SIGKILL if the server does not exit. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const grace = this.options.closeGraceMs ?? 2000;
    child.stdin.end();
    if (await this.exitsWithin(grace)) return;
    signalServer(child, 'SIGTERM');
    if (await this.exitsWithin(grace)) return;
    signalServer(child, 'SIGKILL');
    await this.closed;
  }

  /** Why the process is gone, or undefined while it runs. */
  exit(): ProcessExit | undefined {
    if (this.spawnError) {
      const code = this.spawnError.code ?? this.spawnError.message;
      return { code: null, signal: null, spawnError: code, stderrTail: [...this.tail] };
    }
    if (!this.exited) return undefined;
    return { ...this.exited, stderrTail: [...this.tail] };
  }

  private exitsWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.closed.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private onStdout(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a server printing to stdout) is reported and skipped.
        this.onerror?.(new Error(`the server wrote a line that is not JSON-RPC to stdout: ${String(error)}`));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private onStderr(text: string): void {
    const lines = (this.stderrPartial + text).split(/\r?\n/);
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) this.emitStderrLine(line);
  }

  private flushStderr(): void {
    if (this.stderrPartial) this.emitStderrLine(this.stderrPartial);
    this.stderrPartial = '';
  }

  private emitStderrLine(line: string): void {
    if (!line.trim()) return;
    this.tail.push(line);
    if (this.tail.length > (this.options.stderrTailLines ?? 10)) this.tail.shift();
    this.options.onStderrLine(line);
  }
}

/**
 * Signals the server's whole process group where it has one (POSIX), so a wrapper such as
 * npx does not leave the real server behind; elsewhere just the process.
 */
function signalServer(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  if (process.platform !== 'win32' && child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // The group is gone already; fall through to the process itself.
    }
  }
  child.kill(signal);
}

/** One sentence about a process exit, for error messages. */
export function describeExit(exit: ProcessExit): string {
  const how = exit.spawnError ? `could not be started (${exit.spawnError})` : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.slice(-5);
  return tail.length > 0 ? `the server process ${how}; last stderr lines: ${tail.join(' | ')}` : `the server process ${how}`;
}
