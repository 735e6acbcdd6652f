import { z } from 'zod';
import type { Profession } from './professions.js';
import { wellFormedText } from './text.js';
import type { ProfessionalRef } from './views.js';

/**
 * The national directory of health professionals (Annuaire Santé, "PS_LibreAcces" extract):
 * what the API answers about it. docs/identity.md has the import and the rules.
 */

/**
 * TRE_G15 ("Profession"), the nomenclature of the extract's "Code profession", for the
 * professions an ESCAP may have. Other codes are imported (the search shows their label) but
 * give no profession here.
 */
export const TRE_G15: Readonly<Record<string, Profession>> = {
  '10': 'medecin',
  '21': 'pharmacien',
  '26': 'audioprothesiste',
  '28': 'opticien',
  '40': 'chirurgien_dentiste',
  '50': 'sage_femme',
  '60': 'infirmier',
  '70': 'masseur_kinesitherapeute',
  '80': 'pedicure_podologue',
  '91': 'orthophoniste',
  '92': 'orthoptiste',
};
export const PHYSICIAN_CODE = '10';

export function professionOfCode(code: string): Profession | null {
  return Object.hasOwn(TRE_G15, code) ? TRE_G15[code]! : null;
}

export const DIRECTORY_LIMITS = {
  queryMin: 2,
  queryMax: 100,
  /** Professionals answered per search. */
  results: 20,
} as const;

export const directorySearchSchema = z.strictObject({
  q: wellFormedText()
    .trim()
    .min(DIRECTORY_LIMITS.queryMin, { error: 'Saisissez au moins 2 lettres du nom.' })
    .max(DIRECTORY_LIMITS.queryMax, { error: 'La recherche est trop longue.' }),
});

export interface DirectoryPlace {
  city: string;
  postalCode: string;
}

/** One professional found in the directory, with every place they practise. */
export interface DirectoryHit {
  rpps: string;
  firstName: string;
  lastName: string;
  /** Our profession for their TRE_G15 code, or null (a profession outside ESCAP). */
  profession: Profession | null;
  professionLabel: string;
  places: DirectoryPlace[];
  /** Their ESCAP account when they have one (then they are invited by RPPS). */
  registered: ProfessionalRef | null;
}

export interface DirectoryStatusView {
  loaded: boolean;
  /** The loaded extract is the fictitious one of `npm start`: the UI says so. */
  synthetic: boolean;
  importedAt: string | null;
  /** What sign-up does when the directory does not confirm an identity (a setting). */
  signUp: 'refuse' | 'flag';
}

export interface DirectorySearchView {
  status: DirectoryStatusView;
  hits: DirectoryHit[];
}
