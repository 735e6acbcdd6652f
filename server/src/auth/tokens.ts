import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session tokens: random 256 bits in the cookie; only their SHA-256 is stored. */
export function newSessionToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * CSRF tokens, "signed double-submit cookie" (OWASP): `nonce.hmac(secret, nonce|sessionId)`.
 * The client echoes the cookie in a header. Binding to the session id means a token planted
 * by another site (cookie injection) or kept from before sign-in is refused.
 */
export function newCsrfToken(secret: string, sessionId: string | undefined): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${sign(secret, nonce, sessionId)}`;
}

export function verifyCsrfToken(
  secret: string,
  token: string,
  sessionId: string | undefined,
): boolean {
  const dot = token.indexOf('.');
  if (dot < 1) return false;
  const expected = Buffer.from(sign(secret, token.slice(0, dot), sessionId));
  const given = Buffer.from(token.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function sign(secret: string, nonce: string, sessionId: string | undefined): string {
  return createHmac('sha256', secret)
    .update(`${nonce}|${sessionId ?? ''}`)
    .digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
