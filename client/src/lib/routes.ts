/** The pages of the app, matched from the path alone (the query never changes the page). */
export type Match =
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'home' }
  | { name: 'create' }
  | { name: 'team'; id: string }
  | { name: 'audit'; id: string }
  | { name: 'notes'; id: string }
  | { name: 'invitation'; token: string }
  | { name: 'unknown' };

/** Pages shown to anyone: signed out, or signed in (the invitation link page). */
export const PUBLIC_PAGES: ReadonlySet<Match['name']> = new Set(['signin', 'signup', 'invitation']);

const TEAM = /^\/escap\/([^/]+)$/;
const AUDIT = /^\/escap\/([^/]+)\/journal$/;
const NOTES = /^\/escap\/([^/]+)\/notes$/;
const INVITATION = /^\/invitation\/([^/]+)$/;

function segment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function matchRoute(path: string): Match {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  switch (trimmed) {
    case '/':
      return { name: 'home' };
    case '/connexion':
      return { name: 'signin' };
    case '/inscription':
      return { name: 'signup' };
    case '/escap/nouvelle':
      return { name: 'create' };
  }
  let m = AUDIT.exec(trimmed);
  let value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'audit', id: value };
  m = NOTES.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'notes', id: value };
  m = TEAM.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'team', id: value };
  m = INVITATION.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'invitation', token: value };
  return { name: 'unknown' };
}

export const paths = {
  home: '/',
  create: '/escap/nouvelle',
  team: (id: string) => `/escap/${encodeURIComponent(id)}`,
  audit: (id: string) => `/escap/${encodeURIComponent(id)}/journal`,
  notes: (id: string) => `/escap/${encodeURIComponent(id)}/notes`,
  invitation: (token: string) => `/invitation/${encodeURIComponent(token)}`,
  /** Sign-in or sign-up that comes back to an invitation link afterwards. */
  signIn: (invitation?: string) =>
    invitation ? `/connexion?invitation=${encodeURIComponent(invitation)}` : '/connexion',
  signUp: (invitation?: string) =>
    invitation ? `/inscription?invitation=${encodeURIComponent(invitation)}` : '/inscription',
};

/** An in-app location ("/connexion?invitation=x") as path and query string (`?` included). */
export function splitLocation(to: string): { path: string; search: string } {
  const withoutHash = to.split('#', 1)[0] ?? '';
  const q = withoutHash.indexOf('?');
  const path = q === -1 ? withoutHash : withoutHash.slice(0, q);
  const search = q === -1 ? '' : withoutHash.slice(q);
  return { path: path || '/', search: search === '?' ? '' : search };
}

export function queryParam(search: string, name: string): string | null {
  return new URLSearchParams(search).get(name);
}
