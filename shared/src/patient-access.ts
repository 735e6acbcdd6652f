import { z } from 'zod';
import type { CarePlanVersionView } from './care-plan.js';
import { LIMITS } from './limits.js';
import { MOBILE_INVALID, looksLikePhone, normaliseMobile } from './phone.js';
import { emailSchema } from './schemas/auth.js';
import { nameField } from './text.js';
import type { ProfessionalRef } from './views.js';

/**
 * The patient's own view (docs/patient-access.md): what a member sends to create a grant, what
 * the patient sends to open a session, and what the patient reads. The code rules are in
 * `rules/patient-access.ts`.
 */

/** How the codes reach the patient: e-mail, or SMS when the server has a gateway. */
export const GRANT_CHANNELS = ['email', 'sms'] as const;
export type GrantChannel = (typeof GRANT_CHANNELS)[number];

/** A French mobile number, in any usual form, stored in E.164 (`shared/src/phone.ts`). */
export const mobileSchema = z
  .string({ error: 'Le numéro de téléphone portable est obligatoire.' })
  .transform((value, ctx) => {
    const phone = normaliseMobile(value);
    if (phone) return phone;
    ctx.issues.push({
      code: 'custom',
      message: value.trim() ? MOBILE_INVALID : 'Le numéro de téléphone portable est obligatoire.',
      input: value,
    });
    return z.NEVER;
  });

const grantFields = {
  who: z.enum(['patient', 'carer']),
  name: nameField('Le nom', LIMITS.nameMax),
  /** For a carer: "fille", "voisine"… */
  relationship: nameField('Le lien avec le patient', LIMITS.nameMax, { required: false })
    .optional()
    .nullable(),
  /** The patient agreed to be reached on this channel: the member records it. */
  consent: z.literal(true, { error: 'Le consentement du patient est obligatoire.' }),
};

/** The address follows the channel: an e-mail address, or a mobile number normalised. */
export const createGrantSchema = z.discriminatedUnion(
  'channel',
  [
    z.strictObject({ ...grantFields, channel: z.literal('email'), address: emailSchema }),
    z.strictObject({ ...grantFields, channel: z.literal('sms'), address: mobileSchema }),
  ],
  { error: 'Choisissez comment envoyer les codes : e-mail ou SMS.' },
);
export type CreateGrant = z.infer<typeof createGrantSchema>;

/**
 * What the patient types at /patient: the e-mail address or the mobile number of their grant,
 * in one field, normalised as the grant's was (so `+33 6…` finds a grant made with `06…`).
 */
export const patientAddressSchema = z
  .string({ error: 'L’adresse e-mail ou le numéro de portable est obligatoire.' })
  .max(320, { error: 'L’adresse e-mail n’est pas valide.' })
  .transform((value, ctx) => {
    if (looksLikePhone(value)) {
      const phone = normaliseMobile(value);
      if (phone) return phone;
      ctx.issues.push({ code: 'custom', message: MOBILE_INVALID, input: value });
      return z.NEVER;
    }
    const email = emailSchema.safeParse(value);
    if (email.success) return email.data;
    for (const issue of email.error.issues)
      ctx.issues.push({ code: 'custom', message: issue.message, input: value });
    return z.NEVER;
  });

export const openPatientSessionSchema = z.strictObject({
  address: patientAddressSchema,
  code: z.string().max(40),
});

export interface PatientGrantView {
  id: string;
  who: 'patient' | 'carer';
  name: string;
  relationship: string | null;
  channel: GrantChannel;
  /** The e-mail address, or the mobile number in E.164 (`+33612345678`). */
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
