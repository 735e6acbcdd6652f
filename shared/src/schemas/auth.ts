import { z } from 'zod';
import { isValidRpps, normalizeRpps } from '../ids.js';
import { LIMITS } from '../limits.js';
import { PROFESSIONS } from '../professions.js';
import { hasForbiddenNameCharacter, hasLoneSurrogate, nameField, wellFormedText } from '../text.js';

const name = (label: string) => nameField(label, LIMITS.nameMax);

export const rppsSchema = z
  .string({ error: 'Le numéro RPPS est obligatoire.' })
  .transform(normalizeRpps)
  .refine(isValidRpps, { error: 'Le numéro RPPS doit comporter 11 chiffres.' });

export const emailSchema = z
  .string({ error: 'L’adresse e-mail est obligatoire.' })
  .refine((s) => !hasLoneSurrogate(s) && !hasForbiddenNameCharacter(s), {
    error: 'L’adresse e-mail n’est pas valide.',
    abort: true,
  })
  .normalize('NFC')
  .trim()
  .toLowerCase()
  .max(LIMITS.emailMax, { error: 'L’adresse e-mail est trop longue.' })
  .pipe(z.email({ error: 'L’adresse e-mail n’est pas valide.' }));

export const professionSchema = z.enum(PROFESSIONS, {
  error: 'Choisissez une profession de la liste.',
});

/**
 * A new password's form: length bounds and well-formed text. Its strength (common and trivial
 * passwords refused) is judged by the server (`shared/src/password.ts`), whose dictionaries are
 * too large for the client's first page.
 */
export const newPasswordSchema = wellFormedText(
  'Le mot de passe contient des caractères invalides.',
  'Le mot de passe est obligatoire.',
)
  .min(LIMITS.passwordMin, {
    error: `Le mot de passe doit comporter au moins ${LIMITS.passwordMin} caractères.`,
  })
  .max(LIMITS.passwordMax, { error: 'Le mot de passe est trop long.' });

export const signUpSchema = z.strictObject({
  rpps: rppsSchema,
  profession: professionSchema,
  firstName: name('Le prénom'),
  lastName: name('Le nom'),
  email: emailSchema,
  password: newPasswordSchema,
});
export type SignUpInput = z.input<typeof signUpSchema>;
export type SignUp = z.output<typeof signUpSchema>;

/** Sign in with the e-mail address or the RPPS number. */
export const signInSchema = z.strictObject({
  identifier: z
    .string({ error: 'L’identifiant est obligatoire.' })
    .trim()
    .min(1, { error: 'L’identifiant est obligatoire.' })
    .max(LIMITS.emailMax, { error: 'L’identifiant est trop long.' }),
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

export const RPPS_CHECKS = ['psc', 'directory', 'unverified'] as const;
export type RppsCheck = (typeof RPPS_CHECKS)[number];

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
  /** The address was proved (a link sent to it was opened, or a password reset through it). */
  emailVerified: z.boolean(),
  /** How the RPPS identity was checked; null when no directory was loaded at sign-up. */
  rppsCheck: z.enum(RPPS_CHECKS).nullable(),
  roles: z.array(z.enum(ROLES)),
});
export type Professional = z.infer<typeof professionalSchema>;

export interface SessionInfo {
  professional: Professional | null;
}
