/**
 * What every tool module of the bundled server is handed. The store behind `snapshot`
 * is the embedded database (src/server/store); analytics and rule tools only read.
 */
import type { Logger } from '../../core/util/log';
import type { SnapshotQuery } from '../domain/query';
import type { ScheduleSnapshot } from '../domain/snapshot';

export interface ToolContext {
  logger: Logger;
  /** Wall-clock now in ms (injected so tests can pin "today"). */
  now(): number;
  /** Reads the schedule as plain data. Throws a ToolError for a bad range or an unknown id. */
  snapshot(query: SnapshotQuery): ScheduleSnapshot;
}
