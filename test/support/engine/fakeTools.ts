/**
 * An in-memory tool server implementing ToolInvoker for engine tests and the benchmark.
 * Each capability has a latency (on the injected clock) and a script of answers; every
 * call is recorded with its arguments, options and whether (and why) it was aborted, so
 * tests can check that cancellation reached "the server".
 */
import { OrchestratorError, type ErrorKind } from '../../../src/core/errors';
import type { ArgumentSchema, InvokeOptions, InvokeResult, Resolution, ToolInvoker } from '../../../src/core/engine/invoker';
import type { Clock } from '../../../src/core/util/clock';

type Json = Record<string, unknown>;

/** One scripted answer: data, an error of a kind, or a call that never answers. */
export type Answer = { data: Json; latencyMs?: number } | { error: ErrorKind; message?: string; latencyMs?: number } | { hang: true };

export interface FakeCall {
  capability: string;
  args: Json;
  options: InvokeOptions;
  startedAt: number;
  endedAt?: number;
  /** Set when the signal aborted while the call was running. */
  abortedWith?: unknown;
  outcome?: 'ok' | 'error' | 'aborted';
}

export interface ToolSpec {
  /** Default latency of every call. */
  latencyMs?: number;
  writes?: boolean;
  /** Makes the capability unavailable with this reason. */
  unavailable?: string;
  /** Answers used in order; when exhausted, `respond` (or `{ ok: true }`) answers. */
  script?: Answer[];
  respond?: (args: Json, call: FakeCall) => Json;
  /** Progress notifications sent at these fractions of the latency. */
  progressAt?: number[];
  /** The tool's declared input schema; a call missing a required argument answers with a validation error, like the real server. */
  inputSchema?: Json;
}

export class FakeToolServer implements ToolInvoker {
  readonly calls: FakeCall[] = [];
  private readonly specs = new Map<string, ToolSpec>();

  constructor(
    private readonly clock: Clock,
    private identity = 'fake-server 1.0 (memory)',
  ) {}

  define(capability: string, spec: ToolSpec = {}): this {
    this.specs.set(capability, { ...spec, script: [...(spec.script ?? [])] });
    return this;
  }

  /** Appends answers to a capability's script. */
  script(capability: string, ...answers: Answer[]): this {
    const spec = this.specs.get(capability);
    if (!spec) throw new Error(`unknown capability ${capability}`);
    spec.script!.push(...answers);
    return this;
  }

  setIdentity(identity: string): void {
    this.identity = identity;
  }

  callsTo(capability: string): FakeCall[] {
    return this.calls.filter((c) => c.capability === capability);
  }

  serverIdentity(): string {
    return this.identity;
  }

  resolve(capability: string): Resolution {
    const spec = this.specs.get(capability);
    if (!spec) return { status: 'unavailable', capability, reason: 'not registered on the fake server' };
    if (spec.unavailable) return { status: 'unavailable', capability, reason: spec.unavailable };
    return { status: 'available', capability, tool: `${capability}_tool`, writes: spec.writes === true };
  }

  argumentSchema(capability: string): ArgumentSchema | undefined {
    const schema = this.specs.get(capability)?.inputSchema;
    return schema ? { inputSchema: schema } : undefined;
  }

  async invoke(capability: string, args: Json, options: InvokeOptions): Promise<InvokeResult> {
    const spec = this.specs.get(capability);
    if (!spec || spec.unavailable) throw new OrchestratorError('unavailable', `${capability} is not available`, { tool: capability });
    const call: FakeCall = { capability, args, options, startedAt: this.clock.now() };
    this.calls.push(call);
    const required = Array.isArray(spec.inputSchema?.['required']) ? (spec.inputSchema['required'] as string[]) : [];
    const missing = required.filter((r) => !(r in args));
    if (missing.length > 0) throw new OrchestratorError('validation', `${capability}_tool: missing required argument(s) ${missing.join(', ')}`, { tool: `${capability}_tool` });
    const answer: Answer = spec.script!.shift() ?? { data: spec.respond ? spec.respond(args, call) : { ok: true } };
    const latency = 'hang' in answer ? Number.POSITIVE_INFINITY : (answer.latencyMs ?? spec.latencyMs ?? 0);
    try {
      if (spec.progressAt && Number.isFinite(latency)) {
        let elapsed = 0;
        for (const fraction of spec.progressAt) {
          const at = latency * fraction;
          await this.clock.sleep(at - elapsed, options.signal);
          elapsed = at;
          options.onProgress?.({ progress: fraction, total: 1 });
        }
        await this.clock.sleep(latency - elapsed, options.signal);
      } else if (Number.isFinite(latency)) {
        await this.clock.sleep(latency, options.signal);
      } else {
        await new Promise<never>((_, reject) => {
          if (options.signal.aborted) reject(options.signal.reason);
          options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true });
        });
      }
    } catch (error) {
      call.abortedWith = options.signal.reason ?? error;
      call.outcome = 'aborted';
      call.endedAt = this.clock.now();
      throw options.signal.reason ?? error;
    }
    call.endedAt = this.clock.now();
    if ('error' in answer) {
      call.outcome = 'error';
      throw new OrchestratorError(answer.error, answer.message ?? `${capability} failed (${answer.error})`, { tool: `${capability}_tool` });
    }
    call.outcome = 'ok';
    return { tool: `${capability}_tool`, data: 'data' in answer ? answer.data : {} };
  }
}
