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

/** The yearly statement of participation: one name on the page, in the PDF and its file. */
export const STATEMENT = {
  name: 'Attestation annuelle de participation',
  short: 'Attestation',
  provisional: 'Attestation provisoire',
} as const;

/** The two yearly amounts and their sum (never "Bonus" here and "Complément" there). */
export const AMOUNT_LABELS = {
  base: 'Utilisation de l’outil',
  bonus: 'Complément',
  total: 'Total',
} as const;

const euros = (cents: boolean) =>
  new Intl.NumberFormat('fr-FR', {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: cents ? 2 : 0,
    maximumFractionDigits: 2,
  });
const WHOLE_EUROS = euros(false);
const EUROS_AND_CENTS = euros(true);

/**
 * "100 €", "1 250 €", "12,50 €": French separators, the euro sign everywhere. The narrow
 * no-break space of the thousands becomes a plain no-break one, which every font has (the
 * PDF's standard Helvetica lacks the narrow one).
 */
export function formatEuros(amount: number): string {
  const format = Number.isInteger(amount) ? WHOLE_EUROS : EUROS_AND_CENTS;
  return format.format(amount).replace(/\u202f/g, '\u00a0');
}

/** Contributions by kind, as counted in a year ("Notes : 2, Messages : 1"). */
export const CONTRIBUTION_COLUMN_LABELS = {
  note: 'Notes',
  message: 'Messages',
  task: 'Tâches',
  document: 'Documents',
  total: 'Total',
} as const;

/**
 * Why an ESCAP line counts or not, said to the professional ("votre participation") or to
 * anyone checking their statement ("sa participation").
 */
export const LEDGER_REASON_WORDS = {
  self: {
    counted: 'Comptée : active pendant votre participation, avec au moins une contribution',
    not_active_while_member:
      'Non comptée : l’ESCAP n’a pas été active pendant votre participation cette année',
    no_contribution: 'Non comptée : aucune contribution de votre part cette année',
  },
  third: {
    counted:
      'Comptée : active pendant la participation du professionnel, avec au moins une contribution',
    not_active_while_member:
      'Non comptée : l’ESCAP n’a pas été active pendant la participation du professionnel cette année',
    no_contribution: 'Non comptée : aucune contribution du professionnel cette année',
  },
} as const;
export type LedgerAudience = keyof typeof LEDGER_REASON_WORDS;

/** The time zone of a statement, in words: "heure de Paris" for Europe/Paris. */
export function zoneLabel(timeZone: string): string {
  return timeZone === PARIS_TIME_ZONE ? 'heure de Paris' : `fuseau ${timeZone}`;
}
