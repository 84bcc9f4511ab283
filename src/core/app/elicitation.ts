/**
 * A server's request for user input (MCP `elicitation/create`), host-neutral. The connection
 * hands each request to an ElicitationBroker; the broker turns it into an ElicitationRequest
 * (flat fields from the requested schema, or the URL's domain), asks the host's
 * ElicitationPort, checks the answer against the schema, and reports the outcome (answers of
 * secret-looking fields redacted, never a URL's path or query) so the app records it in the
 * history of the run whose call it came during (see requestOwner in engine/activeCalls.ts).
 *
 * Hosts implement ElicitationPort: the CLI asks on a terminal and declines without one
 * (src/cli/elicitation.ts); VS Code shows native dialogs and quick inputs built from `fields`.
 * URL mode: the host shows `domain` and asks before opening anything; it opens `url` only
 * after a yes and never logs it.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../util/log';

export type FieldValue = string | number | boolean | string[];

export interface ElicitField {
  name: string;
  title: string;
  description?: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'multi-enum';
  required: boolean;
  /** Enum choices with their display titles. */
  options?: { value: string; title: string }[];
  default?: FieldValue;
  minimum?: number;
  maximum?: number;
  /** String formats the server named (email, uri, date, date-time). */
  format?: string;
  minLength?: number;
  maxLength?: number;
}

export type ElicitationRequest =
  { mode: 'form'; server: string; message: string; fields: ElicitField[] } | { mode: 'url'; server: string; message: string; domain: string; url: string };

export type ElicitationAnswer = { action: 'accept'; content?: Record<string, FieldValue> } | { action: 'decline' } | { action: 'cancel' };

export interface ElicitationPort {
  /** Resolves with the person's answer; `signal` aborts when the server withdraws the request. */
  elicit(request: ElicitationRequest, signal: AbortSignal): Promise<ElicitationAnswer>;
}

/** What is recorded of one elicitation: no secret values, no URL beyond its domain. */
export interface ElicitationRecord {
  server: string;
  mode: 'form' | 'url';
  message: string;
  action: ElicitationAnswer['action'];
  /** Accepted form answers; secret-looking fields as "[redacted]". */
  answers?: Record<string, FieldValue>;
  domain?: string;
  /** Why an answer was turned into a decline (it did not fit the schema). */
  note?: string;
}

/** What is known of a request when it arrives. */
export interface ElicitationArrival {
  /** The server task whose work asked (MCP tasks: the request's related-task metadata). */
  taskId?: string;
}

/** The MCP tasks metadata key that names the task a server request belongs to (the SDK's RELATED_TASK_META_KEY; its module is not loaded for one string). */
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

function relatedTask(params: ElicitRequest['params']): string | undefined {
  const related = params._meta?.[RELATED_TASK];
  const taskId = typeof related === 'object' && related !== null ? (related as { taskId?: unknown }).taskId : undefined;
  return typeof taskId === 'string' ? taskId : undefined;
}

const SECRET_NAME = /pass|secret|token|key|credential|pin|ssn/i;

/** Fields whose answers are never recorded (and that hosts ask for without echoing them). */
export function isSecretField(name: string): boolean {
  return SECRET_NAME.test(name);
}

export class ElicitationBroker {
  private readonly listeners = new Set<(arrived: ElicitationArrival) => (record: ElicitationRecord) => void>();

  constructor(
    private readonly port: ElicitationPort,
    private readonly logger: Logger,
  ) {}

