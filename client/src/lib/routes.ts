/** The pages of the app, matched from the path alone (the query never changes the page). */
export type Match =
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'home' }
  | { name: 'create' }
  | { name: 'team'; id: string }
  | { name: 'audit'; id: string }
  | { name: 'notes'; id: string }
  | { name: 'chat'; id: string }
  | { name: 'tasks'; id: string }
  | { name: 'documents'; id: string }
  | { name: 'file'; id: string }
  | { name: 'plan'; id: string }
  | { name: 'events'; id: string }
  | { name: 'notifications' }
  | { name: 'ledger' }
  | { name: 'report' }
  | { name: 'verify'; code: string }
  | { name: 'invitation'; token: string }
  | { name: 'forgotPassword' }
  | { name: 'resetPassword'; token: string }
  | { name: 'verifyEmail'; token: string }
  | { name: 'pscFinish' }
  | { name: 'patient' }
  | { name: 'unknown' };

/**
 * Pages shown to anyone: signed out, or signed in (invitation links, statement checks, the
 * patient's own view, which has its own session).
 */
export const PUBLIC_PAGES: ReadonlySet<Match['name']> = new Set([
  'signin',
  'signup',
  'invitation',
  'verify',
  'forgotPassword',
  'resetPassword',
  'verifyEmail',
  'pscFinish',
  'patient',
]);

/** Pages under /escap/:id/, by their last segment. */
const TEAM_PAGES = {
  journal: 'audit',
  notes: 'notes',
  discussion: 'chat',
  taches: 'tasks',
  documents: 'documents',
  dossier: 'file',
  pps: 'plan',
  evenements: 'events',
} as const;

const TEAM = /^\/escap\/([^/]+)$/;
const TEAM_PAGE = /^\/escap\/([^/]+)\/([a-z]+)$/;
const INVITATION = /^\/invitation\/([^/]+)$/;
const VERIFY = /^\/verification\/([^/]+)$/;
const RESET = /^\/mot-de-passe\/nouveau\/([^/]+)$/;
const VERIFY_EMAIL = /^\/email\/confirmation\/([^/]+)$/;

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
    case '/notifications':
      return { name: 'notifications' };
    case '/participation':
      return { name: 'ledger' };
    case '/gestion/participation':
      return { name: 'report' };
    case '/mot-de-passe/oublie':
      return { name: 'forgotPassword' };
    case '/connexion/pro-sante-connect':
      return { name: 'pscFinish' };
    case '/patient':
      return { name: 'patient' };
  }
  let m = TEAM_PAGE.exec(trimmed);
  const page = m?.[2] as keyof typeof TEAM_PAGES | undefined;
  let value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value && page && Object.hasOwn(TEAM_PAGES, page))
    return { name: TEAM_PAGES[page], id: value };
  m = TEAM.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'team', id: value };
  m = INVITATION.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'invitation', token: value };
  m = VERIFY.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'verify', code: value };
  m = RESET.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'resetPassword', token: value };
  m = VERIFY_EMAIL.exec(trimmed);
  value = m?.[1] !== undefined ? segment(m[1]) : undefined;
  if (value) return { name: 'verifyEmail', token: value };
  return { name: 'unknown' };
}

export const paths = {
  home: '/',
  create: '/escap/nouvelle',
  team: (id: string) => `/escap/${encodeURIComponent(id)}`,
  audit: (id: string) => `/escap/${encodeURIComponent(id)}/journal`,
  notes: (id: string) => `/escap/${encodeURIComponent(id)}/notes`,
  chat: (id: string) => `/escap/${encodeURIComponent(id)}/discussion`,
  /** The discussion, the message given the focus (a mention's notification leads there). */
  message: (id: string, messageId: string) =>
    `/escap/${encodeURIComponent(id)}/discussion?message=${encodeURIComponent(messageId)}`,
  tasks: (id: string) => `/escap/${encodeURIComponent(id)}/taches`,
  /** The tasks page, the task given the focus (a notification leads there). */
  task: (id: string, taskId: string) =>
    `/escap/${encodeURIComponent(id)}/taches?tache=${encodeURIComponent(taskId)}`,
  documents: (id: string) => `/escap/${encodeURIComponent(id)}/documents`,
  file: (id: string) => `/escap/${encodeURIComponent(id)}/dossier`,
  plan: (id: string) => `/escap/${encodeURIComponent(id)}/pps`,
  events: (id: string) => `/escap/${encodeURIComponent(id)}/evenements`,
  /** The timeline, the event given the focus (an alert's notification leads there). */
  event: (id: string, eventId: string) =>
    `/escap/${encodeURIComponent(id)}/evenements?evenement=${encodeURIComponent(eventId)}`,
  notifications: '/notifications',
  /** The professional's participation dashboard; `year` opens an earlier year. */
  ledger: (year?: number) => (year ? `/participation?annee=${year}` : '/participation'),
  report: (year?: number) =>
    year ? `/gestion/participation?annee=${year}` : '/gestion/participation',
  verify: (code: string) => `/verification/${encodeURIComponent(code)}`,
  invitation: (token: string) => `/invitation/${encodeURIComponent(token)}`,
  /** Sign-in or sign-up that comes back to an invitation link afterwards. */
  signIn: (invitation?: string) =>
    invitation ? `/connexion?invitation=${encodeURIComponent(invitation)}` : '/connexion',
  signUp: (invitation?: string) =>
    invitation ? `/inscription?invitation=${encodeURIComponent(invitation)}` : '/inscription',
  forgotPassword: '/mot-de-passe/oublie',
  /** The patient's own view, opened with the code a member sent (docs/patient-access.md). */
  patient: '/patient',
  /** A browser navigation to the server, which redirects to Pro Santé Connect. */
  pscStart: (invitation?: string) =>
    invitation
      ? `/api/auth/psc/start?invitation=${encodeURIComponent(invitation)}`
      : '/api/auth/psc/start',
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
