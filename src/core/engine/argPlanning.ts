/**
 * Argument planning of one tool call: the step's own arguments, plus the arguments it plans
 * (each with where its value came from), fitted to the tool's declared input schema before
 * anything is sent. Fitting maps renamed arguments, drops the ones the tool does not declare,
 * and validates the rest with the client's JSON Schema validator (src/core/mcp/schemaValidator.ts). A call that
 * would still miss a required argument, or that the schema rejects, is never sent.
 *
 * Provenance and confidence (documented in docs/workflows.md, "Arguments"):
 * - `input`: given by the user when the run started (flag, form): no change;
 * - `derived`: computed by the workflow from earlier results: −DERIVED_PENALTY each;
 * - `user`: answered to a "needs input" question during the run: −USER_PENALTY each;
 * - `server`: an optional argument left to the server, which computes it from its own data: no change;
 * - `default`: a documented default stood in for a value: never evidence, the step is capped at DEFAULT_CAP
 *   and alerts resting on it are not raised.
 */
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ConfidenceFactor } from '../confidence/score';
import type { JsonObject } from './definition';
import { jsonSchemaValidator as validator } from '../mcp/schemaValidator';
import type { ArgProvenance, ArgSource } from './provenance';

export type { ArgProvenance, ArgSource } from './provenance';
export { describeProvenance } from './provenance';

/** What an argument means and where it could come from: the text of a "needs input" question. */
export interface ArgNeed {
  arg: string;
  /** One line: what the number is, e.g. "faculty members available to cover the period". */
  meaning: string;
  /** Where it could come from, e.g. "the people list (list_people) or --available-faculty". */
  where: string;
  /** The CLI flag that supplies it on the next run. */
  flag: string;
  /** How an answer is checked before it is used. */
  kind: 'integer' | 'rate';
}

/** An argument a step plans: its value when the workflow has one, and what to ask otherwise. */
export interface PlannedArg {
  need: ArgNeed;
  value?: number;
  source?: Exclude<ArgSource, 'user' | 'server'>;
  from?: string;
}

export type CallPlan =
  | { status: 'ready'; args: JsonObject; provenance: ArgProvenance[]; dropped: string[]; renamed: string[] }
  | { status: 'needs_input'; missing: ArgNeed[]; unknown: string[]; provenance: ArgProvenance[] }
  | { status: 'invalid'; message: string; provenance: ArgProvenance[] };

/** Per-argument confidence cost of a value the user did not give at the start. */
export const DERIVED_PENALTY = 0.05;
export const USER_PENALTY = 0.1;
/** A step resting on a default carries no more than this. */
export const DEFAULT_CAP = 0.3;

const compiled = new WeakMap<object, (input: unknown) => { valid: boolean; errorMessage?: string | undefined }>();

interface SchemaFacts {
  properties: Record<string, { default?: unknown } & Record<string, unknown>> | undefined;
  required: string[];
  closed: boolean;
}

function facts(schema: JsonObject | undefined): SchemaFacts {
  const props = schema?.['properties'];
  const properties = props && typeof props === 'object' && Object.keys(props).length > 0 ? (props as SchemaFacts['properties']) : undefined;
  const required = Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  return { properties, required, closed: schema?.['additionalProperties'] === false };
}

function validate(schema: JsonObject, args: JsonObject): string | undefined {
  let check = compiled.get(schema);
  if (!check) {
    check = validator.getValidator<JsonObject>(schema as JsonSchemaType);
    compiled.set(schema, check);
  }
  const result = check(args);
  return result.valid ? undefined : (result.errorMessage ?? 'the arguments do not match the input schema');
}

export interface FitRequest {
  /** The step's own arguments (workflow settings and scope values). */
  args: JsonObject;
  planned: readonly PlannedArg[];
  /** Answers given during this run (or an earlier start of it), by argument name. */
  answers: ReadonlyMap<string, number>;
  /** The tool's declared input schema; undefined when the invoker knows none (nothing is fitted then). */
  schema: JsonObject | undefined;
  /** Workflow argument name -> the name this server's tool uses for it. */
  aliases?: Readonly<Record<string, string>>;
}

/**
 * Fits a call to the tool's schema. A planned argument without a value is asked for when the
 * server cannot do without it: the schema requires it, gives it a default (a blind value), or
 * declares no arguments at all (nothing says it is optional; an MCP server always sends a schema). One the schema makes optional
 * without a default is left to the server, which computes it from its own data; so is a
 * derived one (the server's own figure is better than the workflow's estimate), while a value
 * the user gave is always sent.
 */
