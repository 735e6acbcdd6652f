import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPageView } from '../../shared/src/notifications.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  createTeam,
  expectError,
  expectStatus,
  invite,
  signUpPro,
  signUpPros,
  type Pro,
  liveClients,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

async function page(pro: Pro, query = ''): Promise<NotificationPageView> {
  return expectStatus(await pro.agent.get<NotificationPageView>(`/api/notifications${query}`), 200);
}

const DAY = 86_400_000;

describe('notification producers', () => {
  it('an invitation of a registered professional: live and in their centre, no patient data', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const nurseLive = await live(nurse!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const got = await nurseLive.waitFor('notification:new', (n) => n.kind === 'invitation');
    expect(got).toMatchObject({
      teamId: team.id,
      actor: { id: doctor!.id },
      data: { invitationId: invitation.id },
      readAt: null,
      available: true,
    });
    expect(JSON.stringify(got)).not.toContain(team.patient.identity.birthName);
    const { notifications, unread } = await page(nurse!);
    expect(notifications).toEqual([got]);
    expect(unread).toBe(1);
  });

  it('a status change tells every current member but its author', async () => {
    const [doctor, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const { team } = await createTeam(doctor!);
    await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } }).then((c) =>
      nurse!.agent.post(`/api/invitations/${c.invitation.id}/accept`),
    );
    const { invitation } = await invite(doctor!, team.id, {
      invitee: { rpps: pharmacist!.input.rpps },
    });
    const [doctorLive, nurseLive, pharmacistLive] = await Promise.all([
      live(doctor!),
      live(nurse!),
      live(pharmacist!),
    ]);
    // The pharmacist's acceptance activates the team.
    expectStatus(await pharmacist!.agent.post(`/api/invitations/${invitation.id}/accept`), 200);
    for (const c of [doctorLive, nurseLive]) {
      const n = await c.waitFor('notification:new', (p) => p.kind === 'team_status');
      expect(n).toMatchObject({
        teamId: team.id,
        actor: { id: pharmacist!.id },
        data: { status: 'active' },
      });
    }
    // Sent before the acceptance was answered: after a round trip, any would be in.
    await pharmacistLive.roundTrip();
    expect(
      pharmacistLive.received.filter(
        (r) =>
          r.event === 'notification:new' && (r.payload as { kind: string }).kind === 'team_status',
      ),
    ).toEqual([]);

    // A removed member hears nothing more: the suspension that follows is for the others.
    expectStatus(
      await doctor!.agent.post(`/api/teams/${team.id}/members/${nurse!.id}/remove`),
      200,
    );
    await pharmacistLive.waitFor(
      'notification:new',
      (p) => p.kind === 'team_status' && p.data.status === 'suspended',
    );
    await nurseLive.roundTrip();
    expect(
      nurseLive.received.some(
        (r) =>
          r.event === 'notification:new' &&
          (r.payload as { data: { status?: string } }).data.status === 'suspended',
      ),
    ).toBe(false);

    // Closure: every member but the one who closed it.
    expectStatus(await doctor!.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    await pharmacistLive.waitFor(
      'notification:new',
      (p) => p.kind === 'team_status' && p.data.status === 'closed',
    );
    const doctorPage = await page(doctor!);
    expect(doctorPage.notifications.map((n) => n.data.status)).not.toContain('closed');
  });

  it('a term running out (nobody acting) tells every member', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    await t.db
      .collection('teams')
      .updateOne(
        { _id: new Types.ObjectId(team.id) },
        { $set: { termEndsAt: new Date(Date.now() - 1000) } },
      );
    await t.app.services.teams.settleEndedTerms();
    for (const pro of [creator, nurse, pharmacist]) {
      const status = (await page(pro)).notifications.find((n) => n.kind === 'team_status');
      expect(status).toMatchObject({ teamId: team.id, actor: null, data: { status: 'suspended' } });
    }
  });

  it('term ending within 30 days: one notification per member and term, however often swept', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const ends = new Date(Date.now() + 12 * DAY);
    await t.db
      .collection('teams')
      .updateOne({ _id: new Types.ObjectId(team.id) }, { $set: { termEndsAt: ends } });
    const nurseLive = await live(nurse);
    const { notices } = t.app.services;
    // Concurrent sweeps (several instances) and repeated ones create nothing twice.
    await Promise.all([notices.sweepTermsEnding(), notices.sweepTermsEnding()]);
    await notices.sweepTermsEnding();
    const n = await nurseLive.waitFor('notification:new', (p) => p.kind === 'term_ending');
    expect(n).toMatchObject({
      teamId: team.id,
      actor: null,
      data: { termEndsAt: ends.toISOString(), termNumber: '1' },
    });
    for (const pro of [creator, nurse, pharmacist]) {
      const kinds = (await page(pro)).notifications.filter((x) => x.kind === 'term_ending');
      expect(kinds).toHaveLength(1);
    }
    const stored = await t.db
      .collection('notifications')
      .countDocuments({ kind: 'term_ending', teamId: new Types.ObjectId(team.id) });
    expect(stored).toBe(3);

    // A term ending later than 30 days from now is not announced.
    const far = await activeTeam(t);
    expect((await page(far.nurse)).notifications.some((x) => x.kind === 'term_ending')).toBe(false);
    await notices.sweepTermsEnding();
    expect((await page(far.nurse)).notifications.some((x) => x.kind === 'term_ending')).toBe(false);
  });
});

