/**
 * What a chat message asks for, read without a language model: `/compliance next month`,
 * `/generate 2027-01-04..2027-01-10 greedy`, `/swap Nils Moreau 2027-01-18 with r-004`.
 * Dates and ranges (`YYYY-MM-DD..YYYY-MM-DD`, `from … to …`, this/next week, this/next
 * month, this block), the workflow's modes, an algorithm, and people by id or name. What it
 * cannot read is a clear message, never a guess.
 */
import type { Choice, ScheduleFacts } from './inputChoices';
import { findWorkflow } from '../workflows/catalog';
import { addDays, isoDate, nextMonday } from '../workflows/shared/scope';

export type ChatCommand = 'compliance' | 'resilience' | 'generate' | 'swap' | 'health' | 'explain';
export const CHAT_COMMANDS: readonly ChatCommand[] = ['compliance', 'resilience', 'generate', 'swap', 'health', 'explain'];

export interface ChatContext {
  /** The local date. */
  today: string;
  /** The current schedule, for "this block" and the default range. */
  schedule?: ScheduleFacts;
}

/** A person named in the message, still to be matched against the server's people. */
export interface PersonMention {
  role: 'requester' | 'candidate';
  text: string;
}

export type ParsedChat =
  | {
      ok: true;
      workflow: string;
      mode?: string;
      inputs: Record<string, unknown>;
      /** People to resolve (swap). */
      people: PersonMention[];
      /** A date the message names for the swap's assignment. */
      date?: string;
      /** What was understood, in words (echoed to the user). */
      understood: string[];
    }
  | { ok: false; message: string };

const DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
const RANGE = /(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|\bto\b|\buntil\b|\bthrough\b)\s*(\d{4}-\d{2}-\d{2})/i;

function checkDate(text: string): string | undefined {
  return isoDate.safeParse(text).success ? undefined : `"${text}" is not a real calendar date (expected YYYY-MM-DD)`;
}

function monthRange(today: string, offset: number): [string, string] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 + offset, 1));
  const last = new Date(Date.UTC(y, m + offset, 0));
  return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
}

/** The Monday of the week `today` is in. */
function weekStart(today: string): string {
  const monday = nextMonday(today);
  return monday === today ? today : addDays(monday, -7);
}

interface Range {
  start: string;
  end: string;
  words: string;
}

/** The range the text names, an error for a bad date, or nothing. */
function rangeOf(text: string, ctx: ChatContext): Range | { error: string } | undefined {
  const explicit = RANGE.exec(text);
  if (explicit) {
    const [, start, end] = explicit as unknown as [string, string, string];
    const bad = checkDate(start) ?? checkDate(end);
    if (bad) return { error: bad };
    if (start > end) return { error: `the range ${start}..${end} ends before it starts` };
    return { start, end, words: `${start} to ${end}` };
  }
  const lower = text.toLowerCase();
  if (/\bnext month\b/.test(lower)) {
    const [start, end] = monthRange(ctx.today, 1);
    return { start, end, words: `next month (${start} to ${end})` };
  }
  if (/\bthis month\b/.test(lower)) {
    const [start, end] = monthRange(ctx.today, 0);
    return { start, end, words: `this month (${start} to ${end})` };
  }
  if (/\bnext week\b/.test(lower)) {
    const start = nextMonday(ctx.today);
    return { start, end: addDays(start, 6), words: `next week (${start} to ${addDays(start, 6)})` };
  }
  if (/\bthis week\b/.test(lower)) {
    const start = weekStart(ctx.today);
    return { start, end: addDays(start, 6), words: `this week (${start} to ${addDays(start, 6)})` };
  }
  if (/\b(this|current) (block|schedule)\b/.test(lower)) {
    if (!ctx.schedule) return { error: 'the server reports no current schedule, so "this block" has no dates: give them as YYYY-MM-DD..YYYY-MM-DD' };
    return { start: ctx.schedule.start, end: ctx.schedule.end, words: `this block (${ctx.schedule.start} to ${ctx.schedule.end})` };
  }
  return undefined;
}

