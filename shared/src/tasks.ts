import { z } from 'zod';
import type { ProfessionalRef } from './views.js';

/**
 * Tasks of a team: a member asks a member (or themself) to do something before a date.
 * A title may name the patient's care ("Pansement jambe gauche"): it is health data, so it
 * never goes to logs, audit details or notifications (which carry the task id only).
 */
export const TASK_LIMITS = {
  titleMax: 200,
  detailsMax: 2000,
  /** Done tasks listed (the most recently completed); open tasks are always all listed. */
  doneListed: 200,
} as const;

export const TASK_STATUSES = ['open', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const objectId = z.string().regex(/^[a-f\d]{24}$/i, { error: 'Choisissez un membre de l’équipe.' });

/** A calendar day, YYYY-MM-DD, that exists (no 31 February). */
export const calendarDaySchema = z
  .string({ error: 'La date d’échéance est obligatoire.' })
  .min(1, { error: 'La date d’échéance est obligatoire.' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'La date d’échéance doit être une date (AAAA-MM-JJ).' })
  .refine((s) => isCalendarDay(s), { error: 'La date d’échéance n’est pas une date valide.' })
  .refine((s) => s >= '2000-01-01' && s <= '2100-12-31', {
    error: 'La date d’échéance doit être comprise entre 2000 et 2100.',
  });

function isCalendarDay(s: string): boolean {
  const at = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(s);
}

const title = z
  .string({ error: 'Le titre est obligatoire.' })
  .trim()
  .min(1, { error: 'Le titre est obligatoire.' })
  .max(TASK_LIMITS.titleMax, {
    error: `Le titre ne peut pas dépasser ${TASK_LIMITS.titleMax} caractères.`,
  });

/** Empty details mean none (a cleared textarea). */
const details = z
  .string({ error: 'Les précisions doivent être un texte.' })
  .trim()
  .max(TASK_LIMITS.detailsMax, {
    error: `Les précisions ne peuvent pas dépasser ${TASK_LIMITS.detailsMax} caractères.`,
  })
  .transform((s) => (s === '' ? null : s));

/** The version the client last saw: a write on an older one is refused (no lost update). */
const version = z
  .number({ error: 'La version de la tâche est obligatoire.' })
  .int({ error: 'Version invalide.' })
  .min(0, { error: 'Version invalide.' });

export const createTaskSchema = z.strictObject({
  title,
  // Null too: what this schema outputs for empty details is sent as is by the client.
  details: details.nullable().optional(),
  assigneeId: objectId,
  due: calendarDaySchema,
});
export type CreateTask = z.output<typeof createTaskSchema>;
export type CreateTaskInput = z.input<typeof createTaskSchema>;

export const updateTaskSchema = z
  .strictObject({
    version,
    title: title.optional(),
    details: details.nullable().optional(),
    assigneeId: objectId.optional(),
    due: calendarDaySchema.optional(),
  })
  .refine(
    (u) =>
      u.title !== undefined ||
      u.details !== undefined ||
      u.assigneeId !== undefined ||
      u.due !== undefined,
    { error: 'Rien à modifier.' },
  );
export type UpdateTask = z.output<typeof updateTaskSchema>;
export type UpdateTaskInput = z.input<typeof updateTaskSchema>;

/** Body of complete and reopen. */
export const taskVersionSchema = z.strictObject({ version });

/** `?version=` of a deletion, a query string value. */
export const deleteTaskQuerySchema = z.object({ version: z.coerce.number().pipe(version) });

export interface TaskView {
  id: string;
  teamId: string;
  title: string;
  details: string | null;
  assignee: ProfessionalRef;
  /** Calendar day, YYYY-MM-DD. */
  due: string;
  status: TaskStatus;
  doneBy: ProfessionalRef | null;
  doneAt: string | null;
  createdBy: ProfessionalRef;
  createdAt: string;
  updatedAt: string;
  /** Increases with every change; sent back with the next one. */
  version: number;
}

/** `task:changed`: a task created or changed (its view), or deleted (its id). */
export type TaskChange = { teamId: string; task: TaskView } | { teamId: string; deletedId: string };

/** What the team page shows next to its "Tâches" link. */
export interface TaskSummaryView {
  open: number;
  overdue: number;
  /** Open tasks assigned to the reader. */
  mine: number;
}

/** Due dates are calendar days in France: "today" is the Paris calendar day. */
export const TASK_TIME_ZONE = 'Europe/Paris';

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function calendarDay(at: Date, timeZone = TASK_TIME_ZONE): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormatters.set(timeZone, f);
  }
  return f.format(at);
}

/** An open task is overdue once its due day is over: from the next day on, not on the day. */
export function isOverdue(task: { status: TaskStatus; due: string }, today: string): boolean {
  return task.status === 'open' && task.due < today;
}

/**
 * The order of a task list: overdue first (oldest due first), then the other open tasks by
 * due day, then done tasks, the most recently done first.
 */
export function sortTasks<T extends Pick<TaskView, 'status' | 'due' | 'doneAt' | 'createdAt'>>(
  tasks: readonly T[],
  today: string,
): T[] {
  const rank = (t: T) => (isOverdue(t, today) ? 0 : t.status === 'open' ? 1 : 2);
  return [...tasks].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    if (a.status === 'done') return (b.doneAt ?? '').localeCompare(a.doneAt ?? '');
    return a.due.localeCompare(b.due) || a.createdAt.localeCompare(b.createdAt);
  });
}

/** "2026-03-12" → "12/03/2026" (or "12/03" without the year). */
export function frenchDay(day: string, withYear = true): string {
  const [y, m, d] = day.split('-');
  return withYear ? `${d}/${m}/${y}` : `${d}/${m}`;
}
