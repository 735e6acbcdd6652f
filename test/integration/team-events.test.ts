import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPageView } from '../../shared/src/notifications.js';
import { calendarDay } from '../../shared/src/tasks.js';
import type { TeamEventView, TimelineItem } from '../../shared/src/team-events.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { pdf, upload } from '../helpers/documents.js';
import type { ErrorBody } from '../helpers/http.js';
import {
  activeTeam,
  expectError,
  expectSilence,
  expectStatus,
  liveClients,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();
const eventsOf = (teamId: string) => `/api/teams/${teamId}/events`;
const today = () => calendarDay(new Date());

async function record(pro: Pro, teamId: string, body: unknown): Promise<TeamEventView> {
  return expectStatus(await pro.agent.post<{ event: TeamEventView }>(eventsOf(teamId), body), 201)
    .event;
}
const notificationsOf = async (pro: Pro) =>
  expectStatus(await pro.agent.get<NotificationPageView>('/api/notifications'), 200);

describe('events and alerts', () => {
  it('an alert reaches every other current member at once, in the app; the notification carries no health data', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const [creatorLive, nurseLive, pharmacistLive, outsiderLive] = await Promise.all([
      live(creator),
      live(nurse),
      live(pharmacist),
      live(outsider),
    ]);
    const event = await record(nurse, team.id, {
      kind: 'chute',
      date: today(),
      note: 'Chute dans la salle de bains, hématome hanche droite',
      alert: true,
    });
    expect(event).toMatchObject({
      teamId: team.id,
      kind: 'chute',
      alert: true,
      recordedBy: { id: nurse.id },
    });
    for (const c of [creatorLive, pharmacistLive]) {
      const n = await c.waitFor('notification:new', (p) => p.kind === 'alert');
      expect(n).toMatchObject({
        kind: 'alert',
        teamId: team.id,
        actor: { id: nurse.id },
        data: { eventId: event.id },
      });
      expect(JSON.stringify(n)).not.toMatch(/chute|hanche/i);
    }
    for (const c of [creatorLive, nurseLive, pharmacistLive])
      expect(await c.waitFor('event:recorded', (p) => p.event.id === event.id)).toEqual({
        teamId: team.id,
        event,
      });
    // Not the author, not an outsider.
    await nurseLive.roundTrip();
    expect(nurseLive.received.filter((r) => r.event === 'notification:new')).toEqual([]);
    expect(outsiderLive.received).toEqual([]);
    expect((await notificationsOf(creator)).notifications[0]).toMatchObject({ kind: 'alert' });

    // Without alert: recorded and shown live, nobody notified.
    await expectSilence([outsiderLive], {
      during: async () => {
        const quiet = await record(creator, team.id, {
          kind: 'sortie_hospitalisation',
          date: today(),
          alert: false,
        });
        await nurseLive.waitFor('event:recorded', (p) => p.event.id === quiet.id);
      },
    });
    expect((await notificationsOf(nurse)).notifications.filter((n) => n.kind === 'alert')).toEqual(
      [],
    );
  });

  it('refuses bad input with its field; members only; read-only after a consent withdrawal', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const cases: [unknown, string][] = [
      [{ kind: 'rhume', date: today(), alert: false }, 'kind'],
      [{ kind: 'chute', date: '2026-13-01', alert: false }, 'date'],
      [{ kind: 'chute', date: today() }, 'alert'],
      [{ kind: 'autre', date: today(), alert: false }, 'note'],
    ];
    for (const [body, field] of cases) {
      const res = await creator.agent.post<ErrorBody>(eventsOf(team.id), body);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.field).toBe(field);
    }
    const outsider = await signUpPro(t);
    expectError(await outsider.agent.get(eventsOf(team.id)), 404, 'not_found');
    expectError(
      await outsider.agent.post(eventsOf(team.id), { kind: 'chute', date: today(), alert: true }),
      404,
      'not_found',
    );
    expectError(await outsider.agent.get(`/api/teams/${team.id}/timeline`), 404, 'not_found');
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(
      await nurse.agent.post(eventsOf(team.id), { kind: 'chute', date: today(), alert: true }),
      409,
      'read_only',
    );
    expect(
      expectStatus(await nurse.agent.get<{ events: TeamEventView[] }>(eventsOf(team.id)), 200)
        .events,
    ).toEqual([]);
  });

  it('the timeline shows events, status changes, documents and plan versions together, audited', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/plan`, {
        baseVersion: 0,
        objectives: ['Maintien à domicile'],
        actions: [],
        reviewDate: '2027-06-01',
      }),
      201,
    );
    const event = await record(nurse, team.id, {
      kind: 'hospitalisation',
      date: '2020-01-15',
      alert: false,
    });
    const document = expectStatus(
      await upload(nurse, team.id, { bytes: pdf(), name: 'cr.pdf' }, { title: 'Compte rendu' }),
      201,
    ).document;
    const { items } = expectStatus(
      await nurse.agent.get<{ items: TimelineItem[] }>(`/api/teams/${team.id}/timeline`),
      200,
    );
    expect(items.map((i) => i.type)).toEqual(['document', 'plan', 'status', 'status', 'event']);
    expect(items[0]).toMatchObject({
      type: 'document',
      documentId: document.id,
      name: 'Compte rendu',
      by: { id: nurse.id },
    });
    expect(items[1]).toMatchObject({ type: 'plan', version: 1, by: { id: creator.id } });
    expect(items.filter((i) => i.type === 'status').map((i) => 'status' in i && i.status)).toEqual([
      'active',
      'pending',
    ]);
    expect(items[4]).toEqual({ at: '2020-01-15T12:00:00.000Z', type: 'event', event });
    const sorted = [...items].sort((a, b) => b.at.localeCompare(a.at));
    expect(items).toEqual(sorted);

    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    const byNurse = entries.filter((e) => e.actor.id === nurse.id).map((e) => e.action);
    expect(byNurse).toContain('Consultation de la chronologie');
    expect(byNurse).toContain('Événement signalé');
    // The stored row names the event by its id only.
    const row = await t.db
      .collection('auditentries')
      .findOne({ teamId: new Types.ObjectId(team.id), action: 'event.record' });
    expect(row?.['detail']).toBe(`event:${event.id}`);
  });
});
