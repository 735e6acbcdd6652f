/**
 * French mobile numbers, the patient's SMS channel (docs/patient-access.md). A number is
 * stored and compared in E.164 (`+33612345678`), whatever form it was typed in: a member
 * records `06 12 34 56 78`, the patient may type `+33 6 12 34 56 78` at /patient, both match.
 * Mobiles only (06 and 07): a landline cannot receive the code.
 */

/** Spaces (also the no-break ones), dots, dashes and brackets people put between digits. */
const SEPARATORS = /[\s.\-()\u00a0\u202f]/g;

export const MOBILE_INVALID = 'Le numéro de téléphone portable est invalide.';

/**
 * `06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`,
 * `0033 6 12 34 56 78` (07 alike) → `+33612345678`; anything else → null.
 */
export function normaliseMobile(input: string): string | null {
  if (input.length > 40) return null;
  const compact = input.replace(SEPARATORS, '');
  const match = /^(?:0|(?:\+|00)330?)([67]\d{8})$/.exec(compact);
  return match ? `+33${match[1]}` : null;
}

/** What a person typed reads as a phone number rather than an e-mail address. */
export function looksLikePhone(input: string): boolean {
  return !input.includes('@') && /^[\d\s.\-()+\u00a0\u202f]+$/.test(input.trim());
}

/** `+33612345678` → `06 12 34 56 78`, as French people write it; anything else unchanged. */
export function formatMobile(e164: string): string {
  const match = /^\+33([67])(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(e164);
  return match ? `0${match.slice(1).join(' ')}` : e164;
}
