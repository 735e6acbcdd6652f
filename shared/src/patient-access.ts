import { z } from 'zod';
import type { CarePlanVersionView } from './care-plan.js';
import { LIMITS } from './limits.js';
import { emailSchema } from './schemas/auth.js';
import { nameField } from './text.js';
import type { ProfessionalRef } from './views.js';

/**
 * The patient's own view (docs/patient-access.md): what a member sends to create a grant, what
 * the patient sends to open a session, and what the patient reads. The code rules are in
 * `rules/patient-access.ts`.
 */

/** Only e-mail in this slice: there is no SMS provider yet. */
export const GRANT_CHANNELS = ['email'] as const;

export const createGrantSchema = z.strictObject({
  who: z.enum(['patient', 'carer']),
  name: nameField('Le nom', LIMITS.nameMax),
  /** For a carer: "fille", "voisine"… */
  relationship: nameField('Le lien avec le patient', LIMITS.nameMax, { required: false })
    .optional()
    .nullable(),
  channel: z.enum(GRANT_CHANNELS),
  address: emailSchema,
  /** The patient agreed to be reached on this channel: the member records it. */
  consent: z.literal(true, { error: 'Le consentement du patient est obligatoire.' }),
});
export type CreateGrant = z.infer<typeof createGrantSchema>;

export const openPatientSessionSchema = z.strictObject({
  address: emailSchema,
  code: z.string().max(40),
});

export interface PatientGrantView {
  id: string;
  who: 'patient' | 'carer';
  name: string;
  relationship: string | null;
  channel: (typeof GRANT_CHANNELS)[number];
  address: string;
  consentAt: string;
  consentBy: ProfessionalRef;
  createdAt: string;
  revokedAt: string | null;
}

/** What the patient reads: an allow-list of three sources, never chat, notes or tasks. */
export interface PatientView {
  members: { firstName: string; lastName: string; profession: string }[];
  carePlan:
    | (Pick<CarePlanVersionView, 'version' | 'objectives' | 'reviewDate' | 'createdAt'> & {
        actions: { text: string; rhythm: string; responsible: string }[];
      })
    | null;
  journal: { at: string; who: string; action: string }[];
}

/** The journal's "who" for a row the patient's access wrote, in every journal alike. */
export const PATIENT_ACCESS_ACTOR = 'Accès du patient';
export const patientAccessActor = (name: string | undefined): string =>
  name ? `${PATIENT_ACCESS_ACTOR} (${name})` : PATIENT_ACCESS_ACTOR;
