/**
 * Asks a person for a workflow's inputs, following the workflow's input plan
 * (src/core/workflows/inputFields.ts): the mode first (with its description), then each field
 * the plan asks for — dates in input boxes with the plan's default (the current schedule's
 * range, read from the server; for a new draft the next week to schedule), choices in quick picks (people
 * and a person's assignments come from the server, never typed ids). Fields the plan does not
 * ask for keep their previous value (re-run with edited inputs) or their computed default.
 * The workflow's own parser checks the inputs before anything starts.
 */
import * as vscode from 'vscode';
import type { Choice, InputChoices } from '../core/app/inputChoices';
import { localDate } from '../core/util/clock';
import type { JsonObject } from '../core/engine/definition';
import type { InputField } from '../core/workflows/shared/inputPlan';
import { numberProblem } from './inputs/fieldInput';
import { loadRuntime } from './loadRuntime';

export interface WorkflowRequest {
  workflow: string;
  mode: string;
  inputs: Record<string, unknown>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A quick-pick answer that leaves an optional input to the workflow's default. */
const DEFAULT_CHOICE = '\u0000default';
/** A prompt the person closed: stop asking. */
const CANCELLED = Symbol('cancelled');

async function pick(title: string, placeHolder: string, choices: readonly Choice[], preferred?: string): Promise<string | undefined> {
  const items = [...choices];
  // The preferred (previous or default) choice first: Enter takes it.
  items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true, matchOnDescription: true });
  return chosen?.value;
}

function validator(field: InputField): (text: string) => string | undefined {
  return (raw) => {
    const text = raw.trim();
    if (text === '') return field.required ? `${field.title} is required` : undefined;
    if (field.type === 'date') return ISO_DATE.test(text) ? undefined : 'Use the form YYYY-MM-DD';
    if (field.type === 'integer' || field.type === 'number')
      return numberProblem(
        { title: field.title, type: field.type, ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}) },
        text,
      );
    return undefined;
  };
}

interface Context {
  today: string;
  source: InputChoices;
  inputs: Record<string, unknown>;
}

async function ask(field: InputField, title: string, ctx: Context, previous: unknown): Promise<unknown> {
  const signal = new AbortController().signal;
  if (field.choicesFrom === 'people' || field.choicesFrom === 'requester_assignments') {
    const choices = field.choicesFrom === 'people' ? await ctx.source.people(signal) : await ctx.source.assignments(String(ctx.inputs['requester']), ctx.today, signal);
    if (choices.length === 0)
      throw new Error(field.choicesFrom === 'people' ? 'The server lists no people.' : 'That person has no assignments in the coming weeks: nothing to swap.');
    return (await pick(title, field.title, choices, previous as string | undefined)) ?? CANCELLED;
  }
  if (field.type === 'enum' || field.type === 'boolean') {
    const options: Choice[] =
      field.type === 'boolean'
        ? [
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]
        : (field.choices ?? []).map((c) => ({ value: c.value, label: c.value, description: c.description }));
    if (!field.required) options.push({ value: DEFAULT_CHOICE, label: 'Default', description: "the workflow's or server's default" });
    const chosen = await pick(title, field.title, options, previous === undefined ? (field.required ? undefined : DEFAULT_CHOICE) : String(previous));
    if (chosen === undefined) return CANCELLED;
    if (chosen === DEFAULT_CHOICE) return undefined;
    return field.type === 'boolean' ? chosen === 'true' : chosen;
  }
  const value = previous !== undefined ? String(previous) : await ctx.source.initialValue(field, ctx.today, signal);
  const text = await vscode.window.showInputBox({
    title,
    prompt: `${field.description}${field.required ? '' : value ? '' : '; leave empty for the default'}`,
    value: value ?? '',
    ignoreFocusOut: true,
    validateInput: validator(field),
  });
  if (text === undefined) return CANCELLED;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return field.type === 'integer' || field.type === 'number' ? Number(trimmed) : trimmed;
}

/**
 * Asks for everything the workflow's plan asks for; undefined when the person closes a prompt.
 * `previous` pre-fills the prompts (re-run with edited inputs).
 */
export async function askWorkflowInputs(
  workflow: string,
  choices: () => Promise<InputChoices>,
  previous?: { mode: string; inputs: JsonObject },
): Promise<WorkflowRequest | undefined> {
  const module = (await loadRuntime()).workflowModule(workflow);
  const definition = module.definition;
  const asked = module.inputPlan.fields.filter((f) => f.ask);
  const step = (n: number) => `${definition.title} (${n}/${asked.length + 1})`;
  const modes = Object.entries(definition.modes).map(([value, m]) => ({ value, label: value, ...(m.description === undefined ? {} : { description: m.description }) }));
  const mode = await pick(step(1), 'Mode', modes, previous?.mode ?? definition.defaultMode);
  if (!mode) return undefined;
  const ctx: Context = { today: localDate(Date.now()), source: await choices(), inputs: {} };
  for (const [i, field] of asked.entries()) {
    const value = await ask(field, step(i + 2), ctx, previous?.inputs[field.key]);
    if (value === CANCELLED) return undefined;
    if (value !== undefined) ctx.inputs[field.key] = value;
  }
  for (const field of module.inputPlan.fields.filter((f) => !f.ask)) {
    const value = previous?.inputs[field.key] ?? (field.default === 'today' ? ctx.today : undefined);
    if (value !== undefined && value !== null) ctx.inputs[field.key] = value;
  }
  // The workflow's own parser: a bad range is a clear message and nothing starts.
  definition.parseInputs(ctx.inputs);
  return { workflow, mode, inputs: ctx.inputs };
}
