import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionText } from '../../shared/src/chat.js';
import {
  DEFAULT_PUSH_PREFERENCES,
  messagePushPayload,
  type PushPayload,
  type PushPreferences,
} from '../../shared/src/push.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sent } from '../helpers/chat.js';
import { FakeClock } from '../helpers/clock.js';
import { browserKeys, startPushService, type PushRequest } from '../helpers/pushService.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  liveClients,
  signUpPros,
  type Pro,
} from '../teamFactories.js';

/**
 * Per-professional push settings (docs/notifications.md, "Push settings") and the push of
 * each discussion message. "Not sent" is asserted by order: pushes leave one job at a time, in
 * the order they were caused, so once a later push has arrived, an earlier one that was to
 * reach the same browser would have arrived before it.
 */
describe('push settings and discussion pushes', () => {
  let t: TestApp;
  let push: Awaited<ReturnType<typeof startPushService>>;
  // Noon in Paris, a weekday in winter (UTC+1).
  const clock = new FakeClock('2026-01-15T11:00:00Z');
  const live = liveClients();

  beforeAll(async () => {
    push = await startPushService();
    t = await startTestApp({ clock: clock.now });
  });
  afterAll(async () => {
    await t.close();
    await push.close();
  });

  let endpoints = 0;
  /** Subscribes one browser of `pro`; `decrypt` reads what it receives. */
  async function subscribe(pro: Pro) {
    const keys = browserKeys();
    const path = `/push/${++endpoints}`;
    expectStatus(
      await pro.agent.post('/api/push/subscriptions', {
        endpoint: `${push.url}${path}`,
        keys: { p256dh: keys.p256dh, auth: keys.auth },
      }),
      204,
    );
    const read = (r: PushRequest) => JSON.parse(keys.decrypt(r.body)) as PushPayload;
    const isChat = (tag: string) => tag === 'mention' || tag.startsWith('message:');
    return {
      path,
      /**
       * The tags of the discussion's pushes received so far (a status change's push, sent
       * through the outbox, may still come from the team's making: not counted here).
       */
      chat: () =>
        push.received
          .filter((r) => r.path === path)
          .map((r) => read(r).tag)
          .filter(isChat),
      /** The next discussion push to arrive (a late status push is skipped). */
      next: async (): Promise<PushRequest> => {
        for (;;) {
          const r = await push.next(path);
          if (isChat(read(r).tag)) return r;
        }
      },
      read,
    };
  }

  /** A team of three, each with a subscribed browser, the pushes of its making all sent. */
  async function teamWithPhones() {
    const team = await activeTeam(t);
    await t.app.services.push.sink.idle();
    return {
      ...team,
      phones: {
        creator: await subscribe(team.creator),
        nurse: await subscribe(team.nurse),
        pharmacist: await subscribe(team.pharmacist),
      },
    };
  }

  const preferencesOf = async (pro: Pro) =>
    expectStatus(
      await pro.agent.get<{ preferences: PushPreferences }>('/api/push/preferences'),
      200,
    ).preferences;
  const putPreferences = (pro: Pro, body: unknown) =>
    pro.agent.request<{ preferences: PushPreferences }>('PUT', '/api/push/preferences', body);

  it('a message reaches the other members’ phones with a generic sentence; the mentioned member gets the mention’s push', async () => {
    const { team, creator, nurse, pharmacist, phones } = await teamWithPhones();
    const doctor = await live(creator);
    const toNurse = phones.nurse.next();
    const toPharmacist = phones.pharmacist.next();
    const text = `Tension 17/10 ce matin, ${mentionText(pharmacist.professional)} : ordonnance ?`;
    const message = await sent(doctor, team.id, text, { mentions: [pharmacist.id] });

    const nurseGot = phones.nurse.read(await toNurse);
    expect(nurseGot).toEqual(messagePushPayload(team.id));
    const pharmacistGot = phones.pharmacist.read(await toPharmacist);
    expect(pharmacistGot.tag).toBe('mention');
    expect(pharmacistGot.url).toBe(`/escap/${team.id}/discussion?message=${message.id}`);
    for (const got of [nurseGot, pharmacistGot]) {
      const clear = JSON.stringify(got);
      for (const secret of ['17/10', 'ordonnance', team.patient.identity.birthName]) {
        expect(clear).not.toContain(secret);
      }
    }

    // The nurse answers: the doctor's phone gets it, and it is the first push it got (its
    // own message, sent before, went to nobody else's phone but theirs).
    const toDoctor = phones.creator.next();
    await sent(await live(nurse), team.id, 'Je passe à 18 h.');
    await toDoctor;
    await t.app.services.push.sink.idle();
    expect(phones.creator.chat()).toEqual([`message:${team.id}`]);
    // The pharmacist got the mention only for the first, not the message's push as well.
    expect(phones.pharmacist.chat()).toEqual(['mention', `message:${team.id}`]);
  });

  it('saves each professional’s own settings; refuses a malformed one with a stable code', async () => {
    const [nurse, other] = await signUpPros(t, ['infirmier', 'infirmier']);
    expect(await preferencesOf(nurse!)).toEqual(DEFAULT_PUSH_PREFERENCES);

    const chosen: PushPreferences = {
      events: { ...DEFAULT_PUSH_PREFERENCES.events, message: false, term_ending: false },
      quietHours: { start: '21:30', end: '07:00' },
    };
    expect(expectStatus(await putPreferences(nurse!, chosen), 200).preferences).toEqual(chosen);
    expect(await preferencesOf(nurse!)).toEqual(chosen);
    // Someone else's are untouched.
    expect(await preferencesOf(other!)).toEqual(DEFAULT_PUSH_PREFERENCES);

    const bad = await putPreferences(nurse!, {
      ...chosen,
      quietHours: { start: '25:00', end: '07:00' },
    });
    expectError(bad, 400, 'validation_failed');
    expectError(await putPreferences(nurse!, { ...chosen, events: {} }), 400, 'validation_failed');
    expectError(
      await putPreferences(nurse!, { ...chosen, $where: 'sleep(1)' }),
      400,
      'validation_failed',
    );
    // Nothing of a refused body was kept.
    expect(await preferencesOf(nurse!)).toEqual(chosen);
  });

  it('an event turned off is not pushed; the others still are', async () => {
    const { team, creator, nurse, phones } = await teamWithPhones();
    expectStatus(
      await putPreferences(nurse, {
        ...DEFAULT_PUSH_PREFERENCES,
        events: { ...DEFAULT_PUSH_PREFERENCES.events, message: false },
      }),
      200,
    );
    const doctor = await live(creator);
    await sent(doctor, team.id, 'Premier message');
    const mentioned = phones.nurse.next();
    await sent(doctor, team.id, `${mentionText(nurse.professional)} tu peux passer ?`, {
      mentions: [nurse.id],
    });
    await mentioned;
    expect(phones.nurse.chat()).toEqual(['mention']);
  });

  it('a muted team’s pushes stop for that member only; unmuting brings them back; a non-member is answered 404', async () => {
    const { team, creator, nurse, pharmacist, phones } = await teamWithPhones();
    const mute = (pro: Pro, muted: boolean) =>
      pro.agent.request<{ muted: boolean }>('PUT', `/api/teams/${team.id}/push-mute`, { muted });
    expect(expectStatus(await mute(nurse, true), 200)).toEqual({ muted: true });
    expect(expectStatus(await nurse.agent.get(`/api/teams/${team.id}/push-mute`), 200)).toEqual({
      muted: true,
    });
    expect(
      expectStatus(await pharmacist.agent.get(`/api/teams/${team.id}/push-mute`), 200),
    ).toEqual({ muted: false });

    const doctor = await live(creator);
    const toPharmacist = phones.pharmacist.next();
    await sent(doctor, team.id, 'Pendant la sourdine');
    await toPharmacist;
    expect(expectStatus(await mute(nurse, false), 200)).toEqual({ muted: false });
    const toNurse = phones.nurse.next();
    await sent(doctor, team.id, 'Après la sourdine');
    await toNurse;
    expect(phones.nurse.chat()).toEqual([`message:${team.id}`]);

    const [outsider] = await signUpPros(t, ['infirmier']);
    expectError(await mute(outsider!, true), 404, 'not_found');
    expectError(await mute(nurse, 'yes' as unknown as boolean), 400, 'validation_failed');
  });

  it('quiet hours, in Paris time, hold every push back; after them pushes reach the phone again', async () => {
    const { team, creator, nurse, phones } = await teamWithPhones();
    expectStatus(
      await putPreferences(nurse, {
        ...DEFAULT_PUSH_PREFERENCES,
        quietHours: { start: '22:00', end: '07:00' },
      }),
      200,
    );
    const doctor = await live(creator);
    const toPharmacist = phones.pharmacist.next();
    clock.set('2026-01-15T22:30:00Z'); // 23:30 in Paris
    await sent(doctor, team.id, 'Message de nuit');
    await toPharmacist;
    clock.set('2026-01-16T06:30:00Z'); // 07:30 in Paris
    const toNurse = phones.nurse.next();
    await sent(doctor, team.id, 'Message du matin');
    await toNurse;
    expect(phones.nurse.chat()).toEqual([`message:${team.id}`]);
    clock.set('2026-01-15T11:00:00Z');
  });
});
