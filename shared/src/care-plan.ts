import { z } from 'zod';
import { calendarDaySchema } from './tasks.js';
import type { ProfessionalRef } from './views.js';

/**
 * The care plan of a team, its "projet personnalisé de soins" (PPS; docs/patient-file.md,
 * "The care plan"): objectives, actions each with the member responsible and a rhythm, and a
 * review date. Every save is a new version; earlier versions stay readable and exportable as a
 * PDF for a team meeting. Health data: current members only, never in logs, audit details or
 * notifications.
 */
export const PLAN_LIMITS = {
  objectives: 30,
  actions: 60,
  textMax: 500,
  rhythmMax: 100,
} as const;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, { error: `${label} est obligatoire.` })
    .max(max, { error: `${label} ne peut pas dépasser ${max} caractères.` });

const objectId = z.string().regex(/^[a-f\d]{24}$/i, { error: 'Choisissez un membre de l’équipe.' });

const version = z
  .number({ error: 'La version est obligatoire.' })
  .int({ error: 'Version invalide.' })
  .min(0, { error: 'Version invalide.' });

export const planActionSchema = z.strictObject({
  text: text("L'action", PLAN_LIMITS.textMax),
  responsibleId: objectId,
  /** As professionals say it: "2 fois par jour", "chaque lundi", "à chaque visite". */
  rhythm: text('Le rythme', PLAN_LIMITS.rhythmMax),
});

/** A new version of the plan, made from `baseVersion` (0: the first plan). */
export const saveCarePlanSchema = z.strictObject({
  baseVersion: version,
  objectives: z
    .array(text("L'objectif", PLAN_LIMITS.textMax), { error: 'Les objectifs sont une liste.' })
    .min(1, { error: 'Indiquez au moins un objectif.' })
    .max(PLAN_LIMITS.objectives, { error: `${PLAN_LIMITS.objectives} objectifs au plus.` }),
  actions: z
    .array(planActionSchema, { error: 'Les actions sont une liste.' })
    .max(PLAN_LIMITS.actions, { error: `${PLAN_LIMITS.actions} actions au plus.` }),
  reviewDate: calendarDaySchema,
});
export type SaveCarePlan = z.output<typeof saveCarePlanSchema>;
export type SaveCarePlanInput = z.input<typeof saveCarePlanSchema>;

/** An action of a version made a task of the team, due on a day. */
export const actionTaskSchema = z.strictObject({ version, due: calendarDaySchema });

export const planVersionQuerySchema = z.object({
  version: z.coerce.number().pipe(version.min(1, { error: 'Version invalide.' })),
});

export interface CarePlanVersionView {
  teamId: string;
  version: number;
  objectives: string[];
  actions: { text: string; responsible: ProfessionalRef; rhythm: string }[];
  reviewDate: string;
  createdBy: ProfessionalRef;
  createdAt: string;
}

export interface CarePlanView {
  /** The version in force, or null before the first plan. */
  current: CarePlanVersionView | null;
  /** Every version, newest first. */
  versions: { version: number; createdBy: ProfessionalRef; createdAt: string }[];
}
