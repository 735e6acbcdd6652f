import { describe, expect, it } from 'vitest';
import { parseCookies } from '../http/cookies.js';
import { hashToken, newCsrfToken, newSessionToken, verifyCsrfToken } from './tokens.js';

describe('session tokens', () => {
  it('stores only the hash of a random token', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a.token).not.toBe(b.token);
    expect(a.id).toBe(hashToken(a.token));
    expect(a.id).not.toContain(a.token);
  });
});

describe('CSRF tokens', () => {
  const secret = 's'.repeat(32);
  it('verifies for the session they were issued for only', () => {
    const anon = newCsrfToken(secret, undefined);
    const bound = newCsrfToken(secret, 'session-1');
    expect(verifyCsrfToken(secret, anon, undefined)).toBe(true);
    expect(verifyCsrfToken(secret, anon, 'session-1')).toBe(false);
    expect(verifyCsrfToken(secret, bound, 'session-1')).toBe(true);
    expect(verifyCsrfToken(secret, bound, 'session-2')).toBe(false);
    expect(verifyCsrfToken('t'.repeat(32), bound, 'session-1')).toBe(false);
  });
  it.each(['', '.', 'abc', 'abc.', '.abc', 'a.b.c'])('refuses malformed %j', (token) => {
    expect(verifyCsrfToken(secret, token, undefined)).toBe(false);
  });
});

describe('parseCookies', () => {
  it('reads name=value pairs and decodes them', () => {
    expect(parseCookies('a=1; escap_csrf=x%2Ey; broken; =v; b = 2')).toEqual({
      a: '1',
      escap_csrf: 'x.y',
      b: '2',
    });
    expect(parseCookies(undefined)).toEqual({});
    expect(parseCookies('bad=%E0%A4%A')).toEqual({ bad: '%E0%A4%A' });
  });
});
