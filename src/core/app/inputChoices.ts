/**
 * What a host offers when it asks for a workflow's inputs, read from the server: the current
 * schedule's range (the default of a read workflow's dates), the program's people and a
 * person's upcoming assignments (a swap's requester and assignment are picked, never typed).
 * Reads go through a ToolInvoker by capability, so any server that has the tools works.
 */
import type { ToolInvoker } from '../engine/invoker';
import { isDefaultRule, type DefaultRule, type InputField } from '../workflows/shared/inputPlan';
import { addDays, nextWeekToSchedule } from '../workflows/shared/scope';

export interface Choice {
  value: string;
  label: string;
  description?: string;
}

export interface ScheduleFacts {
  scheduleId: string;
  name: string;
  start: string;
  end: string;
}

const READ_LIMITS = { timeoutMs: 15_000, maxTotalTimeoutMs: 30_000 };
/** How far ahead a swap's assignments are offered. */
export const SWAP_HORIZON_DAYS = 56;

const text = (record: Record<string, unknown>, key: string): string | undefined => (typeof record[key] === 'string' ? record[key] : undefined);
const rows = (record: Record<string, unknown>, key: string): Record<string, unknown>[] =>
  Array.isArray(record[key]) ? (record[key] as unknown[]).filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object') : [];

export class InputChoices {
  /** The current schedule, read once for all the prompts of one request. */
  private current?: Promise<ScheduleFacts | undefined>;

  constructor(private readonly invoker: ToolInvoker) {}

  /** The value a prompt for `field` starts with: its rule's (from today and the current schedule) or its literal default. */
  async initialValue(field: InputField, today: string, signal: AbortSignal): Promise<string | undefined> {
    if (!isDefaultRule(field.default)) return field.default === undefined ? undefined : String(field.default);
    const schedule = field.default === 'today' ? undefined : await (this.current ??= this.schedule(signal));
    return defaultValue(field.default, today, schedule);
  }

  private async read(capability: string, args: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    return (await this.invoker.invoke(capability, args, { signal, ...READ_LIMITS })).data;
  }

  /** The current schedule, or undefined when the server has no schedule status tool or no schedule. */
  async schedule(signal: AbortSignal): Promise<ScheduleFacts | undefined> {
    if (this.invoker.resolve('get_schedule_status').status !== 'available') return undefined;
    const status = await this.read('get_schedule_status', {}, signal);
    const [scheduleId, start, end] = [text(status, 'schedule_id'), text(status, 'start_date'), text(status, 'end_date')];
    if (!scheduleId || !start || !end) return undefined;
    return { scheduleId, name: text(status, 'name') ?? scheduleId, start, end };
  }

  /** Active people, residents first, by name. */
  async people(signal: AbortSignal): Promise<Choice[]> {
    const data = await this.read('list_people', {}, signal);
    return rows(data, 'people')
      .filter((p) => p['active'] !== false && typeof p['person_id'] === 'string')
      .map((p) => ({
        id: p['person_id'] as string,
        name: text(p, 'name') ?? (p['person_id'] as string),
        role: text(p, 'role') ?? '',
        pgy: typeof p['pgy'] === 'number' ? p['pgy'] : undefined,
      }))
      .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'resident' ? -1 : 1))
      .map((p) => ({ value: p.id, label: p.name, description: [p.role, p.pgy !== undefined ? `PGY-${p.pgy}` : undefined, p.id].filter(Boolean).join(' · ') }));
  }

  /** A person's assignments from `today` over the swap horizon, by date. */
  async assignments(personId: string, today: string, signal: AbortSignal): Promise<Choice[]> {
    const data = await this.read('get_assignments', { person_id: personId, start_date: today, end_date: addDays(today, SWAP_HORIZON_DAYS) }, signal);
    return rows(data, 'assignments')
      .filter((a) => typeof a['assignment_id'] === 'string')
      .sort((a, b) => String(a['start'] ?? a['date']).localeCompare(String(b['start'] ?? b['date'])))
      .map((a) => ({
        value: a['assignment_id'] as string,
        label: `${text(a, 'date') ?? '?'} ${text(a, 'shift_type_id') ?? ''}`.trim(),
        description: [text(a, 'service_id'), text(a, 'role'), typeof a['counted_hours'] === 'number' ? `${a['counted_hours']} h` : undefined].filter(Boolean).join(' · '),
      }));
  }
}

/** The value of a default rule, or undefined when it needs a schedule the server does not have. */
export function defaultValue(rule: DefaultRule, today: string, schedule: ScheduleFacts | undefined): string | undefined {
  switch (rule) {
    case 'today':
      return today;
    case 'schedule_start':
      return schedule?.start;
    case 'schedule_end':
      return schedule?.end;
    case 'next_week_start':
      return nextWeekToSchedule(today, schedule).start;
    case 'next_week_end':
      return nextWeekToSchedule(today, schedule).end;
  }
}
