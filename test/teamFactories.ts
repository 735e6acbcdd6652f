import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { afterEach, expect } from 'vitest';
import type { GridDefinition } from '../shared/src/grid/definition.js';
import { ESCAP_UNPS_2025 } from '../shared/src/grid/escap-unps-2025.js';
import { factorsInScope } from '../shared/src/grid/score.js';
import type { Profession } from '../shared/src/professions.js';
import type { Professional, SignUpInput } from '../shared/src/schemas/auth.js';
import type { Identity } from '../shared/src/schemas/patient.js';
import type { CreateTeamInput, InviteInput } from '../shared/src/schemas/teams.js';
import type { Ack } from '../shared/src/errors.js';
import type { ServerToClientEvents } from '../shared/src/events.js';
import type {
  CreatedInvitationView,
  InvitationView,
  SettingsView,
  TeamView,
} from '../shared/src/views.js';
import { signUpAs } from './factories.js';
import type { TestApp } from './helpers/app.js';
import { Agent, type ErrorBody, type HttpResult } from './helpers/http.js';

/** A valid INS matricule (key 91) and a Corsican one (2A, key 46). */
export const VALID_INS = '185057800608491';
export const CORSICAN_INS = '255082A12345646';

const today = () => new Date().toISOString().slice(0, 10);

/** A birth name unique within the run, to look for leaks of patient identity. */
export function uniqueBirthName(): string {
  return `Verneuil${randomBytes(4).toString('hex').toUpperCase()}`;
}

export function buildIdentity(overrides: Partial<Identity> = {}): Identity {
  return {
    birthName: uniqueBirthName(),
    firstNames: 'Jeanne Marie',
    sex: 'F',
    birthDate: '1948-05-12',
    birthPlaceCode: '75056',
    ...overrides,
  };
}

export function buildPatient(
  overrides: Partial<CreateTeamInput['patient']> = {},
): CreateTeamInput['patient'] {
  return {
    identity: buildIdentity(),
    ins: VALID_INS,
    contact: { phone: '01 23 45 67 89', address: '3 rue des Lilas, 75011 Paris' },
    ...overrides,
  };
}

/**
 * Answers that make exactly `score` on the grid (the shipped one unless given): the most severe
 * level that still fits, factor after factor, in the grid's order.
 */
export function answersScoring(
  score: number,
  pregnant = false,
  grid: GridDefinition = ESCAP_UNPS_2025,
): Record<string, string> {
  let left = score;
  const answers: Record<string, string> = {};
  for (const factor of factorsInScope(grid, pregnant)) {
    const fits = factor.levels.filter((l) => l.points <= left);
    const level = fits.reduce((a, b) => (b.points > a.points ? b : a));
    answers[factor.id] = level.id;
    left -= level.points;
  }
  if (left !== 0) throw new Error(`no answers make ${score} on ${grid.version}`);
  return answers;
}

/** An inclusion on the shipped grid; `score` (20 by default) is turned into answers. */
export function buildInclusion(
  overrides: Partial<CreateTeamInput['inclusion']> & { score?: number } = {},
): CreateTeamInput['inclusion'] {
  const { score = 20, ...rest } = overrides;
  return {
    category: 'polypathologie_65',
    gridVersion: ESCAP_UNPS_2025.version,
    answers: answersScoring(score, rest.pregnant ?? false),
    ...rest,
  };
}

export function buildConsent(
  overrides: Partial<CreateTeamInput['consent']> = {},
): CreateTeamInput['consent'] {
  return { date: today(), method: 'oral', ...overrides };
}

/** A valid team creation: the creator (a médecin) is the médecin traitant. */
export function buildCreateTeam(overrides: Partial<CreateTeamInput> = {}): CreateTeamInput {
  return {
    patient: buildPatient(),
    inclusion: buildInclusion(),
    consent: buildConsent(),
    medecinTraitant: { self: true },
    ...overrides,
  };
}

/** A signed-in professional with their own browser stand-in. */
export interface Pro {
  agent: Agent;
  id: string;
  input: SignUpInput;
  professional: Professional;
}

export async function signUpPro(t: TestApp, overrides: Partial<SignUpInput> = {}): Promise<Pro> {
  const agent = new Agent(t.baseUrl);
  const { input, professional } = await signUpAs(agent, overrides);
  return { agent, id: professional.id, input, professional: professional as Professional };
}

/**
 * Marks the professional's address as verified, as opening the mailed link would (tests of
 * what a verified account may do; the link itself is tested in accounts.test.ts).
 */
