/**
 * Asks a person for a workflow's inputs with quick picks and input boxes: the mode (with its
 * description), the date range (defaulting to the current schedule's, read from the server;
 * a new schedule defaults to next Monday to Sunday), and for a swap the requester and one of
 * their assignments, picked from lists the server gives. The inputs are checked by the
 * workflow's own parser before anything starts.
 */
import * as vscode from 'vscode';
import { defaultValue, localDate, type Choice, type InputChoices, type ScheduleFacts } from '../core/app/inputChoices';
import { workflowModule } from '../core/app/schedulingApp';
import type { JsonObject } from '../core/engine/definition';
import { SCOPE_FIELDS, type DefaultRule } from '../core/workflows/shared/inputPlan';

export interface WorkflowRequest {
  workflow: string;
  mode: string;
  inputs: Record<string, unknown>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Defaults of the range for each workflow: read workflows look at the current schedule, generation plans the next week. */
const RANGE_DEFAULTS: Readonly<Record<string, readonly [DefaultRule, DefaultRule]>> = {
  generate: ['next_monday', 'next_sunday'],
};

function field(key: 'start_date' | 'end_date') {
  const found = SCOPE_FIELDS.find((f) => f.key === key);
  if (!found) throw new Error(`no input field ${key}`);
  return found;
}

async function pick(title: string, placeholder: string, choices: readonly Choice[], preferred?: string): Promise<string | undefined> {
  const items = choices.map((c) => ({ label: c.label, description: c.description, value: c.value, picked: c.value === preferred }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder: placeholder, ignoreFocusOut: true, matchOnDescription: true });
  return chosen?.value;
}

async function askDate(title: string, key: 'start_date' | 'end_date', value: string | undefined): Promise<string | undefined | null> {
  const f = field(key);
  const answer = await vscode.window.showInputBox({
    title,
    prompt: `${f.description}${value ? '' : '; leave empty for the workflow default'}`,
    value: value ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' || ISO_DATE.test(text.trim()) ? undefined : 'Use the form YYYY-MM-DD'),
  });
  if (answer === undefined) return null;
  return answer.trim() || undefined;
}

/**
 * Asks for everything the workflow needs; undefined when the person cancels a prompt.
 * `previous` pre-fills the prompts (re-run with edited inputs).
 */
export async function askWorkflowInputs(workflow: string, choices: () => Promise<InputChoices>, previous?: { mode: string; inputs: JsonObject }): Promise<WorkflowRequest | undefined> {
  const definition = workflowModule(workflow).definition;
  const step = (n: number, of: number) => `${definition.title} (${n}/${of})`;
  const modes = Object.entries(definition.modes).map(([value, m]) => ({ value, label: value, description: m.description }));
  const mode = await pick(step(1, 3), 'Mode', modes, previous?.mode ?? definition.defaultMode);
  if (!mode) return undefined;
  const today = localDate(Date.now());
  const inputs: Record<string, unknown> = { today };
  const source = await choices();
  if (workflow === 'swap') {
    const people = await source.people(new AbortController().signal);
    const requester = await pick(step(2, 3), 'Who wants to give a shift away?', people, previous?.inputs['requester'] as string | undefined);
    if (!requester) return undefined;
    const assignments = await source.assignments(requester, today, new AbortController().signal);
    if (assignments.length === 0) {
      void vscode.window.showWarningMessage('That person has no assignments in the coming weeks: nothing to swap.');
      return undefined;
    }
    const assignment = await pick(step(3, 3), 'Which assignment?', assignments, previous?.inputs['assignment_id'] as string | undefined);
    if (!assignment) return undefined;
    Object.assign(inputs, { requester, assignment_id: assignment });
  } else {
    const [startRule, endRule] = RANGE_DEFAULTS[workflow] ?? [field('start_date').default as DefaultRule, field('end_date').default as DefaultRule];
    const schedule: ScheduleFacts | undefined = startRule.startsWith('schedule') ? await source.schedule(new AbortController().signal) : undefined;
    const from = await askDate(step(2, 3), 'start_date', (previous?.inputs['start_date'] as string | undefined) ?? defaultValue(startRule, today, schedule));
    if (from === null) return undefined;
    const to = await askDate(step(3, 3), 'end_date', (previous?.inputs['end_date'] as string | undefined) ?? defaultValue(endRule, today, schedule));
    if (to === null) return undefined;
    if (from) inputs['start_date'] = from;
    if (to) inputs['end_date'] = to;
    for (const key of ['schedule_id', 'available_faculty', 'required_blocks', 'coverage_rate', 'algorithm', 'time_limit_seconds', 'tighten']) {
      if (previous?.inputs[key] !== undefined) inputs[key] = previous.inputs[key];
    }
  }
  // The workflow's own parser: a bad range is a clear message and nothing starts.
  definition.parseInputs(inputs);
  return { workflow, mode, inputs };
}
