/** The read half of the database, the same inside a write transaction and outside one. */
import type { Params, Row, SqliteDb } from './sqlite';

export interface Reader {
  get<T extends Row = Row>(sql: string, params?: Params): T | undefined;
  all<T extends Row = Row>(sql: string, params?: Params): T[];
}

/** Outside a write: every query runs in its own read transaction. */
export function readTransactions(db: SqliteDb): Reader {
  return {
    get: <T extends Row = Row>(sql: string, params?: Params) => db.transaction('read', () => db.get<T>(sql, params)),
    all: <T extends Row = Row>(sql: string, params?: Params) => db.transaction('read', () => db.all<T>(sql, params)),
  };
}
