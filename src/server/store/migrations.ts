/**
 * The database schema as an ordered list of migrations. Each runs once, in its own
 * transaction, and is recorded in `schema_migrations`; never edit a shipped migration,
 * append a new one.
 *
 * Tables
 * - meta: key/value: `data_version` (global, +1 per write), `database_id` (random, made
 *   once: tells this database from another file at the same path), `program` (id, name,
 *   timezone, academicYearStart, $schema as JSON), `policies`, `wellbeing` (JSON).
 * - shift_types, services, coverage, people, absences: one row per entity; `data` is the
 *   entity exactly as in the program file (JSON), `ord` keeps the file's order so that
 *   export reproduces it; a few columns are copied out for querying.
 * - schedules: published schedules and drafts (`status`), `parent_id` = the schedule a draft
 *   was made from, `updated_version` = data version of its last change.
 * - assignments: (schedule_id, id) is the key, so a draft can copy a schedule's ids.
 * - audit: one row per write: who, when, what, data version before/after, details JSON.
 * - backups: a snapshot of a schedule's assignments (JSON) taken before a risky write.
 * - swaps, swap_approvals: swap requests and each party's consent / coordinator decision.
 * - locks: named advisory locks with an expiry (e.g. "generation of schedule X"), their
 *   owner's process (pid, host) and heartbeat (see locks.ts).
 * - notifications (v4): the outbox: what a write tells whom (recipients JSON), at which data
 *   version, and its delivery (attempts, per-channel outcome JSON, delivered_at, last_error).
 * - tasks: MCP tasks (long tool calls run in the background): status, progress message, the
 *   owning server process and its heartbeat, the result (CallToolResult JSON) and its expiry.
 */
import type { SqliteDb } from './sqlite';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE shift_types (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE services (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE coverage (
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL,
  service_id TEXT NOT NULL REFERENCES services(id), shift_type_id TEXT NOT NULL REFERENCES shift_types(id),
  data TEXT NOT NULL);
CREATE TABLE people (
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('resident','faculty')),
  pgy INTEGER, active INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE absences (
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, person_id TEXT NOT NULL REFERENCES people(id),
  start_date TEXT NOT NULL, end_date TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE schedules (
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, name TEXT NOT NULL,
  start_date TEXT NOT NULL, end_date TEXT NOT NULL CHECK (end_date >= start_date),
  status TEXT NOT NULL CHECK (status IN ('published','draft')),
  locked_through TEXT, parent_id TEXT, note TEXT,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_version INTEGER NOT NULL);
CREATE TABLE assignments (
  schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  id TEXT NOT NULL, ord INTEGER NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id), service_id TEXT NOT NULL REFERENCES services(id),
  shift_type_id TEXT NOT NULL REFERENCES shift_types(id), date TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('primary','supervising','backup')), note TEXT,
  PRIMARY KEY (schedule_id, id));
CREATE INDEX assignments_by_date ON assignments (schedule_id, date);
CREATE INDEX assignments_by_person ON assignments (schedule_id, person_id, date);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT, version_before INTEGER NOT NULL, version_after INTEGER NOT NULL, details TEXT);
CREATE TABLE backups (
  id TEXT PRIMARY KEY, schedule_id TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  data_version INTEGER NOT NULL, reason TEXT, payload TEXT NOT NULL);
CREATE TABLE swaps (
  id TEXT PRIMARY KEY, schedule_id TEXT NOT NULL,
  swap_type TEXT NOT NULL CHECK (swap_type IN ('one_to_one','absorb')),
  status TEXT NOT NULL CHECK (status IN ('pending','approved','executed','rejected','cancelled','rolled_back')),
  requester_id TEXT NOT NULL, assignment_id TEXT NOT NULL,
  target_person_id TEXT NOT NULL, target_assignment_id TEXT,
  requested_at TEXT NOT NULL, requested_by TEXT NOT NULL,
  decided_at TEXT, decided_by TEXT, executed_at TEXT, executed_by TEXT,
  backup_id TEXT, rollback_deadline TEXT, rolled_back_at TEXT, rolled_back_by TEXT,
  reason TEXT, data TEXT);
CREATE INDEX swaps_by_people ON swaps (requester_id, target_person_id, status);
CREATE TABLE swap_approvals (
  swap_id TEXT NOT NULL REFERENCES swaps(id) ON DELETE CASCADE, person_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('requester','candidate','coordinator')),
  approved INTEGER, responded_at TEXT, notes TEXT,
  PRIMARY KEY (swap_id, person_id, role));
CREATE TABLE locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, acquired_at TEXT NOT NULL, expires_at TEXT NOT NULL, purpose TEXT);
INSERT INTO meta (key, value) VALUES ('data_version', '0');
`,
  },
  {
    version: 2,
    name: 'database id',
    sql: "INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));",
  },
  {
    version: 3,
    name: 'lock owners',
    sql: `
ALTER TABLE locks ADD COLUMN owner_pid INTEGER;
ALTER TABLE locks ADD COLUMN owner_host TEXT;
ALTER TABLE locks ADD COLUMN heartbeat_at TEXT;
`,
  },
  {
    version: 4,
    name: 'notification outbox',
    sql: `
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  data_version INTEGER NOT NULL, event TEXT NOT NULL, recipients TEXT NOT NULL,
  subject TEXT NOT NULL, message TEXT NOT NULL, target TEXT, details TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, channels TEXT, last_error TEXT, delivered_at TEXT);
CREATE INDEX notifications_pending ON notifications (delivered_at, id);
`,
  },
  {
    version: 5,
    name: 'mcp tasks',
    sql: `
CREATE TABLE tasks (
  id TEXT PRIMARY KEY, tool TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('working','input_required','completed','failed','cancelled')),
  status_message TEXT, ttl_ms INTEGER, poll_interval_ms INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, expires_at TEXT,
  owner TEXT NOT NULL, heartbeat_at TEXT NOT NULL, result TEXT);
CREATE INDEX tasks_by_status ON tasks (status, owner);
`,
  },
];

/** Applies every migration newer than the database's; returns the versions applied. */
export function migrate(db: SqliteDb, now: () => number): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    db.transaction('immediate', () => {
      // Checked inside the write lock: another process may have migrated meanwhile.
      if (db.get('SELECT 1 AS x FROM schema_migrations WHERE version = ?', m.version)) return;
      db.exec(m.sql);
      db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date(now()).toISOString()]);
      applied.push(m.version);
    });
  }
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  const current = db.get<{ v: number }>('SELECT max(version) AS v FROM schema_migrations')?.v ?? 0;
  if (current > latest) throw new Error(`the database schema (version ${current}) is newer than this server understands (${latest})`);
  return applied;
}
