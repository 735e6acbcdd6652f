import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { termEnd } from '../../shared/src/rules/activation.js';
import type { TeamSummaryView, TeamView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Agent } from '../helpers/http.js';
import {
  activeTeam,
  buildCreateTeam,
  buildInclusion,
  connect,
  createTeam,
  expectError,
  expectStatus,
  getSettings,
  getTeam,
  invite,
  signUpPros,
  type LiveClient,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;

/**
 * Moves a team's whole past back by a year and two days, as if it had been created then: its
 * term ran out two days ago (test setup through the database; the order of events is kept).
 */
async function endTerm(teamId: string): Promise<Date> {
  const shift = 367 * DAY;
  const back = (d: unknown) => new Date((d as Date).getTime() - shift);
  const id = new Types.ObjectId(teamId);
  const team = await t.db.collection('teams').findOne({ _id: id });
  const termStartedAt = back(team!.termStartedAt);
  const termEndsAt = termEnd(termStartedAt);
  await t.db
    .collection('teams')
    .updateOne(
      { _id: id },
      { $set: { createdAt: back(team!.createdAt), termStartedAt, termEndsAt } },
    );
  for (const [name, field] of [
    ['teamstatusevents', 'at'],
    ['inclusions', 'at'],
    ['memberships', 'joinedAt'],
  ] as const) {
    for (const doc of await t.db.collection(name).find({ teamId: id }).toArray())
      await t.db
        .collection(name)
        .updateOne({ _id: doc._id }, { $set: { [field]: back(doc[field]) } });
  }
  expect(termEndsAt.getTime()).toBeLessThan(Date.now());
  return termEndsAt;
}

const renew = (team: TeamView, agent: Agent) =>
  agent.post<{ team: TeamView }>(`/api/teams/${team.id}/renew`, {
    inclusion: buildInclusion({ score: 18 }),
  });

describe('end of term', () => {
  it('a term that ran out suspends the team (gap term_ended), dated at its end', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const ended = await endTerm(team.id);
    const seen = await getTeam(nurse, team.id);
    expect(seen).toMatchObject({ status: 'suspended', gaps: ['term_ended'], readOnly: false });
    expect(seen.history.map((h) => h.status)).toEqual(['pending', 'active', 'suspended']);
    expect(seen.history[2]!.at).toBe(ended.toISOString());
    // Not read-only: the file may still be kept up to date while the team renews.
    expectStatus(
      await creator.agent.request('PATCH', `/api/teams/${team.id}/patient`, {
        contact: { phone: '0612121212' },
      }),
      200,
    );
  });

  it('renewing after the end starts the new term now, and the team is active again', async () => {
    const { team, creator } = await activeTeam(t);
    await endTerm(team.id);
    const before = Date.now();
    const renewed = expectStatus(await renew(team, creator.agent), 200).team;
    const started = Date.parse(renewed.termStartedAt!);
    expect(started).toBeGreaterThanOrEqual(before - 1000);
    expect(started).toBeLessThanOrEqual(Date.now() + 1000);
    expect(renewed).toMatchObject({
      status: 'active',
      gaps: [],
      termNumber: 2,
      termEndsAt: termEnd(new Date(renewed.termStartedAt!)).toISOString(),
    });
    expect(renewed.history.map((h) => h.status)).toEqual([
      'pending',
      'active',
      'suspended',
      'active',
    ]);
    expect(renewed.inclusions.map((i) => i.score)).toEqual([20, 18]);
  });

  it('"Mes ESCAP" shows a team whose term ran out as suspended, before anyone opens it', async () => {
    const { team, nurse } = await activeTeam(t);
    await endTerm(team.id);
    const list = expectStatus(
      await nurse.agent.get<{ teams: TeamSummaryView[] }>('/api/teams'),
      200,
    );
    expect(list.teams.find((s) => s.id === team.id)?.status).toBe('suspended');
  });

  it('members are told live (team:changed) when the status changes because the term ran out', async () => {
    const { team, creator, pharmacist } = await activeTeam(t);
    let live: LiveClient | undefined;
    try {
      live = await connect(pharmacist);
      live.clear();
      await endTerm(team.id);
      expect((await getTeam(creator, team.id)).status).toBe('suspended');
      await live.waitFor(
        'team:changed',
        (p) => p.teamId === team.id && p.status === 'suspended',
        2000,
      );
    } finally {
      live?.close();
    }
  });

  it('cannot renew a team that was never active (409 not_yet_active)', async () => {
    const [doctor] = await signUpPros(t, ['medecin']);
    const { team } = await createTeam(doctor!);
    expectError(
      await doctor!.agent.post(`/api/teams/${team.id}/renew`, { inclusion: buildInclusion() }),
      409,
      'not_yet_active',
    );
    expect((await getTeam(doctor!, team.id)).inclusions).toHaveLength(1);
  });
});

describe('settings in force', () => {
  let custom: TestApp;
  beforeAll(async () => {
    custom = await startTestApp({
      env: { INVITATION_TTL_DAYS: '3' },
    });
  });
  afterAll(() => custom.close());

  it('applies and records the threshold and invitation lifetime of the deployment', async () => {
    const [doctor, nurse] = await signUpPros(custom, ['medecin', 'infirmier']);
    expect(await getSettings(doctor!)).toMatchObject({
      eligibilityThreshold: 13,
      gridItems: 26,
      invitationTtlDays: 3,
    });
    expectError(
      await doctor!.agent.post(
        '/api/teams',
        buildCreateTeam({ inclusion: buildInclusion({ score: 12 }) }),
      ),
      422,
      'score_below_threshold',
    );
    const { team } = await createTeam(doctor!, { inclusion: buildInclusion({ score: 13 }) });
    expect(team.inclusions[0]).toMatchObject({ score: 13, threshold: 13, gridItems: 26 });
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const ttl = Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt);
    expect(Math.abs(ttl - 3 * DAY)).toBeLessThan(60_000);
  });
});
