import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { Types } from 'mongoose';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfessionalDoc } from '../../server/src/auth/model.js';
import { setRole } from '../../server/src/auth/roles.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody } from '../helpers/http.js';
import { appRoutes, urlFor, type RouteEntry } from '../helpers/routes.js';
import { encodeRelay } from '../../shared/src/notes.js';
import {
  activeTeam,
  connect,
  expectSilence,
  expectStatus,
  signUpPro,
  signUpPros,
  teamWithFormerMembers,
} from '../teamFactories.js';

/**
 * Who may call what, for every route the routers hold (docs/reliability.md, the promises'
 * table). Team routes (`/api/teams/:teamId/...`) are for the team's current members only;
 * every other route is listed here with its audience. A route added without an entry fails
 * the test: its audience has to be decided, not assumed.
 */
type Audience =
  /** Anyone (sign-in, health, public checks). Not tried for refusals. */
  | 'public'
  /** A signed-in professional, about themself. */
  | 'session'
  /** A gestionnaire of the platform. */
  | 'gestionnaire'
  /** A patient signed in with their access code. */
  | 'patient';

const OTHER_ROUTES: Record<string, Audience> = {
  'GET /api/health': 'public',
  'GET /api/ready': 'public',
  'GET /api/session': 'public',
  'POST /api/auth/signup': 'public',
  'POST /api/auth/signin': 'public',
  'POST /api/auth/signout': 'public',
  'POST /api/auth/password/forgot': 'public',
  'GET /api/auth/password/reset/:token': 'public',
  'POST /api/auth/password/reset': 'public',
  'POST /api/auth/email/verify': 'public',
  'POST /api/auth/email/resend': 'session',
  'POST /api/auth/signout-everywhere': 'session',
  'GET /api/auth/psc/config': 'public',
  'GET /api/professionals/by-rpps/:rpps': 'session',
  'GET /api/settings': 'public',
  'GET /api/teams': 'session',
  'POST /api/teams': 'session',
  'GET /api/invitations': 'session',
  'GET /api/invitations/link/:token': 'public',
  'POST /api/invitations/claim': 'session',
  'POST /api/invitations/code': 'session',
  'POST /api/invitations/:id/accept': 'session',
  'POST /api/invitations/:id/decline': 'session',
  // The sign-up page says whether a directory is loaded.
  'GET /api/directory/status': 'public',
  'GET /api/directory/search': 'session',
  'GET /api/notifications': 'session',
  'GET /api/notifications/unread': 'session',
  'POST /api/notifications/read-all': 'session',
  'POST /api/notifications/:id/read': 'session',
  'GET /api/push/key': 'public',
  'POST /api/push/subscriptions': 'session',
  'DELETE /api/push/subscriptions': 'session',
  'GET /api/push/preferences': 'session',
  'PUT /api/push/preferences': 'session',
  'GET /api/ledger': 'session',
  'GET /api/ledger/statement.pdf': 'session',
  'GET /api/statements/:code': 'public',
  'GET /api/ledger/report': 'gestionnaire',
  'GET /api/ledger/report.csv': 'gestionnaire',
  'POST /api/patient/session': 'public',
  // Signing out is idempotent: it clears the cookie, whoever asks.
  'DELETE /api/patient/session': 'public',
  'GET /api/patient/view': 'patient',
  'GET /metrics': 'public',
  'GET /.well-known/escap-statement-keys.json': 'public',
};

/**
 * Every socket event a client may send, with what a socket that may not use it on this team
 * gets back: an acknowledgement with an error code, or nothing at all (events without one),
 * and then no member hears anything. A handler added without an entry fails the test.
 */
type EventRule = { ack: string } | { silent: true } | { anyone: true };
const EVENTS: Record<string, EventRule> = {
  'health:ping': { anyone: true },
  'team:get': { ack: 'not_found' },
  'chat:send': { ack: 'not_found' },
  'chat:read': { ack: 'not_found' },
  'note:join': { ack: 'not_found' },
  // Only a socket that joined the note may write to it; the join is what checks membership.
  'note:update': { ack: 'not_joined' },
  'note:awareness': { silent: true },
  'note:leave': { silent: true },
};
/** socket.io's own and the per-socket lifecycle listeners: not events a client sends. */
const LIFECYCLE = new Set(['disconnect', 'disconnecting', 'error']);

/** A payload naming this team that the event's schema accepts. */
function payloadFor(event: string, teamId: string, messageId: string): unknown {
  const step1 = encoding.createEncoder();
  syncProtocol.writeSyncStep1(step1, new Y.Doc());
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'intrusion');
  switch (event) {
    case 'team:get':
      return teamId;
    case 'chat:send':
      return { teamId, clientId: randomUUID(), text: 'Intrusion', mentions: [], attachments: [] };
    case 'chat:read':
      return { teamId, messageId };
    case 'note:join':
      return { teamId, doc: 'plan', message: encoding.toUint8Array(step1) };
    case 'note:update':
      return { teamId, doc: 'plan', update: encodeRelay(Y.encodeStateAsUpdate(doc)) };
    case 'note:awareness':
      return { teamId, doc: 'plan', update: encodeRelay(new Uint8Array([0])) };
    default:
      return { teamId, doc: 'plan' };
  }
}

const TEAM_PREFIX = '/api/teams/:teamId';
const key = (r: RouteEntry) => `${r.method} ${r.path}`;
/** An empty JSON body for writes, none for reads. */
const bodyFor = (method: string) => (method === 'GET' ? undefined : {});

