/** The records the store keeps and the operations a write may perform. */
import type { Absence, Assignment, Coverage, Person, Policies, ProgramFile, Service, ShiftType, Wellbeing } from '../domain/program';
import type { ScheduleInfo } from '../domain/snapshot';
import type { BackupWrites } from './backups';
import type { NotificationWrites } from './notifications';
import type { SwapWrites } from './swaps';

/** The program's reference data: everything in a program file except the schedules. */
export interface ReferenceData {
  program: ProgramFile['program'];
  schemaRef?: string;
  shiftTypes: ShiftType[];
  services: Service[];
  coverage: Coverage[];
  people: Person[];
  absences: Absence[];
  policies: Policies;
  wellbeing?: Wellbeing;
}

/** A schedule or draft as stored, with the store's bookkeeping. */
export interface StoredSchedule extends ScheduleInfo {
  /** The schedule a draft was made from. */
  parentId?: string;
  note?: string;
  createdBy: string;
  createdAt: string;
  /** Data version of the last write that changed this schedule or its assignments. */
  updatedVersion: number;
}

export interface NewSchedule {
  /** Generated (`draft-…` / `schedule-…`) when absent. */
  id?: string;
  name: string;
  start: string;
  end: string;
  status: 'published' | 'draft';
  lockedThrough?: string;
  parentId?: string;
  note?: string;
}

export type SchedulePatch = Partial<Pick<NewSchedule, 'name' | 'start' | 'end' | 'status' | 'lockedThrough' | 'note'>>;

/** An assignment to insert; the id is generated when absent, the role defaults to primary. */
export type AssignmentInput = Omit<Assignment, 'id' | 'role'> & { id?: string; role?: Assignment['role'] };

export type AssignmentPatch = Partial<Omit<Assignment, 'id'>>;

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target?: string;
  versionBefore: number;
  versionAfter: number;
  details?: Record<string, unknown>;
}

export interface WriteResult<T> {
  result: T;
  versionBefore: number;
  versionAfter: number;
  auditId: number;
}

/** What a write function may do; valid only during the `write()` call that created it. */
export interface StoreTx {
  readonly actor: string;
  readonly action: string;
  readonly versionBefore: number;
  /** The version this write will commit as (versionBefore + 1). */
  readonly versionAfter: number;
  /** ISO time of the write. */
  readonly at: string;
  /** Adds fields to this write's audit record. */
  audit(details: Record<string, unknown>, target?: string): void;
  /** The swap requests and their consents. */
  readonly swaps: SwapWrites;
  /** What publishes, rollbacks and swaps replaced. */
  readonly backups: BackupWrites;
  /** The outbox: notices of this write, delivered after it commits. */
  readonly notifications: NotificationWrites;
  reference(): ReferenceData;
  schedule(id: string): StoredSchedule | undefined;
  listSchedules(): StoredSchedule[];
  assignments(scheduleId: string, range?: { start: string; end: string }): Assignment[];
  createSchedule(input: NewSchedule): StoredSchedule;
  updateSchedule(id: string, patch: SchedulePatch): StoredSchedule;
  /** Deletes a schedule and its assignments. */
  deleteSchedule(id: string): void;
  /** Validates references and dates, then inserts; returns what was stored. */
  insertAssignments(scheduleId: string, list: readonly AssignmentInput[]): Assignment[];
  updateAssignment(scheduleId: string, id: string, patch: AssignmentPatch): Assignment;
  /** Returns how many were deleted; unknown ids are a NOT_FOUND error. */
  deleteAssignments(scheduleId: string, ids: readonly string[]): number;
  /** Deletes the schedule's assignments dated inside `range` (all when absent) and inserts `list`. */
  replaceAssignments(scheduleId: string, range: { start: string; end: string } | undefined, list: readonly AssignmentInput[]): Assignment[];
  /** A new schedule (usually a draft) holding a copy of another one's assignments. */
  copySchedule(fromId: string, to: NewSchedule): StoredSchedule;
  /** Replaces the whole program (reference data and schedules). */
  replaceProgram(program: ProgramFile): void;
}
