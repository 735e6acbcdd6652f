import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushPayload } from '../../shared/src/push.js';
import { MAX_SUBSCRIPTIONS } from '../../server/src/notifications/push/routes.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserKeys, startPushService } from '../helpers/pushService.js';
import { createTeam, expectStatus, invite, signUpPros, type Pro } from '../teamFactories.js';

async function subscribe(
  t: { push: Awaited<ReturnType<typeof startPushService>> },
  pro: Pro,
  path: string,
) {
  const keys = browserKeys();
  const endpoint = `${t.push.url}${path}`;
  expectStatus(
    await pro.agent.post('/api/push/subscriptions', {
      endpoint,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
    }),
    204,
  );
  return { keys, endpoint };
}

describe('Web Push', () => {
  let t: TestApp;
  let push: Awaited<ReturnType<typeof startPushService>>;
  beforeAll(async () => {
    push = await startPushService();
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    await push.close();
  });

  it('an invitation reaches the invitee’s browser encrypted, with no health data and the right page', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { keys } = await subscribe({ push }, nurse!, '/push/nurse');
    const key = expectStatus(
      await nurse!.agent.get<{ publicKey: string }>('/api/push/key'),
      200,
    ).publicKey;
    const arrived = push.next('/push/nurse');
    const { team } = await createTeam(doctor!);
    await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const request = await arrived;

    expect(request.headers['content-encoding']).toBe('aes128gcm');
    // VAPID (RFC 8292): a signed JWT and the server's public key.
    expect(request.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    expect(request.headers.authorization).toContain(`k=${key}`);
    const clear = keys.decrypt(request.body);
    const payload = JSON.parse(clear) as PushPayload;
    expect(payload).toEqual({
      title: 'ESCAP',
      body: 'Vous êtes invité à rejoindre une ESCAP.',
      url: '/',
      tag: 'invitation',
    });
    const { birthName, firstNames } = team.patient.identity;
    for (const secret of [birthName, firstNames, doctor!.input.lastName]) {
      expect(clear).not.toContain(secret);
    }
    // The encrypted body does not show it either (it is encrypted, not merely encoded).
    expect(request.body.toString('latin1')).not.toContain(birthName);
  });

  it('a push service answering 410 removes the subscription; 404 as well', async () => {
    const [doctor, nurse, kine] = await signUpPros(t, [
      'medecin',
      'infirmier',
      'masseur_kinesitherapeute',
    ]);
    const nurseSub = await subscribe({ push }, nurse!, '/push/gone');
    const kineSub = await subscribe({ push }, kine!, '/push/missing');
    push.answer.set('/push/gone', 410);
    push.answer.set('/push/missing', 404);
    const Subs = t.db.model('PushSubscription');
    expect(
      await Subs.countDocuments({ endpoint: { $in: [nurseSub.endpoint, kineSub.endpoint] } }),
    ).toBe(2);
    const { team } = await createTeam(doctor!);
    const both = Promise.all([push.next('/push/gone'), push.next('/push/missing')]);
    await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    await invite(doctor!, team.id, { invitee: { rpps: kine!.input.rpps } });
    await both;
    await t.app.services.push.sink.idle();
    expect(
      await Subs.countDocuments({ endpoint: { $in: [nurseSub.endpoint, kineSub.endpoint] } }),
    ).toBe(0);
  });

  it('unsubscribing stops the pushes; one professional cannot remove another’s', async () => {
    const [nurse, other] = await signUpPros(t, ['infirmier', 'infirmier']);
    const sub = await subscribe({ push }, nurse!, '/push/unsub');
    const Subs = t.db.model('PushSubscription');
    expectStatus(
      await other!.agent.request('DELETE', '/api/push/subscriptions', { endpoint: sub.endpoint }),
      204,
    );
    expect(await Subs.countDocuments({ endpoint: sub.endpoint })).toBe(1);
    expectStatus(
      await nurse!.agent.request('DELETE', '/api/push/subscriptions', { endpoint: sub.endpoint }),
      204,
    );
    expect(await Subs.countDocuments({ endpoint: sub.endpoint })).toBe(0);
  });

  it('keeps a professional’s newest browsers only, up to the limit', async () => {
    const [nurse] = await signUpPros(t, ['infirmier']);
    const Subs = t.db.model('PushSubscription');
    const endpoints: string[] = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) {
      endpoints.push((await subscribe({ push }, nurse!, `/push/many/${i}`)).endpoint);
    }
    const kept = await Subs.find({ professionalId: nurse!.id }).lean<{ endpoint: string }[]>();
    expect(kept.map((s) => s.endpoint).sort()).toEqual(endpoints.slice(1).sort());
  });

  it('refuses a malformed subscription with a stable code', async () => {
    const [nurse] = await signUpPros(t, ['infirmier']);
    const res = await nurse!.agent.post('/api/push/subscriptions', {
      endpoint: 'ftp://example.org/x',
      keys: { p256dh: 'x', auth: 'y' },
    });
    expect(res.status).toBe(400);
  });
});
