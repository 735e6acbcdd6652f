/**
 * Professions of the national union of health professionals (UNPS), the people who may be
 * members of an ESCAP (see docs/domain.md). Codes are stable identifiers stored in the database;
 * labels are what the French UI shows.
 */
export const PROFESSIONS = [
  'medecin',
  'infirmier',
  'pharmacien',
  'masseur_kinesitherapeute',
  'sage_femme',
  'chirurgien_dentiste',
  'orthophoniste',
  'orthoptiste',
  'pedicure_podologue',
  'biologiste',
  'audioprothesiste',
  'opticien',
] as const;

export type Profession = (typeof PROFESSIONS)[number];

export const PROFESSION_LABELS: Record<Profession, string> = {
  medecin: 'Médecin',
  infirmier: 'Infirmier·ère',
  pharmacien: 'Pharmacien·ne',
  masseur_kinesitherapeute: 'Masseur-kinésithérapeute',
  sage_femme: 'Sage-femme',
  chirurgien_dentiste: 'Chirurgien-dentiste',
  orthophoniste: 'Orthophoniste',
  orthoptiste: 'Orthoptiste',
  pedicure_podologue: 'Pédicure-podologue',
  biologiste: 'Biologiste',
  audioprothesiste: 'Audioprothésiste',
  opticien: 'Opticien-lunetier',
};

export function isProfession(value: unknown): value is Profession {
  return typeof value === 'string' && (PROFESSIONS as readonly string[]).includes(value);
}
