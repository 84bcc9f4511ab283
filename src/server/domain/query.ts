/** Which stored schedule, and which dates of it, a read means. */
export interface SnapshotQuery {
  /** Inclusive range; defaults chosen by the caller's tool (usually the schedule's own range). */
  start?: string;
  end?: string;
  /** A stored schedule or draft; the current published schedule when absent. */
  scheduleId?: string;
}
