import { z } from 'zod';
import { calendarDaySchema } from './tasks.js';
import type { TeamStatus } from './rules/activation.js';
import type { ProfessionalRef } from './views.js';

/**
 * Events in the patient's life that the team records (docs/patient-file.md, "Events, alerts and
 * the timeline"): a hospitalisation, a discharge, a fall… A member may make one an alert: every
 * other member is notified at once (in the app, and by e-mail where the server sends them).
 * The event is health data; the alert's notification is not (it carries the event's id only).
 */
export const EVENT_KINDS = [
  'hospitalisation',
  'sortie_hospitalisation',
  'passage_urgences',
  'chute',
  'deces',
  'changement_medecin_traitant',
  'autre',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_LABELS: Record<EventKind, string> = {
  hospitalisation: 'Hospitalisation',
  sortie_hospitalisation: 'Sortie d’hospitalisation',
  passage_urgences: 'Passage aux urgences',
  chute: 'Chute',
  deces: 'Décès',
  changement_medecin_traitant: 'Changement de médecin traitant',
  autre: 'Autre événement',
};

/** What the form proposes to alert on; the member who records the event decides. */
export const ALERT_BY_DEFAULT: ReadonlySet<EventKind> = new Set([
  'hospitalisation',
  'passage_urgences',
  'chute',
  'deces',
]);

export const recordEventSchema = z
  .strictObject({
    kind: z.enum(EVENT_KINDS, { error: 'Choisissez le type d’événement.' }),
    /** The day it happened (calendar day, as reported). */
    date: calendarDaySchema,
    note: z
      .string({ error: 'Le commentaire doit être un texte.' })
      .trim()
      .max(1000, { error: 'Le commentaire ne peut pas dépasser 1000 caractères.' })
      .optional()
      .transform((s) => (s === '' ? undefined : s)),
    alert: z.boolean({ error: 'Indiquez s’il faut alerter l’équipe.' }),
  })
  .refine((e) => e.kind !== 'autre' || (e.note ?? '') !== '', {
    error: 'Précisez l’événement.',
    path: ['note'],
  });
export type RecordEvent = z.output<typeof recordEventSchema>;

export interface TeamEventView {
  id: string;
  teamId: string;
  kind: EventKind;
  date: string;
  note: string | null;
  alert: boolean;
  recordedBy: ProfessionalRef;
  recordedAt: string;
}

/**
 * One line of the timeline: recorded events, status changes, documents added and care plan
 * versions, newest first. `at` orders them (an event is placed at noon of its day, Paris).
 */
export type TimelineItem = { at: string } & (
  | { type: 'event'; event: TeamEventView }
  | { type: 'status'; status: TeamStatus }
  | { type: 'document'; documentId: string; name: string; by: ProfessionalRef }
  | { type: 'plan'; version: number; by: ProfessionalRef }
);
