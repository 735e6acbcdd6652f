import { z } from 'zod';
import { isValidRpps, normalizeRpps } from '../ids.js';
import { LIMITS } from '../limits.js';
import { PROFESSIONS } from '../professions.js';

const name = (label: string) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, { error: `${label} est obligatoire.` })
    .max(LIMITS.nameMax, { error: `${label} est trop long.` });

export const rppsSchema = z
  .string({ error: 'Le numéro RPPS est obligatoire.' })
  .transform(normalizeRpps)
  .refine(isValidRpps, { error: 'Le numéro RPPS doit comporter 11 chiffres.' });

export const emailSchema = z
  .string({ error: "L'adresse e-mail est obligatoire." })
  .trim()
  .toLowerCase()
  .max(LIMITS.emailMax, { error: "L'adresse e-mail est trop longue." })
  .pipe(z.email({ error: "L'adresse e-mail n'est pas valide." }));

export const professionSchema = z.enum(PROFESSIONS, {
  error: 'Choisissez une profession de la liste.',
});

export const signUpSchema = z.strictObject({
  rpps: rppsSchema,
  profession: professionSchema,
  firstName: name('Le prénom'),
  lastName: name('Le nom'),
  email: emailSchema,
  password: z
    .string({ error: 'Le mot de passe est obligatoire.' })
    .min(LIMITS.passwordMin, {
      error: `Le mot de passe doit comporter au moins ${LIMITS.passwordMin} caractères.`,
    })
    .max(LIMITS.passwordMax, { error: 'Le mot de passe est trop long.' }),
});
export type SignUpInput = z.input<typeof signUpSchema>;
export type SignUp = z.output<typeof signUpSchema>;

/** Sign in with the e-mail address or the RPPS number. */
export const signInSchema = z.strictObject({
  identifier: z
    .string({ error: "L'identifiant est obligatoire." })
    .trim()
    .min(1, { error: "L'identifiant est obligatoire." })
    .max(LIMITS.emailMax, { error: "L'identifiant est trop long." }),
  password: z
    .string({ error: 'Le mot de passe est obligatoire.' })
    .min(1, { error: 'Le mot de passe est obligatoire.' })
    .max(LIMITS.passwordMax, { error: 'Le mot de passe est trop long.' }),
});
export type SignIn = z.output<typeof signInSchema>;

/**
 * Platform roles, beyond being a health professional. `gestionnaire`: reads the yearly
 * participation report of every professional (no health data). Granted only by the command
 * `npm run gestionnaire -- --email …`, never over HTTP.
 */
export const ROLES = ['gestionnaire'] as const;
export type Role = (typeof ROLES)[number];

/** What the API shows of a professional: never a secret. */
export const professionalSchema = z.object({
  id: z.string(),
  rpps: z.string(),
  profession: professionSchema,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  /** Demo account (embedded database only): the UI marks it clearly. */
  demo: z.boolean(),
  roles: z.array(z.enum(ROLES)),
});
export type Professional = z.infer<typeof professionalSchema>;

export interface SessionInfo {
  professional: Professional | null;
}
