import { z } from 'zod';
import { emailSchema, rppsSchema } from './auth.js';
import {
  consentSchema,
  contactSchema,
  identitySchema,
  inclusionSchema,
  insSchema,
} from './patient.js';

const objectId = z.string().regex(/^[a-f\d]{24}$/i, { error: 'Identifiant invalide.' });
export const idParam = objectId;

/** Someone to invite or designate: a registered professional by RPPS, or anyone by e-mail. */
export const inviteeSchema = z.union(
  [z.strictObject({ rpps: rppsSchema }), z.strictObject({ email: emailSchema })],
  {
    error: 'Indiquez un numéro RPPS ou une adresse e-mail.',
  },
);

export const createTeamSchema = z.strictObject({
  patient: z.strictObject({
    identity: identitySchema,
    ins: insSchema.optional(),
    contact: contactSchema.optional(),
  }),
  inclusion: inclusionSchema,
  consent: consentSchema,
  /** `self`: the creator (a médecin) is the médecin traitant. */
  medecinTraitant: z.union(
    [
      z.strictObject({ self: z.literal(true) }),
      z.strictObject({ rpps: rppsSchema }),
      z.strictObject({ email: emailSchema }),
    ],
    {
      error: 'Désignez le médecin traitant.',
    },
  ),
});
export type CreateTeam = z.output<typeof createTeamSchema>;
export type CreateTeamInput = z.input<typeof createTeamSchema>;

export const inviteSchema = z.strictObject({
  invitee: inviteeSchema,
  /** The invitee is to become the médecin traitant on acceptance (replacement). */
  asMedecinTraitant: z.boolean().optional(),
});
export type InviteInput = z.input<typeof inviteSchema>;

export const CLOSURE_REASONS = [
  'fin_de_terme',
  'deces',
  'demenagement',
  'retrait_consentement',
  'autre',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
export const CLOSURE_LABELS: Record<ClosureReason, string> = {
  fin_de_terme: 'Fin de la période d’un an',
  deces: 'Décès',
  demenagement: 'Déménagement',
  retrait_consentement: 'Retrait du consentement',
  autre: 'Autre',
};

export const closeTeamSchema = z
  .strictObject({
    reason: z.enum(CLOSURE_REASONS, { error: 'Choisissez le motif de clôture.' }),
    comment: z.string().trim().max(500, { error: 'Le commentaire est trop long.' }).optional(),
  })
  .refine((v) => v.reason !== 'autre' || (v.comment ?? '').length > 0, {
    error: 'Précisez le motif.',
    path: ['comment'],
  });

export const renewSchema = z.strictObject({ inclusion: inclusionSchema });
export const recordConsentSchema = consentSchema;
/** Withdrawal takes effect at once, at the server's time: no date to give. */
export const withdrawConsentSchema = z.strictObject({});
export const setMedecinTraitantSchema = z.strictObject({ professionalId: objectId });
export const claimInvitationSchema = z.strictObject({
  token: z.string().min(20).max(100),
  /** The code sent to the invited address, when the account's verified address is another. */
  code: z
    .string({ error: 'Saisissez le code à 6 chiffres reçu par e-mail.' })
    .trim()
    .regex(/^\d{6}$/, { error: 'Saisissez le code à 6 chiffres reçu par e-mail.' })
    .optional(),
});
export const invitationCodeSchema = z.strictObject({ token: z.string().min(20).max(100) });