  /**
   * Sees each request as it arrives (with the server task it belongs to, when the server names
   * one) and, through the function it returns, the request's record once answered: the app
   * notes which calls were in flight on arrival to record the answer in the right run.
   */
  onRequest(listener: (arrived: ElicitationArrival) => (record: ElicitationRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sees the record of every answered request. */
  onAnswered(listener: (record: ElicitationRecord) => void): () => void {
    return this.onRequest(() => listener);
  }

  /** The connection's handler for `elicitation/create`. */
  async handle(server: string, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult> {
    const request = toRequest(server, params);
    const taskId = relatedTask(params);
    const arrival: ElicitationArrival = taskId !== undefined ? { taskId } : {};
    const answered = [...this.listeners].flatMap((listener) => {
      try {
        return [listener(arrival)];
      } catch (error) {
        this.logger.log('warn', `an elicitation listener failed: ${String(error)}`);
        return [];
      }
    });
    let answer: ElicitationAnswer;
    let note: string | undefined;
    try {
      answer = await this.port.elicit(request, signal);
    } catch (error) {
      // Fail closed: a host that cannot ask declines.
      this.logger.log('warn', `could not ask for the input ${server} requested: ${String(error)}`);
      answer = { action: 'decline' };
    }
    if (answer.action === 'accept' && request.mode === 'form') {
      const problem = checkContent(request.fields, answer.content ?? {});
      if (problem) {
        note = problem;
        answer = { action: 'decline' };
      }
    }
    const record: ElicitationRecord = {
      server,
      mode: request.mode,
      message: request.message,
      action: answer.action,
      ...(answer.action === 'accept' && answer.content ? { answers: redacted(answer.content) } : {}),
      ...(request.mode === 'url' ? { domain: request.domain } : {}),
      ...(note ? { note } : {}),
    };
    for (const listener of answered) {
      try {
        listener(record);
      } catch (error) {
        this.logger.log('warn', `an elicitation listener failed: ${String(error)}`);
      }
    }
    return answer.action === 'accept' && request.mode === 'form' ? { action: 'accept', content: answer.content ?? {} } : { action: answer.action };
  }
}

/** Flat fields from the requested schema (the spec allows only primitive properties). */
export function toRequest(server: string, params: ElicitRequest['params']): ElicitationRequest {
  if (params.mode === 'url') {
    let domain: string;
    try {
      domain = new URL(params.url).host;
    } catch {
      domain = '(not a valid URL)';
    }
    return { mode: 'url', server, message: params.message, domain, url: params.url };
  }
  const schema = params.requestedSchema;
  const required = new Set(schema.required ?? []);
  const fields: ElicitField[] = Object.entries(schema.properties).map(([name, raw]) => {
    const def = raw as Record<string, unknown>;
    const base = {
      name,
      title: typeof def['title'] === 'string' ? def['title'] : name,
      ...(typeof def['description'] === 'string' ? { description: def['description'] } : {}),
      required: required.has(name),
      ...(def['default'] !== undefined ? { default: def['default'] as FieldValue } : {}),
    };
    const items = def['items'] as Record<string, unknown> | undefined;
    if (def['type'] === 'array' && items) return { ...base, type: 'multi-enum', options: enumOptions(items) };
    if (Array.isArray(def['enum']) || Array.isArray(def['oneOf'])) return { ...base, type: 'enum', options: enumOptions(def) };
    const type = def['type'] === 'number' || def['type'] === 'integer' || def['type'] === 'boolean' ? def['type'] : 'string';
    return {
      ...base,
      type,
      ...(typeof def['minimum'] === 'number' ? { minimum: def['minimum'] } : {}),
      ...(typeof def['maximum'] === 'number' ? { maximum: def['maximum'] } : {}),
      ...(typeof def['format'] === 'string' ? { format: def['format'] } : {}),
      ...(typeof def['minLength'] === 'number' ? { minLength: def['minLength'] } : {}),
      ...(typeof def['maxLength'] === 'number' ? { maxLength: def['maxLength'] } : {}),
    };
  });
  return { mode: 'form', server, message: params.message, fields };
}

function enumOptions(def: Record<string, unknown>): { value: string; title: string }[] {
  const titled = (def['oneOf'] ?? def['anyOf']) as { const?: unknown; title?: unknown }[] | undefined;
  if (Array.isArray(titled)) return titled.map((o) => ({ value: String(o.const), title: typeof o.title === 'string' ? o.title : String(o.const) }));
  const values = (def['enum'] as unknown[] | undefined) ?? [];
  const names = def['enumNames'] as unknown[] | undefined;
  return values.map((v, i) => ({ value: String(v), title: typeof names?.[i] === 'string' ? (names[i] as string) : String(v) }));
}

/** The first way `content` does not fit the fields, or undefined. */
export function checkContent(fields: readonly ElicitField[], content: Record<string, FieldValue>): string | undefined {
  for (const field of fields) {
    const value = content[field.name];
    if (value === undefined) {
      if (field.required) return `${field.title} is required`;
      continue;
    }
    const ok =
      field.type === 'boolean'
        ? typeof value === 'boolean'
        : field.type === 'number' || field.type === 'integer'
          ? typeof value === 'number' && Number.isFinite(value) && (field.type === 'number' || Number.isInteger(value)) && inRange(value, field)
          : field.type === 'enum'
            ? typeof value === 'string' && (field.options ?? []).some((o) => o.value === value)
            : field.type === 'multi-enum'
              ? Array.isArray(value) && value.every((v) => (field.options ?? []).some((o) => o.value === v))
              : typeof value === 'string' && stringProblem(field, value) === undefined;
    if (!ok) return `${field.title}: ${JSON.stringify(value)} does not fit the requested ${field.type}`;
  }
  const unknown = Object.keys(content).find((k) => !fields.some((f) => f.name === k));
  return unknown ? `${unknown} was not asked for` : undefined;
}

const FORMATS: Record<string, { test(text: string): boolean; example: string }> = {
  email: { test: (t) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t), example: 'name@example.org' },
  uri: { test: (t) => URL.canParse(t) && /^[a-z][a-z0-9+.-]*:/i.test(t), example: 'https://example.org/page' },
  date: { test: (t) => /^\d{4}-\d{2}-\d{2}$/.test(t) && !Number.isNaN(Date.parse(`${t}T00:00:00Z`)), example: '2027-01-04' },
  'date-time': { test: (t) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t) && !Number.isNaN(Date.parse(t)), example: '2027-01-04T08:00:00Z' },
};

/** Why a text does not fit a string field (length, format), or undefined when it does. */
export function stringProblem(field: Pick<ElicitField, 'title' | 'format' | 'minLength' | 'maxLength'>, text: string): string | undefined {
  if (field.minLength !== undefined && text.length < field.minLength) return `${field.title} needs at least ${field.minLength} characters`;
  if (field.maxLength !== undefined && text.length > field.maxLength) return `${field.title} takes at most ${field.maxLength} characters`;
  const format = field.format ? FORMATS[field.format] : undefined;
  if (format && !format.test(text)) return `${field.title} must be ${field.format === 'email' ? 'an' : 'a'} ${field.format} (e.g. ${format.example})`;
  return undefined;
}

function inRange(value: number, field: ElicitField): boolean {
  return (field.minimum === undefined || value >= field.minimum) && (field.maximum === undefined || value <= field.maximum);
}

function redacted(content: Record<string, FieldValue>): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(content).map(([k, v]) => [k, isSecretField(k) ? '[redacted]' : v]));
}
