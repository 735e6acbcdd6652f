/**
 * The one-time code that opens the patient's own read-only view (docs/patient-access.md).
 * Pure rules, shared by the server (which decides) and the client (which shapes the input):
 * a code is single use, short-lived, tried a few times at most, and dies with its grant.
 */

/** Eight digits: 10^8 codes, with at most `MAX_CODE_ATTEMPTS` tries per code. */
export const CODE_DIGITS = 8;
/** A code not used within this delay is dead; the member sends a new one. */
export const CODE_TTL_MS = 15 * 60_000;
/** Wrong tries before the code is burnt (a new one must be sent). */
export const MAX_CODE_ATTEMPTS = 5;
/** The patient's session is short: read-only, re-opened with a new code. */
export const PATIENT_SESSION_TTL_MS = 30 * 60_000;

export interface CodeState {
  /** When the code was issued and how long it lives (ms since epoch). */
  expiresAt: number;
  /** Set once the code has opened a session. */
  usedAt: number | null;
  /** Wrong tries so far. */
  failedAttempts: number;
  /** Set when a member revoked the grant: every code and session of it ends. */
  grantRevokedAt: number | null;
}

export type CodeRefusal = 'revoked' | 'used' | 'expired' | 'locked';

/**
 * Why a code can no longer be tried, or null when a try may be compared. The order matters
 * only for the reason told to the server's log and tests; the patient always sees one
 * message ("code invalide ou expiré"), so a refusal tells an attacker nothing.
 */
export function codeRefusal(code: CodeState, now: number): CodeRefusal | null {
  if (code.grantRevokedAt !== null) return 'revoked';
  if (code.usedAt !== null) return 'used';
  if (now >= code.expiresAt) return 'expired';
  if (code.failedAttempts >= MAX_CODE_ATTEMPTS) return 'locked';
  return null;
}

/**
 * The typed code, normalised: spaces and dashes a patient may copy from a message are
 * dropped; anything else than exactly `CODE_DIGITS` digits is no code (null).
 */
export function normaliseCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code) ? code : null;
}

/** A patient session lives while its grant does and its short lifetime lasts. */
export function patientSessionOpen(
  session: { expiresAt: number; grantRevokedAt: number | null },
  now: number,
): boolean {
  return session.grantRevokedAt === null && now < session.expiresAt;
}
