/**
 * What a host asks a person for before it starts a workflow, in one host-neutral place: the
 * inputs' schema (zod, and the JSON Schema derived from it for forms and language-model
 * tools), and a plan of which inputs to ask for, with their defaults and where their choices
 * come from. Quick picks, chat argument parsing and tool schemas all read this.
 */
import * as z from 'zod';

/** Where a host reads the choices of an input from (never typed ids). */
export type ChoiceSource =
  /** Active people of the program (the server's people list). */
  | 'people'
  /** Upcoming assignments of the person given as `requester`. */
  | 'requester_assignments'
  /** Stored schedules (the current one and drafts). */
  | 'schedules';

/**
 * A default a host computes when it asks: the range of the current schedule, the next week to
 * schedule (next week, or the current schedule's first week when it starts later; see
 * nextWeekToSchedule in ./scope.ts), today.
 */
export type DefaultRule = 'schedule_start' | 'schedule_end' | 'next_week_start' | 'next_week_end' | 'today';

const DEFAULT_RULES: ReadonlySet<unknown> = new Set<DefaultRule>(['schedule_start', 'schedule_end', 'next_week_start', 'next_week_end', 'today']);

export function isDefaultRule(value: unknown): value is DefaultRule {
  return DEFAULT_RULES.has(value);
}

export interface InputField {
  key: string;
  title: string;
  /** One sentence for a prompt or a form's hint. */
  description: string;
  type: 'date' | 'string' | 'integer' | 'number' | 'boolean' | 'enum';
  required: boolean;
  /** Asked for by default; other inputs are offered as advanced options. */
  ask: boolean;
  choices?: readonly { value: string; description: string }[];
  choicesFrom?: ChoiceSource;
  default?: DefaultRule | string | number | boolean;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
}

export interface InputPlan {
  fields: readonly InputField[];
}

/** The JSON Schema of a workflow's inputs (draft 2020-12, as language-model tools take it). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** The date-range and schedule inputs every read workflow shares. */
export const SCOPE_FIELDS: readonly InputField[] = [
  { key: 'start_date', title: 'From', description: 'First day of the range (YYYY-MM-DD)', type: 'date', required: false, ask: true, default: 'schedule_start' },
  { key: 'end_date', title: 'To', description: 'Last day of the range (YYYY-MM-DD)', type: 'date', required: false, ask: true, default: 'schedule_end' },
  {
    key: 'schedule_id',
    title: 'Schedule',
    description: 'A stored schedule (or draft) for the steps that validate one by id',
    type: 'string',
    required: false,
    ask: false,
    choicesFrom: 'schedules',
  },
  {
    key: 'available_faculty',
    title: 'Available faculty',
    description: 'Faculty available in the range, for servers whose utilization tool needs it',
    type: 'integer',
    required: false,
    ask: false,
    min: 0,
  },
  {
    key: 'required_blocks',
    title: 'Required blocks',
    description: 'Blocks that must be covered, for servers whose utilization tool needs it',
    type: 'integer',
    required: false,
    ask: false,
    min: 0,
  },
  {
    key: 'coverage_rate',
    title: 'Coverage rate',
    description: 'Share of required coverage met (0-1), for servers whose defense-level tool needs it',
    type: 'number',
    required: false,
    ask: false,
    min: 0,
    max: 1,
  },
];
