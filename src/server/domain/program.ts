/**
 * The program file: everything the bundled scheduling server knows about a residency
 * program, as one JSON document. This zod schema is the single source of truth: the
 * TypeScript types below are inferred from it, and `schemas/program.schema.json` is
 * generated from it (`npm run schema`; a test fails when the two drift apart).
 *
 * Dates are `YYYY-MM-DD`, times `HH:MM`, both program-local wall-clock time.
 */
import { z } from 'zod';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real calendar date');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM (24-hour)');
/**
 * Size bounds: a program file is data for one residency program, so names, notes and lists
 * have generous limits far above any real program's, and a hostile or broken file fails
 * with a clear path instead of filling memory or the database.
 */
const NAME_MAX = 200;
const NOTE_MAX = 2000;
const SMALL_LIST_MAX = 200;
const PEOPLE_MAX = 20_000;
const RECORDS_MAX = 2_000_000;
const name = z.string().min(1).max(NAME_MAX);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : - only');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const weekday = z.enum(WEEKDAYS);

/** What a shift is, for the rules: call and night float have rules of their own. */
export const SHIFT_KINDS = ['clinic', 'day', 'night_float', 'call_24', 'home_call', 'moonlighting'] as const;

export const shiftTypeSchema = z
  .object({
    id,
    name,
    kind: z.enum(SHIFT_KINDS),
    start: clockTime,
    /** Scheduled length in hours (a 24-hour call is 24; its transition time is separate). */
    hours: z.number().positive().max(28),
    /** Hours after a 24-hour call for handoff and education (ACGME VI.F.3 allows up to 4). */
    transitionHours: z.number().min(0).max(4).default(0),
    /**
     * Hours that count toward the 80-hour limit. For at-home call only the time spent on
     * patient care counts (VI.F.8): the program's expected figure goes here.
     */
    countedHours: z.number().min(0).max(28).optional(),
  })
  .strict();

export const ZONES = ['inpatient', 'outpatient', 'education', 'research', 'admin'] as const;
/** Load-shedding categories, most protected first (sacrifice hierarchy). */
export const SACRIFICE_CATEGORIES = ['patient_safety', 'acgme', 'continuity', 'core_education', 'research', 'administration', 'optional_education'] as const;

export const serviceSchema = z
  .object({
    id,
    name,
    zone: z.enum(ZONES),
    category: z.enum(SACRIFICE_CATEGORIES).default('patient_safety'),
    /** Residents on this service need a supervising faculty member on an overlapping shift. */
    supervisionRequired: z.boolean().default(true),
    /** A credential every person assigned here must hold (e.g. "procedures"). */
    requiredCredential: name.optional(),
    /** ACGME VI.F.4: a Review Committee exception raising the weekly limit (at most 88). */
    weeklyHoursLimit: z.number().min(80).max(88).optional(),
  })
  .strict();

const dayPattern = z.union([z.enum(['all', 'weekdays', 'weekends']), z.array(weekday).min(1).max(7)]);

export const coverageSchema = z
  .object({
    id,
    serviceId: id,
    shiftTypeId: id,
    days: dayPattern,
    residents: z
      .object({
        min: z.number().int().min(0),
        max: z.number().int().min(0).optional(),
        /** PGY levels allowed on this slot; all when absent. */
        pgy: z.array(z.number().int().min(1).max(3)).min(1).max(3).optional(),
      })
      .strict(),
    faculty: z.object({ min: z.number().int().min(0), max: z.number().int().min(0).optional() }).strict(),
  })
  .strict();

export const FACULTY_ROLES = ['pd', 'apd', 'oic', 'dept_chief', 'sports_med', 'core', 'adjunct'] as const;

