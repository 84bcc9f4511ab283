/**
 * One flat schema field (src/core/app/elicitation.ts's ElicitField) asked with VS Code's own
 * quick inputs: strings and numbers in an input box that validates as the person types
 * (length, format, integer, range), booleans as a Yes / No pick, enums as a pick showing the
 * choices' titles, multi-select enums as a pick with several choices. Optional fields can be
 * skipped (an empty box, or the "Skip" choice); Escape cancels. Both the server's requests for
 * input (elicitationPrompt.ts) and the engine's "needs input" questions (needsInput.ts) ask
 * through here, so both validate alike.
 */
import * as vscode from 'vscode';
import { isSecretField, stringProblem, type ElicitField, type FieldValue } from '../../core/app/elicitation';

/** Escape (or the request withdrawn) while a field was asked. */
export const CANCELLED = Symbol('cancelled');

export type FieldAnswer = FieldValue | undefined | typeof CANCELLED;

export interface FieldContext {
  /** The quick input's title, e.g. "sched-server asks for input (2/3)". */
  title: string;
  /** Closes the open quick input when the request is withdrawn or the run stops. */
  token?: vscode.CancellationToken;
}

const YES = 'Yes';
const NO = 'No';
const SKIP = 'Skip (leave empty)';

interface ChoiceItem extends vscode.QuickPickItem {
  value?: string | boolean;
}

/** Why a typed number does not fit the field, or undefined when it does. */
export function numberProblem(field: Pick<ElicitField, 'title' | 'type' | 'minimum' | 'maximum'>, text: string): string | undefined {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) return `${field.title} must be a number`;
  if (field.type === 'integer' && !Number.isInteger(n)) return `${field.title} must be a whole number`;
  if (field.minimum !== undefined && field.maximum !== undefined && (n < field.minimum || n > field.maximum))
    return `${field.title} must be between ${field.minimum} and ${field.maximum}`;
  if (field.minimum !== undefined && n < field.minimum) return `${field.title} must be at least ${field.minimum}`;
  if (field.maximum !== undefined && n > field.maximum) return `${field.title} must be at most ${field.maximum}`;
  return undefined;
}

/** What the box says under the title: the field's meaning, its limits, whether it may stay empty. */
function promptOf(field: ElicitField): string {
  const limits =
    field.type === 'number' || field.type === 'integer'
      ? [
          field.type === 'integer' ? 'a whole number' : 'a number',
          field.minimum !== undefined ? `≥ ${field.minimum}` : undefined,
          field.maximum !== undefined ? `≤ ${field.maximum}` : undefined,
        ]
      : [
          field.format,
          field.minLength !== undefined ? `at least ${field.minLength} characters` : undefined,
          field.maxLength !== undefined ? `at most ${field.maxLength} characters` : undefined,
        ];
  const limitText = limits.filter((l): l is string => l !== undefined).join(', ');
  return [`${field.title}${field.description ? `: ${field.description}` : ''}`, limitText ? `(${limitText})` : '', field.required ? '' : '— optional: leave empty to skip']
    .filter((p) => p !== '')
    .join(' ');
}

async function askText(field: ElicitField, context: FieldContext): Promise<FieldAnswer> {
  const numeric = field.type === 'number' || field.type === 'integer';
  const text = await vscode.window.showInputBox(
    {
      title: context.title,
      prompt: promptOf(field),
      ignoreFocusOut: true,
      password: !numeric && isSecretField(field.name),
      ...(field.default !== undefined ? { value: String(field.default) } : {}),
      validateInput: (value) => {
        if (value.trim() === '') return field.required ? `${field.title} is required` : undefined;
        return numeric ? numberProblem(field, value) : stringProblem(field, value);
      },
    },
    context.token,
  );
  if (text === undefined) return CANCELLED;
  if (text.trim() === '') return undefined;
  return numeric ? Number(text.trim()) : text;
}

async function askChoice(field: ElicitField, context: FieldContext): Promise<FieldAnswer> {
  const items: ChoiceItem[] =
    field.type === 'boolean'
      ? [
          { label: YES, value: true },
          { label: NO, value: false },
        ]
      : (field.options ?? []).map((o) => ({ label: o.title, value: o.value, ...(o.title !== o.value ? { description: o.value } : {}) }));
  for (const item of items) if (item.value === field.default) item.detail = 'default';
  if (!field.required) items.push({ label: SKIP });
  const picked = await vscode.window.showQuickPick(items, { title: context.title, placeHolder: promptOf(field), ignoreFocusOut: true, matchOnDescription: true }, context.token);
  if (picked === undefined) return CANCELLED;
  return picked.value;
}

async function askMany(field: ElicitField, context: FieldContext): Promise<FieldAnswer> {
  const defaults = Array.isArray(field.default) ? field.default : [];
  const items: ChoiceItem[] = (field.options ?? []).map((o) => ({
    label: o.title,
    value: o.value,
    picked: defaults.includes(o.value),
    ...(o.title !== o.value ? { description: o.value } : {}),
  }));
  const picked = await vscode.window.showQuickPick(
    items,
    {
      title: context.title,
      placeHolder: `${promptOf({ ...field, required: true })} — choose any number${field.required ? '' : ', or none'}`,
      ignoreFocusOut: true,
      canPickMany: true,
      matchOnDescription: true,
    },
    context.token,
  );
  if (picked === undefined) return CANCELLED;
  const values = picked.map((p) => p.value).filter((v): v is string => typeof v === 'string');
  return values.length === 0 && !field.required ? undefined : values;
}

/** Asks one field; resolves with its value, undefined when an optional field was skipped, or CANCELLED. */
export function askField(field: ElicitField, context: FieldContext): Promise<FieldAnswer> {
  switch (field.type) {
    case 'boolean':
    case 'enum':
      return askChoice(field, context);
    case 'multi-enum':
      return askMany(field, context);
    default:
      return askText(field, context);
  }
}

/** A cancellation token that fires when `signal` aborts; dispose it when the question is over. */
export function tokenFor(signal: AbortSignal): vscode.CancellationTokenSource {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source;
}

/** Runs prompts one at a time: quick inputs replace each other, so parallel questions wait their turn. */
export class PromptQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(prompt: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(prompt);
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
