/**
 * National identifiers: RPPS (professionals) and INS/NIR (patients).
 */

/**
 * RPPS number: 11 digits. docs/domain.md asks to apply a check-digit rule only once it has been
 * verified against real published numbers; we have none to verify against here, so only the
 * format is checked. Spaces are tolerated on input (people copy them from cards) and removed.
 */
export const RPPS_PATTERN = /^\d{11}$/;

export function normalizeRpps(input: string): string {
  return input.replace(/\s+/g, '');
}

export function isValidRpps(input: string): boolean {
  return RPPS_PATTERN.test(normalizeRpps(input));
}

/**
 * NIR (the INS matricule): 13 characters then a 2-digit key = 97 - (number mod 97).
 * The Corsican departments 2A and 2B are read as 19 and 18 for the computation.
 * Characters 6-7 hold the department, so "2A"/"2B" appear at index 5-6.
 */
export const NIR_PATTERN = /^[12378]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}$/i;

export function normalizeNir(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function nirKey(first13: string): number {
  const numeric = first13.toUpperCase().replace('2A', '19').replace('2B', '18');
  // A 13-digit number is below 2^53, so plain JavaScript numbers compute this exactly.
  return 97 - (Number(numeric) % 97);
}

export function isValidNir(input: string): boolean {
  const nir = normalizeNir(input);
  if (!NIR_PATTERN.test(nir)) return false;
  return nirKey(nir.slice(0, 13)) === Number(nir.slice(13));
}
