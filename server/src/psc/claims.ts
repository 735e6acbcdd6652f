import { z } from 'zod';
import { professionOfCode } from '../../../shared/src/directory.js';
import type { Profession } from '../../../shared/src/professions.js';
import { emailSchema } from '../../../shared/src/schemas/auth.js';
import { nameField } from '../../../shared/src/text.js';
import { LIMITS } from '../../../shared/src/limits.js';
import { AppError } from '../http/errors.js';

/**
 * What ESCAP takes from Pro Santé Connect's answer (docs/identity.md, "Pro Santé Connect"):
 * - the RPPS number from `SubjectNameID`, the national identifier "8" + RPPS (or
 *   `preferred_username`, which carries the same);
 * - the profession from `SubjectRefPro.exercices[].codeProfession` (TRE_G15), the first
 *   exercise whose profession ESCAP has;
 * - the names of that exercise (`nomDExercice`, `prenomDExercice`), else `family_name` and
 *   `given_name`; they pass the same text rules as a sign-up's;
 * - `email` when given (used only to propose an address; it is verified like any other).
 */
export interface PscIdentity {
  rpps: string;
  profession: Profession;
  firstName: string;
  lastName: string;
  email: string | null;
}

const exercise = z.looseObject({
  codeProfession: z.string().optional(),
  nomDExercice: z.string().optional(),
  prenomDExercice: z.string().optional(),
});
const claimsSchema = z.looseObject({
  sub: z.string(),
  SubjectNameID: z.string().optional(),
  preferred_username: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  SubjectRefPro: z.looseObject({ exercices: z.array(exercise).optional() }).optional(),
});

const firstName = nameField('Le prénom', LIMITS.nameMax);
const lastName = nameField('Le nom', LIMITS.nameMax);

/** The RPPS of a national identifier: "8" + 11 digits, or the 11 digits alone. */
export function rppsOfIdNat(idNat: string | undefined): string | null {
  if (!idNat) return null;
  const m = /^8?(\d{11})$/.exec(idNat.trim());
  return m ? m[1]! : null;
}

export function identityOf(raw: unknown): PscIdentity {
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('psc_failed');
  const c = parsed.data;
  const rpps = rppsOfIdNat(c.SubjectNameID) ?? rppsOfIdNat(c.preferred_username);
  if (!rpps) throw new AppError('psc_failed');
  const exercises = c.SubjectRefPro?.exercices ?? [];
  const known = exercises.find((e) => e.codeProfession && professionOfCode(e.codeProfession));
  if (!known) throw new AppError('psc_profession_unsupported');
  const first = firstName.safeParse(known.prenomDExercice || c.given_name || '');
  const last = lastName.safeParse(known.nomDExercice || c.family_name || '');
  if (!first.success || !last.success) throw new AppError('psc_failed');
  const email = emailSchema.safeParse(c.email ?? '');
  return {
    rpps,
    profession: professionOfCode(known.codeProfession!)!,
    firstName: first.data,
    lastName: last.data,
    email: email.success ? email.data : null,
  };
}
