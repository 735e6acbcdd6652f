import { PROFESSION_LABELS } from './professions.js';

/**
 * The French words of the product, in one place: pages, PDF and exports use these, so that one
 * thing has one name everywhere (issue: "Attestation" on the page but "Relevé annuel" in the
 * PDF). Typography: the typographic apostrophe (’) everywhere, and "EUR" spelt "€".
 */

/** "Camille Durand (Infirmier·ère)". */
export function professionalLabel(p: {
  firstName: string;
  lastName: string;
  profession: keyof typeof PROFESSION_LABELS;
}): string {
  return `${`${p.firstName} ${p.lastName}`.trim()} (${PROFESSION_LABELS[p.profession]})`;
}

/** Date and time as the French read them, in Paris time: "02/12/2026 03:19:10". */
export const PARIS_TIME_ZONE = 'Europe/Paris';
const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  dateStyle: 'short',
  timeStyle: 'medium',
});
export const parisDateTime = (at: Date): string => PARIS_DATE_TIME.format(at);
