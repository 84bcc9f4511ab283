/**
 * Everything a database file holds, as one comparable value: every row of every table,
 * without the columns that change by themselves while a server runs (deliveries of the
 * notification outbox, heartbeats) and without the MCP task store, which records each call
 * of a long tool (src/server/store/tasks.ts) whatever its outcome. Two equal states mean no
 * call wrote anything.
 */
import { createHash } from 'node:crypto';
import { silentLogger } from '../../../src/core/util/log';
import { ScheduleStore } from '../../../src/server/store/store';

/** Columns a running server updates on its own, not as the effect of a tool call. */
const VOLATILE: Record<string, readonly string[]> = {
  notifications: ['attempts', 'channels', 'last_error', 'delivered_at'],
  locks: ['heartbeat_at'],
};

export interface DatabaseState {
  /** sha256 of the rows, per table. */
  tables: Record<string, string>;
  version: number;
}

/** A second connection to a database file that a server process also uses. */
export class DatabaseReader {
  readonly store: ScheduleStore;

  constructor(path: string) {
    this.store = ScheduleStore.open({ path, logger: silentLogger });
  }

  state(): DatabaseState {
    const tables: Record<string, string> = {};
    const names = this.store.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sqlite_sequence', 'tasks') ORDER BY name");
    for (const { name } of names) {
      const rows = this.store.query(`SELECT * FROM "${name}" ORDER BY rowid`);
      const skip = VOLATILE[name] ?? [];
      const kept = rows.map((row) => Object.entries(row).filter(([column]) => !skip.includes(column)));
      tables[name] = createHash('sha256').update(JSON.stringify(kept)).digest('hex');
    }
    return { tables, version: this.store.dataVersion() };
  }

  /** Rows of a read-only SQL query. */
  query<T extends Record<string, unknown>>(sql: string): T[] {
    return this.store.query(sql) as T[];
  }

  close(): void {
    this.store.close();
  }
}

/** The tables whose rows differ between two states. */
export function changedTables(before: DatabaseState, after: DatabaseState): string[] {
  const names = new Set([...Object.keys(before.tables), ...Object.keys(after.tables)]);
  return [...names].filter((n) => before.tables[n] !== after.tables[n]).sort();
}
