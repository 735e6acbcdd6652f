import { describe, expect, it } from 'vitest';
import { matchRoute, paths, PUBLIC_PAGES, queryParam, splitLocation } from './routes.js';

describe('matchRoute', () => {
  it('matches the fixed pages', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/connexion')).toEqual({ name: 'signin' });
    expect(matchRoute('/inscription/')).toEqual({ name: 'signup' });
    expect(matchRoute('/escap/nouvelle')).toEqual({ name: 'create' });
  });

  it('matches a team, its audit log and an invitation link', () => {
    expect(matchRoute('/escap/64b7f0c2a1b2c3d4e5f60718')).toEqual({
      name: 'team',
      id: '64b7f0c2a1b2c3d4e5f60718',
    });
    expect(matchRoute('/escap/abc/journal')).toEqual({ name: 'audit', id: 'abc' });
    expect(matchRoute('/escap/abc/notes/')).toEqual({ name: 'notes', id: 'abc' });
    expect(matchRoute(paths.notes('a b'))).toEqual({ name: 'notes', id: 'a b' });
    expect(matchRoute(paths.chat('abc'))).toEqual({ name: 'chat', id: 'abc' });
    expect(matchRoute(paths.tasks('abc'))).toEqual({ name: 'tasks', id: 'abc' });
    expect(matchRoute('/escap/abc/constructor')).toEqual({ name: 'unknown' });
    expect(matchRoute('/invitation/tok_EN-123')).toEqual({
      name: 'invitation',
      token: 'tok_EN-123',
    });
  });

  it('matches the personal and platform pages', () => {
    expect(matchRoute(paths.notifications)).toEqual({ name: 'notifications' });
    expect(matchRoute('/participation')).toEqual({ name: 'ledger' });
    expect(matchRoute('/gestion/participation/')).toEqual({ name: 'report' });
    expect(matchRoute(paths.verify('AB12-CD34'))).toEqual({ name: 'verify', code: 'AB12-CD34' });
  });

  it('matches the patient’s own page, public like the other pages reached without an account', () => {
    expect(matchRoute(paths.patient)).toEqual({ name: 'patient' });
    expect(matchRoute('/patient/')).toEqual({ name: 'patient' });
    expect(matchRoute('/patient/x')).toEqual({ name: 'unknown' });
    expect(PUBLIC_PAGES.has('patient')).toBe(true);
    expect(PUBLIC_PAGES.has('team')).toBe(false);
  });

  it('does not match anything else', () => {
    expect(matchRoute('/escap')).toEqual({ name: 'unknown' });
    expect(matchRoute('/escap/a/b')).toEqual({ name: 'unknown' });
    expect(matchRoute('/invitation/%E0%A4%A')).toEqual({ name: 'unknown' });
  });
});

describe('locations', () => {
  it('keeps the invitation token through sign-in', () => {
    expect(paths.signIn('a b')).toBe('/connexion?invitation=a%20b');
    expect(paths.signUp()).toBe('/inscription');
    expect(splitLocation(paths.signIn('x'))).toEqual({
      path: '/connexion',
      search: '?invitation=x',
    });
    expect(queryParam('?invitation=a%20b', 'invitation')).toBe('a b');
  });

  it('splits paths without a query', () => {
    expect(splitLocation('/escap/1#membres')).toEqual({ path: '/escap/1', search: '' });
    expect(splitLocation('?')).toEqual({ path: '/', search: '' });
  });
});