describe('notification centre', () => {
  it('pages newest first with a cursor; read, read-all and the unread count, live in other tabs', async () => {
    const pro = await signUpPro(t);
    const actor = await signUpPro(t);
    const { notifications } = t.app.services;
    for (let i = 0; i < 5; i++)
      await notifications.notify([pro.id], {
        kind: 'mention',
        actorId: actor.id,
        data: { messageId: String(i) },
      });
    const first = await page(pro, '?limit=2');
    expect(first.notifications.map((n) => n.data.messageId)).toEqual(['4', '3']);
    expect(first.unread).toBe(5);
    expect(first.notifications[0]!.actor).toMatchObject({ id: actor.id });
    const second = await page(pro, `?limit=2&before=${encodeURIComponent(first.next!)}`);
    expect(second.notifications.map((n) => n.data.messageId)).toEqual(['2', '1']);
    const third = await page(pro, `?limit=2&before=${encodeURIComponent(second.next!)}`);
    expect(third.notifications.map((n) => n.data.messageId)).toEqual(['0']);
    expect(third.next).toBeNull();

    expectError(await pro.agent.get('/api/notifications?limit=0'), 400, 'validation_failed');
    expectError(await pro.agent.get('/api/notifications?limit=1000'), 400, 'validation_failed');

    const otherTab = await live(pro);
    const target = first.notifications[0]!;
    const read = await pro.agent.post<{ unread: number }>(`/api/notifications/${target.id}/read`);
    expect(expectStatus(read, 200)).toEqual({ unread: 4 });
    expect(await otherTab.waitFor('notification:read')).toEqual({ unread: 4 });
    expect(
      expectStatus(await pro.agent.get<{ unread: number }>('/api/notifications/unread'), 200),
    ).toEqual({ unread: 4 });
    const again = await page(pro, '?limit=1');
    expect(again.notifications[0]!.readAt).not.toBeNull();

    expect(
      expectStatus(await pro.agent.post<{ unread: number }>('/api/notifications/read-all'), 200),
    ).toEqual({ unread: 0 });
    expect((await page(pro)).notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it('only the recipient sees or marks their notifications', async () => {
    const [owner, other] = await Promise.all([signUpPro(t), signUpPro(t)]);
    const ownerLive = await live(owner);
    const otherLive = await live(other);
    await t.app.services.notifications.notify([owner.id], { kind: 'mention', actorId: other.id });
    const n = await ownerLive.waitFor('notification:new');
    expect((await page(other)).notifications).toEqual([]);
    expectError(await other.agent.post(`/api/notifications/${n.id}/read`), 404, 'not_found');
    expectError(await other.agent.post('/api/notifications/nope/read'), 404, 'not_found');
    expectStatus(await other.agent.post('/api/notifications/read-all'), 200);
    expect((await page(owner)).unread).toBe(1);
    expect(otherLive.received.filter((r) => r.event === 'notification:new')).toEqual([]);
    // The author of an action is never notified of it.
    await t.app.services.notifications.notify([owner.id], { kind: 'mention', actorId: owner.id });
    expect((await page(owner)).notifications).toHaveLength(1);
    // Signed out: nothing.
    const anonymous = await fetch(`${t.baseUrl}/api/notifications`);
    expect(anonymous.status).toBe(401);
  });

  it('about a team the reader left: only its kind and time remain', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    await t.app.services.notifications.notify([nurse.id], {
      kind: 'mention',
      teamId: team.id,
      actorId: creator.id,
      data: { messageId: 'm1' },
    });
    expect((await page(nurse)).notifications[0]).toMatchObject({
      kind: 'mention',
      available: true,
      actor: { id: creator.id },
    });
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/leave`), 204);
    const after = (await page(nurse)).notifications.find((n) => n.kind === 'mention')!;
    expect(after).toMatchObject({
      kind: 'mention',
      teamId: team.id,
      available: false,
      actor: null,
      data: {},
    });
  });

  it('the unique key lets notifications without a rule through and stops a second one with it', async () => {
    const pro = await signUpPro(t);
    const { notifications } = t.app.services;
    await notifications.notify([pro.id], { kind: 'mention' });
    await notifications.notify([pro.id], { kind: 'mention' });
    await notifications.notify([pro.id], { kind: 'term_ending', dedupeKey: 'k:1' });
    await notifications.notify([pro.id], { kind: 'term_ending', dedupeKey: 'k:1' });
    expect((await page(pro)).notifications.map((n) => n.kind)).toEqual([
      'term_ending',
      'mention',
      'mention',
    ]);
    // The index itself refuses a duplicate key (the guard under races between instances).
    const doc = await t.db.collection('notifications').findOne({ dedupeKey: `k:1:${pro.id}` });
    const copy = { ...doc!, _id: new Types.ObjectId() };
    await expect(t.db.collection('notifications').insertOne(copy)).rejects.toMatchObject({
      code: 11000,
    });
  });
});
