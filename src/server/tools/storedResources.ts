/**
 * Resources for the stored things results refer to, and the resource_link content that points
 * at them:
 * - `schedule://schedules/{schedule_id}`: a published schedule or a draft with its assignments
 *   (listed by resources/list: every stored schedule);
 * - `schedule://swaps/{swap_id}`: a swap request and its state;
 * - `schedule://people/{person_id}/schedule`: a person's assignments in the current published schedule.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ResourceLink } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../domain/errors';
import type { ScheduleStore } from '../store/store';
import type { ToolContext } from './context';

const JSON_TYPE = 'application/json';

export function scheduleLink(id: string, title: string): ResourceLink {
  return { type: 'resource_link', uri: `schedule://schedules/${encodeURIComponent(id)}`, name: id, title, mimeType: JSON_TYPE };
}

export function swapLink(id: string): ResourceLink {
  return { type: 'resource_link', uri: `schedule://swaps/${encodeURIComponent(id)}`, name: id, title: `Swap ${id}`, mimeType: JSON_TYPE };
}

export function personScheduleLink(personId: string): ResourceLink {
  return {
    type: 'resource_link',
    uri: `schedule://people/${encodeURIComponent(personId)}/schedule`,
    name: `${personId}-schedule`,
    title: `Schedule of ${personId}`,
    mimeType: JSON_TYPE,
  };
}

/** A swap's own link plus the schedules of the two people it changes. */
export function swapLinks(swap: { swap_id: string; requester_id: string; target_person_id: string }): ResourceLink[] {
  return [swapLink(swap.swap_id), personScheduleLink(swap.requester_id), personScheduleLink(swap.target_person_id)];
}

function one(value: string | string[] | undefined): string {
  return decodeURIComponent(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
}

function json(uri: URL, body: unknown) {
  return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(body) }] };
}

export function registerStoredResources(server: McpServer, ctx: ToolContext, store: ScheduleStore): void {
  server.registerResource(
    'schedule',
    new ResourceTemplate('schedule://schedules/{schedule_id}', {
      list: () => ({
        resources: store.listSchedules().map((s) => ({
          uri: `schedule://schedules/${encodeURIComponent(s.id)}`,
          name: s.id,
          title: `${s.status === 'draft' ? 'Draft' : 'Schedule'} ${s.name} (${s.start} to ${s.end})`,
          mimeType: JSON_TYPE,
        })),
      }),
    }),
    { title: 'Schedule or draft', description: 'A published schedule or a draft with its assignments.', mimeType: JSON_TYPE },
    (uri, variables) => {
      const id = one(variables.schedule_id);
      const schedule = store.getSchedule(id);
      if (!schedule) throw new ToolError(`no schedule or draft ${id}`, 'NOT_FOUND');
      return json(uri, { schedule, assignments: store.assignments(id), data_version: store.dataVersion() });
    },
  );

  server.registerResource(
    'swap',
    new ResourceTemplate('schedule://swaps/{swap_id}', { list: undefined }),
    { title: 'Swap request', description: 'A swap request, its consents and its state.', mimeType: JSON_TYPE },
    (uri, variables) => {
      const id = one(variables.swap_id);
      const swap = store.swaps.get(id);
      if (!swap) throw new ToolError(`no swap ${id}`, 'NOT_FOUND');
      return json(uri, { swap, data_version: store.dataVersion() });
    },
  );

  server.registerResource(
    'person-schedule',
    new ResourceTemplate('schedule://people/{person_id}/schedule', { list: undefined }),
    { title: "A person's schedule", description: "A person's assignments in the current published schedule.", mimeType: JSON_TYPE },
    (uri, variables) => {
      const personId = one(variables.person_id);
      const snapshot = ctx.snapshot({});
      if (!snapshot.people.some((p) => p.id === personId)) throw new ToolError(`no person ${personId}`, 'NOT_FOUND');
      const assignments = store.assignments(snapshot.schedule.id).filter((a) => a.personId === personId);
      return json(uri, { person_id: personId, schedule_id: snapshot.schedule.id, assignments, data_version: store.dataVersion() });
    },
  );
}