describe('authorisation matrix, from the router', () => {
  let t: TestApp;
  let routes: RouteEntry[];
  beforeAll(async () => {
    t = await startTestApp();
    routes = appRoutes(t.app);
  });
  afterAll(() => t.close());

  it('has an audience for every route: a new route must be given one', () => {
    const unlisted = routes
      .filter((r) => !r.path.startsWith(TEAM_PREFIX) && !(key(r) in OTHER_ROUTES))
      .map(key);
    expect(unlisted).toEqual([]);
    // And nothing listed is gone (a stale entry would hide a renamed route).
    const present = new Set(routes.map(key));
    expect(Object.keys(OTHER_ROUTES).filter((k) => !present.has(k))).toEqual([]);
    expect(routes.filter((r) => r.path.startsWith(TEAM_PREFIX)).length).toBeGreaterThan(40);
  });

  it('team routes: 401 signed out; 404 to outsiders, removed members, leavers and gestionnaires, with nothing of the patient', async () => {
    const { team, removed, leaver, outsider } = await teamWithFormerMembers(t);
    const manager = await signUpPro(t, { profession: 'pharmacien' });
    await setRole(
      t.db.model<ProfessionalDoc>('Professional'),
      manager.input.email,
      'gestionnaire',
      true,
    );
    // Another team, whose member tries this team's ids, and this team's member tries its ids.
    const other = await activeTeam(t);
    const patient = team.patient.identity.birthName;
    const anonymous = await new Agent(t.baseUrl).init();
    const made = String(new Types.ObjectId());
    const personas: [string, Agent, number, string][] = [
      ['signed out', anonymous, 401, 'unauthenticated'],
      ['outsider', outsider.agent, 404, 'not_found'],
      ['removed member', removed.agent, 404, 'not_found'],
      ['member who left', leaver.agent, 404, 'not_found'],
      ['gestionnaire', manager.agent, 404, 'not_found'],
      ['member of another team', other.creator.agent, 404, 'not_found'],
    ];
    const answers: unknown[] = [];
    const expected: unknown[] = [];
    for (const route of routes.filter((r) => r.path.startsWith(TEAM_PREFIX))) {
      const url = urlFor(route.path, team.id, made);
      for (const [who, agent, status, code] of personas) {
        const res = await agent.request(route.method, url, bodyFor(route.method));
        const text = JSON.stringify(res.body ?? '');
        answers.push({
          route: key(route),
          who,
          status: res.status,
          code: (res.body as ErrorBody)?.error?.code,
          leaks: text.includes(patient),
        });
        expected.push({ route: key(route), who, status, code, leaks: false });
      }
    }
    expect(answers).toEqual(expected);
  });

  it('other routes: 401 signed out where a session is needed, 403 to non-gestionnaires for the report', async () => {
    const anonymous = await new Agent(t.baseUrl).init();
    const [pro] = await signUpPros(t, ['infirmier']);
    const made = String(new Types.ObjectId());
    const answers: unknown[] = [];
    const expected: unknown[] = [];
    for (const route of routes.filter((r) => !r.path.startsWith(TEAM_PREFIX))) {
      const audience = OTHER_ROUTES[key(route)];
      if (audience === 'public' || audience === undefined) continue;
      const url = urlFor(route.path, made, made);
      const res = await anonymous.request(route.method, url, bodyFor(route.method));
      answers.push({ route: key(route), who: 'signed out', status: res.status });
      expected.push({ route: key(route), who: 'signed out', status: 401 });
      if (audience === 'gestionnaire' || audience === 'patient') {
        const asPro = await pro!.agent.request(route.method, url, bodyFor(route.method));
        answers.push({ route: key(route), who: 'professional', status: asPro.status });
        expected.push({
          route: key(route),
          who: 'professional',
          status: audience === 'gestionnaire' ? 403 : 401,
        });
      }
    }
    expect(answers).toEqual(expected);
  });

  it('socket events: every handler refuses a socket of another team, and no member hears it', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const other = await activeTeam(t);
    const member = await connect(creator);
    const message = expectStatus(
      await nurse.agent.post<{ id: string }>(`/api/teams/${team.id}/messages`, {
        clientId: randomUUID(),
        text: 'Pour l’équipe',
      }),
      201,
    );
    const intruder = await connect(other.creator);
    try {
      const server = t.app.io.of('/').sockets.get(intruder.socket.id!)!;
      const handled = server
        .eventNames()
        .map(String)
        .filter((e) => !LIFECYCLE.has(e));
      expect(handled.filter((e) => !(e in EVENTS))).toEqual([]);
      expect(Object.keys(EVENTS).filter((e) => !handled.includes(e))).toEqual([]);
      const patient = team.patient.identity.birthName;
      member.clear();
      await expectSilence([member], {
        teamId: team.id,
        during: async () => {
          for (const event of handled) {
            const rule = EVENTS[event]!;
            const payload = payloadFor(event, team.id, message.id);
            if ('silent' in rule) {
              intruder.socket.emit(event as 'note:leave', payload as never);
              continue;
            }
            // health:ping takes no payload: its acknowledgement is its only argument.
            const sending = intruder.socket.timeout(5000);
            const ack = (await (event === 'health:ping'
              ? sending.emitWithAck('health:ping')
              : sending.emitWithAck(event as 'team:get', payload as never))) as {
              ok: boolean;
              error?: { code: string };
            };
            expect(JSON.stringify(ack)).not.toContain(patient);
            if ('anyone' in rule) expect(ack.ok, event).toBe(true);
            else expect({ event, ack: ack.error?.code }).toEqual({ event, ack: rule.ack });
          }
          // The silent events are settled once a later acknowledged one comes back.
          expect(await intruder.socket.timeout(5000).emitWithAck('health:ping')).toMatchObject({
            ok: true,
          });
        },
      });
    } finally {
      intruder.close();
      member.close();
    }
  });
});
