import type { CookieOptions, Response } from 'express';

export const SESSION_COOKIE = 'escap_sid';
export const CSRF_COOKIE = 'escap_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Parses a Cookie header (no dependency needed for name=value pairs). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/**
 * SameSite=Strict: the app is a same-origin SPA, so cross-site requests never need the cookie.
 * Secure in production (HTTPS); localhost development runs over plain HTTP.
 */
export function cookieOptions(
  secure: boolean,
  httpOnly: boolean,
  maxAgeMs?: number,
): CookieOptions {
  return {
    httpOnly,
    secure,
    sameSite: 'strict',
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, cookieOptions(secure, name === SESSION_COOKIE));
}