export function fitCall(request: FitRequest): CallPlan {
  const { schema, planned, answers } = request;
  const { properties, required, closed } = facts(schema);
  const args: JsonObject = { ...request.args };
  const provenance: ArgProvenance[] = [];
  const missing: ArgNeed[] = [];
  for (const p of planned) {
    const arg = p.need.arg;
    const answer = answers.get(arg);
    const declared = properties?.[arg];
    const leftToServer = declared !== undefined && !required.includes(arg) && declared.default === undefined;
    if (p.value !== undefined && p.source && !(p.source === 'derived' && leftToServer)) {
      args[arg] = p.value;
      provenance.push({ arg, value: p.value, source: p.source, ...(p.from ? { from: p.from } : {}) });
    } else if (answer !== undefined) {
      args[arg] = answer;
      provenance.push({ arg, value: answer, source: 'user', from: 'answer' });
    } else if (leftToServer) {
      delete args[arg];
      provenance.push({ arg, value: null, source: 'server', from: 'the server computes it' });
    } else if (schema === undefined) {
      // The invoker knows no schema (an in-process fake): nothing to fit, the call goes as built.
      delete args[arg];
    } else {
      delete args[arg];
      missing.push(p.need);
    }
  }
  const renamed: string[] = [];
  for (const [ours, theirs] of Object.entries(request.aliases ?? {})) {
    if (!(ours in args) || !properties || ours in properties || !(theirs in properties)) continue;
    args[theirs] = args[ours];
    delete args[ours];
    renamed.push(`${ours} -> ${theirs}`);
    for (const p of provenance) if (p.arg === ours) p.arg = theirs;
  }
  const dropped = properties ? Object.keys(args).filter((k) => !(k in properties)) : [];
  for (const k of dropped) delete args[k];
  const unknown = required.filter((r) => !(r in args) && !missing.some((m) => m.arg === r));
  if (missing.length > 0 || unknown.length > 0) return { status: 'needs_input', missing, unknown, provenance };
  if (schema && (properties || closed)) {
    const error = validate(schema, args);
    if (error) return { status: 'invalid', message: error, provenance };
  }
  return { status: 'ready', args, provenance, dropped, renamed };
}

/** Confidence factors of a call's provenance (see the header for the rule). */
export function provenanceFactors(provenance: readonly ArgProvenance[]): ConfidenceFactor[] {
  const factors: ConfidenceFactor[] = [];
  for (const p of provenance) {
    const value = `${p.arg} ${String(p.value)}`;
    if (p.source === 'derived') factors.push({ kind: 'adjust', label: `${value} derived from ${p.from ?? 'earlier results'}`, delta: -DERIVED_PENALTY });
    else if (p.source === 'user') factors.push({ kind: 'adjust', label: `${value} given as an answer during the run`, delta: -USER_PENALTY });
    else if (p.source === 'default') factors.push({ kind: 'cap', label: `${value} is a default, not evidence`, max: DEFAULT_CAP });
  }
  return factors;
}

/** True when a result rests on a default for one of its arguments: alerts from it are not raised. */
export function restsOnDefault(provenance: readonly ArgProvenance[] | undefined): boolean {
  return provenance?.some((p) => p.source === 'default') ?? false;
}

/** How the flag is written with its value, e.g. "--coverage-rate <0-1>". */
export function flagUsage(need: Pick<ArgNeed, 'flag' | 'kind'>): string {
  return `${need.flag} ${need.kind === 'rate' ? '<0-1>' : '<n>'}`;
}

/** The question a host asks, and the message of a step skipped for want of an answer. */
export function needText(need: ArgNeed, capability: string): string {
  return `${capability} needs ${need.arg}: ${need.meaning}. It could come from ${need.where}.`;
}

/** Checks an answer: a non-negative integer or a rate in [0, 1]. Returns the value or an error text. */
export function parseAnswer(need: ArgNeed, raw: string): { value: number } | { error: string } {
  const text = raw.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) return { error: `${need.arg} must be a number` };
  if (need.kind === 'integer' && (!Number.isInteger(value) || value < 0)) return { error: `${need.arg} must be a whole number >= 0` };
  if (need.kind === 'rate' && (value < 0 || value > 1)) return { error: `${need.arg} must be between 0 and 1` };
  return { value };
}