/** Reads a workflow command's arguments. `health` and `explain` take free text and are not parsed here. */
export function parseChatRequest(command: Exclude<ChatCommand, 'health' | 'explain'>, text: string, ctx: ChatContext): ParsedChat {
  const module = findWorkflow(command);
  if (!module) return { ok: false, message: `unknown workflow "${command}"` };
  const def = module.definition;
  for (const date of text.match(DATE) ?? []) {
    const bad = checkDate(date);
    if (bad) return { ok: false, message: bad };
  }
  const understood: string[] = [];
  const inputs: Record<string, unknown> = { today: ctx.today };
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9_-]+/)
    .filter(Boolean);
  const modes = Object.keys(def.modes);
  const mode = modes.find((m) => words.includes(m));
  if (mode) understood.push(`mode ${mode}`);

  if (command === 'swap') {
    const withMatch = /\b(?:with|to)\s+(.+?)(?=\s+\d{4}-\d{2}-\d{2}|$)/i.exec(text);
    const rest = (withMatch ? text.replace(withMatch[0], ' ') : text).replace(DATE, ' ');
    const modeWords = new Set([...modes, 'swap', 'on', 'my', 'shift', 'the', 'for']);
    const requester = rest
      .split(/\s+/)
      .filter((w) => w && !modeWords.has(w.toLowerCase()))
      .join(' ')
      .trim();
    if (!requester) return { ok: false, message: 'name who gives the shift away (a person id such as r-003, or a name), and the date of the shift: /swap Nils Moreau 2027-01-18' };
    const dates = text.replace(withMatch?.[0] ?? '', ' ').match(DATE) ?? [];
    const people: PersonMention[] = [{ role: 'requester', text: requester }];
    if (withMatch?.[1]) people.push({ role: 'candidate', text: withMatch[1].trim() });
    return { ok: true, workflow: command, ...(mode ? { mode } : {}), inputs, people, ...(dates[0] ? { date: dates[0] } : {}), understood };
  }

  const range = rangeOf(text, ctx);
  if (range && 'error' in range) return { ok: false, message: range.error };
  if (range) {
    inputs['start_date'] = range.start;
    inputs['end_date'] = range.end;
    understood.push(range.words);
  } else if ((text.match(DATE) ?? []).length === 1) {
    const day = text.match(DATE)![0];
    inputs['start_date'] = day;
    inputs['end_date'] = day;
    understood.push(`the day ${day}`);
  }
  const scheduleId = /\b(?:schedule|draft)\s+([A-Za-z0-9_-]+)/i.exec(text)?.[1] ?? /\b(draft-[A-Za-z0-9]+)\b/.exec(text)?.[1];
  if (scheduleId && command !== 'generate') {
    inputs['schedule_id'] = scheduleId;
    understood.push(`schedule ${scheduleId}`);
  }
  if (command === 'generate') {
    const algorithm = ['greedy', 'optimal'].find((a) => words.includes(a));
    if (algorithm) {
      inputs['algorithm'] = algorithm;
      understood.push(`algorithm ${algorithm}`);
    }
    if (words.some((w) => w === 'tighten' || w === 'tighter')) {
      inputs['tighten'] = true;
      understood.push('tighter constraints');
    }
  }
  try {
    def.parseInputs(inputs);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, workflow: command, ...(mode ? { mode } : {}), inputs, people: [], understood };
}

export type PersonMatch = { ok: true; choice: Choice } | { ok: false; message: string; options: Choice[] };

/** Matches a mention to one person: by id, then full name, then every word of the name. */
export function resolvePerson(mention: string, people: readonly Choice[]): PersonMatch {
  const wanted = mention.trim().toLowerCase();
  const byId = people.find((p) => p.value.toLowerCase() === wanted);
  if (byId) return { ok: true, choice: byId };
  const byName = people.filter((p) => p.label.toLowerCase() === wanted);
  if (byName.length === 1) return { ok: true, choice: byName[0]! };
  const parts = wanted.split(/\s+/);
  const partial = people.filter((p) =>
    parts.every((w) =>
      p.label
        .toLowerCase()
        .split(/\s+/)
        .some((n) => n.startsWith(w)),
    ),
  );
  if (partial.length === 1) return { ok: true, choice: partial[0]! };
  if (partial.length === 0) return { ok: false, message: `nobody called "${mention}" is in the program`, options: [] };
  return { ok: false, message: `"${mention}" could be ${partial.length} people: ${partial.map((p) => `${p.label} (${p.value})`).join(', ')}. Which one?`, options: partial };
}

/** The requester's assignment on `date` (or the only one offered), else a question listing them. */
export function pickAssignment(assignments: readonly Choice[], date: string | undefined, who: string): PersonMatch {
  const onDate = date ? assignments.filter((a) => a.label.startsWith(date)) : [...assignments];
  if (onDate.length === 1) return { ok: true, choice: onDate[0]! };
  const list = (date && onDate.length === 0 ? assignments : onDate).slice(0, 12);
  if (list.length === 0) return { ok: false, message: `${who} has no upcoming assignment to swap`, options: [] };
  const intro = date && onDate.length === 0 ? `${who} has no assignment on ${date}.` : `${who} has ${onDate.length} upcoming assignments.`;
  return { ok: false, message: `${intro} Name the date of the one to swap: ${list.map((a) => a.label).join('; ')}`, options: list };
}