export const personSchema = z
  .object({
    id,
    name,
    role: z.enum(['resident', 'faculty']),
    pgy: z.number().int().min(1).max(3).optional(),
    facultyRole: z.enum(FACULTY_ROLES).optional(),
    email: z.string().max(320).email().optional(),
    credentials: z.array(name).max(SMALL_LIST_MAX).default([]),
    /** Services this person may be assigned to; all when absent. */
    services: z
      .array(id)
      .max(SMALL_LIST_MAX * 5)
      .optional(),
    active: z.boolean().default(true),
    preferences: z
      .object({
        avoidDays: z.array(weekday).max(7).default([]),
        preferShiftTypes: z.array(id).max(SMALL_LIST_MAX).default([]),
        avoidShiftTypes: z.array(id).max(SMALL_LIST_MAX).default([]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.role === 'resident' && p.pgy === undefined) ctx.addIssue({ code: 'custom', path: ['pgy'], message: 'a resident needs a PGY level (1-3)' });
    if (p.role === 'faculty' && p.pgy !== undefined) ctx.addIssue({ code: 'custom', path: ['pgy'], message: 'faculty have no PGY level' });
  });

export const ABSENCE_TYPES = [
  'vacation',
  'deployment',
  'tdy',
  'medical',
  'family_emergency',
  'conference',
  'bereavement',
  'emergency_leave',
  'sick',
  'convalescent',
  'maternity_paternity',
  'training',
  'military_duty',
] as const;

export const absenceSchema = z
  .object({
    id,
    personId: id,
    type: z.enum(ABSENCE_TYPES),
    start: isoDate,
    end: isoDate,
    /** Whether the person is unavailable; defaults by type (see defaultBlocking). */
    blocking: z.boolean().optional(),
    note: z.string().max(NOTE_MAX).optional(),
  })
  .strict()
  .refine((a) => a.start <= a.end, { path: ['end'], message: 'end is before start' });

export const ASSIGNMENT_ROLES = ['primary', 'supervising', 'backup'] as const;

export const assignmentSchema = z
  .object({
    id,
    personId: id,
    serviceId: id,
    shiftTypeId: id,
    date: isoDate,
    role: z.enum(ASSIGNMENT_ROLES).default('primary'),
    note: z.string().max(NOTE_MAX).optional(),
  })
  .strict();

export const scheduleSchema = z
  .object({
    id,
    name,
    start: isoDate,
    end: isoDate,
    status: z.enum(['published', 'draft']).default('published'),
    /** Dates on or before this are locked: changes need a coordinator's reason. */
    lockedThrough: isoDate.optional(),
    assignments: z.array(assignmentSchema).max(RECORDS_MAX).default([]),
  })
  .strict()
  .refine((s) => s.start <= s.end, { path: ['end'], message: 'end is before start' });

const toggledLimit = (limit: z.ZodNumber, enabled = true) => z.object({ enabled: z.boolean().default(enabled), limit }).strict();

/** Program-local rules, stricter than ACGME, reported as local policy. */
export const policiesSchema = z
  .object({
    maxConsecutiveDutyDays: toggledLimit(z.number().int().min(1).max(27)).default({ enabled: true, limit: 6 }),
    supervisionRatio: z
      .object({ enabled: z.boolean().default(true), pgy1: z.number().int().min(1).default(2), senior: z.number().int().min(1).default(4) })
      .strict()
      .default({ enabled: true, pgy1: 2, senior: 4 }),
    restAfterCallHours: toggledLimit(z.number().min(0).max(24), false).default({ enabled: false, limit: 10 }),
    maxConsecutiveNights: toggledLimit(z.number().int().min(1).max(28)).default({ enabled: true, limit: 6 }),
    /** Weekly average at which "approaching the limit" warnings start. */
    approachingWeeklyHours: z.number().min(0).max(88).default(76),
    /** Rule ids to report instead of the built-in VI.F numbering (newer editions renumber). */
    ruleIds: z.record(z.string().max(64), z.string().min(1).max(64)).default({}),
  })
  .strict();

export const wellbeingSchema = z
  .object({
    surveys: z
      .array(z.object({ personId: id, date: isoDate, satisfaction: z.number().min(0).max(1) }).strict())
      .max(RECORDS_MAX)
      .default([]),
    sickCalls: z
      .array(z.object({ personId: id, date: isoDate }).strict())
      .max(RECORDS_MAX)
      .default([]),
    swapRequests: z
      .array(z.object({ personId: id, date: isoDate }).strict())
      .max(RECORDS_MAX)
      .default([]),
    burnout: z
      .array(z.object({ personId: id, status: z.enum(['burned_out', 'at_risk', 'healthy']), onset: isoDate.optional() }).strict())
      .max(PEOPLE_MAX)
      .default([]),
  })
  .strict();

export const PROGRAM_FORMAT = 'sched-orch.program';

export const programFileSchema = z
  .object({
    $schema: z.string().max(NOTE_MAX).optional(),
    format: z.literal(PROGRAM_FORMAT),
    formatVersion: z.literal(1),
    program: z
      .object({
        id,
        name,
        timezone: z.string().min(1).max(64).default('UTC'),
        academicYearStart: isoDate.optional(),
      })
      .strict(),
    shiftTypes: z.array(shiftTypeSchema).min(1).max(SMALL_LIST_MAX),
    services: z
      .array(serviceSchema)
      .min(1)
      .max(SMALL_LIST_MAX * 5),
    coverage: z.array(coverageSchema).max(RECORDS_MAX).default([]),
    people: z.array(personSchema).min(1).max(PEOPLE_MAX),
    absences: z.array(absenceSchema).max(RECORDS_MAX).default([]),
    schedules: z.array(scheduleSchema).max(SMALL_LIST_MAX).default([]),
    policies: policiesSchema.default(() => policiesSchema.parse({})),
    wellbeing: wellbeingSchema.optional(),
  })
  .strict();

export type ProgramFile = z.infer<typeof programFileSchema>;
export type ProgramFileInput = z.input<typeof programFileSchema>;
export type ShiftType = z.infer<typeof shiftTypeSchema>;
export type ShiftKind = ShiftType['kind'];
export type Service = z.infer<typeof serviceSchema>;
export type Coverage = z.infer<typeof coverageSchema>;
export type Person = z.infer<typeof personSchema>;
export type Absence = z.infer<typeof absenceSchema>;
export type Assignment = z.infer<typeof assignmentSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type Policies = z.infer<typeof policiesSchema>;
export type Wellbeing = z.infer<typeof wellbeingSchema>;
export type Weekday = (typeof WEEKDAYS)[number];

/** Default of `blocking` by absence type (the real backend's defaults, simplified by length). */
export function defaultBlocking(a: Pick<Absence, 'type' | 'start' | 'end' | 'blocking'>): boolean {
  if (a.blocking !== undefined) return a.blocking;
  const days = (Date.parse(`${a.end}T00:00:00Z`) - Date.parse(`${a.start}T00:00:00Z`)) / 86_400_000 + 1;
  switch (a.type) {
    case 'medical':
      return days > 7;
    case 'sick':
      return days > 3;
    case 'conference':
      return false;
    default:
      // Vacation is blocking for scheduling here: nobody is put on shift on their leave.
      return true;
  }
}