export async function markEmailVerified(t: TestApp, pro: Pro): Promise<Pro> {
  await t.db
    .collection('professionals')
    .updateOne({ _id: new Types.ObjectId(pro.id) }, { $set: { emailVerifiedAt: new Date() } });
  return { ...pro, professional: { ...pro.professional, emailVerified: true } };
}

/** Signs up one professional per profession given, in order. */
export function signUpPros(t: TestApp, professions: Profession[]): Promise<Pro[]> {
  return Promise.all(professions.map((profession) => signUpPro(t, { profession })));
}

/** Fails with the answer in the message, so a wrong status is easy to diagnose. */
export function expectStatus<T>(res: HttpResult<T>, status: number): T {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export function expectError(res: HttpResult<unknown>, status: number, code: string): void {
  expect({ status: res.status, code: (res.body as ErrorBody | undefined)?.error?.code }).toEqual({
    status,
    code,
  });
}

export async function getSettings(pro: Pro): Promise<SettingsView> {
  return expectStatus(await pro.agent.get<SettingsView>('/api/settings'), 200);
}

export async function createTeam(
  creator: Pro,
  overrides: Partial<CreateTeamInput> = {},
): Promise<{ team: TeamView; link?: string | undefined }> {
  return expectStatus(
    await creator.agent.post<{ team: TeamView; link?: string }>(
      '/api/teams',
      buildCreateTeam(overrides),
    ),
    201,
  );
}

export async function getTeam(pro: Pro, teamId: string): Promise<TeamView> {
  return expectStatus(await pro.agent.get<{ team: TeamView }>(`/api/teams/${teamId}`), 200).team;
}

export async function invite(
  manager: Pro,
  teamId: string,
  body: InviteInput,
): Promise<CreatedInvitationView> {
  return expectStatus(
    await manager.agent.post<CreatedInvitationView>(`/api/teams/${teamId}/invitations`, body),
    201,
  );
}

export async function accept(invitee: Pro, invitationId: string): Promise<void> {
  const body = expectStatus(
    await invitee.agent.post<{ teamId: string }>(`/api/invitations/${invitationId}/accept`),
    200,
  );
  expect(body.teamId).toMatch(/^[a-f\d]{24}$/i);
}

/** Invites a registered professional by RPPS and has them accept. */
export async function inviteAndAccept(
  manager: Pro,
  teamId: string,
  invitee: Pro,
  asMedecinTraitant = false,
): Promise<InvitationView> {
  const { invitation } = await invite(manager, teamId, {
    invitee: { rpps: invitee.input.rpps },
    ...(asMedecinTraitant ? { asMedecinTraitant: true } : {}),
  });
  await accept(invitee, invitation.id);
  return invitation;
}

/** The token of an e-mail invitation link (`…/invitation/<token>`). */
export function tokenOf(link: string | undefined): string {
  const match = /\/invitation\/([^/?#]+)/.exec(link ?? '');
  if (!match) throw new Error(`not an invitation link: ${String(link)}`);
  return decodeURIComponent(match[1]!);
}

export interface ActiveTeam {
  team: TeamView;
  /** A médecin, creator and médecin traitant. */
  creator: Pro;
  /** Two invited members who accepted (infirmier, pharmacien). */
  nurse: Pro;
  pharmacist: Pro;
}

/** A team that is ACTIVE: médecin creator as MT and two invited members who accepted. */
export async function activeTeam(
  t: TestApp,
  overrides: Partial<CreateTeamInput> = {},
): Promise<ActiveTeam> {
  const [creator, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
  const { team: created } = await createTeam(creator!, overrides);
  await inviteAndAccept(creator!, created.id, nurse!);
  await inviteAndAccept(creator!, created.id, pharmacist!);
  const team = await getTeam(creator!, created.id);
  expect(team.status).toBe('active');
  return { team, creator: creator!, nurse: nurse!, pharmacist: pharmacist! };
}

/**
 * An active team of five, then: one member removed, one who left, and an outsider. Also a
 * pending invitation, for the cancel route.
 */
export async function teamWithFormerMembers(t: TestApp) {
  const active = await activeTeam(t);
  const { team, creator } = active;
  const [removed, leaver, outsider, invitee] = await signUpPros(t, [
    'masseur_kinesitherapeute',
    'sage_femme',
    'medecin',
    'orthophoniste',
  ]);
  await inviteAndAccept(creator, team.id, removed!);
  await inviteAndAccept(creator, team.id, leaver!);
  expectStatus(
    await creator.agent.post(`/api/teams/${team.id}/members/${removed!.id}/remove`),
    200,
  );
  expect((await leaver!.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
  const { invitation } = await invite(creator, team.id, { invitee: { rpps: invitee!.input.rpps } });
  const ids = { invitation: invitation.id, member: active.nurse.id, doctor: creator.id };
  return {
    ...active,
    removed: removed!,
    leaver: leaver!,
    outsider: outsider!,
    invitee: invitee!,
    ids,
  };
}

// ---------------------------------------------------------------------------------------------
// Sockets

export type ClientSocket = ReturnType<Agent['socket']>;
type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

export interface Received {
  event: string;
  payload: unknown;
}

/**
 * A connected socket that records everything it receives, so no event is missed between an
 * action and the wait for its effect.
 */
export class LiveClient {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly socket: ClientSocket) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      for (const w of this.waiters) w();
    });
  }

  /** Waits for an event (already received or to come) matching the predicate. */
  waitFor<E extends EventName>(
    event: E,
    match: (payload: Payload<E>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Payload<E>> {
    const find = () =>
      this.received.find((r) => r.event === event && match(r.payload as Payload<E>));
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (!hit) return false;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        resolve(hit.payload as Payload<E>);
        return true;
      };
      const waiter = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no ${event} within ${timeoutMs} ms; received: ${JSON.stringify(this.received)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
      check();
    });
  }

  /**
   * Resolves once the server has answered a ping sent now: everything the server emitted to
   * this socket before it read the ping has been received (one connection delivers in order).
   */
  roundTrip(): Promise<void> {
    return roundTrip(this.socket);
  }

  /** Forgets what was received so far. */
  clear(): void {
    this.received.length = 0;
  }

  /** Events received about one team (by `teamId`), in order. */
  aboutTeam(teamId: string): Received[] {
    return this.received.filter(
      (r) => (r.payload as { teamId?: string } | undefined)?.teamId === teamId,
    );
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Live sockets for one test file: `live(pro)` connects (with nothing received yet) and every
 * socket opened so is closed after each test.
 */
export function liveClients(): (pro: Pro) => Promise<LiveClient> {
  const open: LiveClient[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  return async (pro) => {
    const c = await connect(pro);
    c.clear();
    open.push(c);
    return c;
  };
}

/** Opens a real socket.io client for this professional, once the server said it is ready. */
export async function connect(pro: Pro, opts: { reconnect?: boolean } = {}): Promise<LiveClient> {
  const socket = pro.agent.socket(opts);
  const client = new LiveClient(socket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not ready')), 10_000);
    socket.on('session:ready', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return client;
}

/** Waits for one event on a bare socket, with a timeout. */
export function nextEvent<E extends EventName>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 10_000,
): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const handler = (payload: Payload<E>) => {
      clearTimeout(timer);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, handler as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(event, handler as never);
  });
}

/**
 * A ping and its answer on one socket: once it resolves, every event the server emitted to this
 * socket before reading the ping has arrived, since one connection delivers in order.
 */
export async function roundTrip(socket: ClientSocket, timeoutMs = 10_000): Promise<void> {
  const ack = (await socket.timeout(timeoutMs).emitWithAck('health:ping')) as Ack<{ at: string }>;
  if (!ack.ok) throw new Error(`ping refused: ${ack.error.code}`);
}

/**
 * Asserts the clients receive nothing (or nothing about `teamId`) from what `during` does:
 * what they received before is forgotten first. No waiting for a while: the server emits an
 * action's events before it answers (HTTP response or acknowledgement), so once `during` has
 * its answers, a round trip on each client proves whatever was emitted to it has arrived.
 */
export async function expectSilence(
  clients: LiveClient[],
  opts: { teamId?: string; during?: () => Promise<unknown> } = {},
): Promise<void> {
  for (const c of clients) c.clear();
  await opts.during?.();
  await Promise.all(clients.map((c) => c.roundTrip()));
  for (const c of clients) {
    const got = opts.teamId ? c.aboutTeam(opts.teamId) : c.received;
    expect(got).toEqual([]);
  }
}

/** Emits `team:get` and returns the ack. */
export function teamGet(client: LiveClient, teamId: string): Promise<Ack<TeamView>> {
  return client.socket.timeout(10_000).emitWithAck('team:get', teamId) as Promise<Ack<TeamView>>;
}
