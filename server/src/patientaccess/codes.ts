import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_DIGITS } from '../../../shared/src/rules/patient-access.js';

/**
 * One-time codes of the patient's access (docs/patient-access.md). A code is drawn from the
 * CSPRNG, shown once (in the e-mail or SMS) and stored only as an HMAC: eight digits are too
 * few for a bare hash, which anyone reading the database could reverse by trying all 10^8,
 * so the key (the server's secret) must be known too. The grant id is in the MAC, so a code
 * stored for one grant never matches another's.
 */
export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

export function hashCode(secret: string, grantId: string, code: string): string {
  return createHmac('sha256', secret).update(`patient-code|${grantId}|${code}`).digest('hex');
}

/** Constant-time: the comparison does not tell how many leading characters matched. */
export function codeMatches(
  secret: string,
  grantId: string,
  code: string,
  stored: string,
): boolean {
  const given = Buffer.from(hashCode(secret, grantId, code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
