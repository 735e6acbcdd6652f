import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTeam, expectStatus, invite, signUpPros } from '../teamFactories.js';

/**
 * Side effects leave through the outbox, written in the command's transaction: a process that
 * dies between the commit and the dispatch loses no notification, the next start delivers it,
 * and a second delivery (two instances sweeping) notifies nobody twice.
 */
const dbName = `escap_outbox_${randomBytes(6).toString('hex')}`;
const apps: TestApp[] = [];
afterAll(async () => {
  const last = apps.at(-1);
  await last?.db.dropDatabase().catch(() => undefined);
  for (const a of apps) await a.close();
});

describe('outbox', () => {
  it('a notification committed but never dispatched is delivered at the next start, once', async () => {
    // This instance commits and "dies" before dispatching: its side effects stay in the outbox.
    const dying = await startTestApp({ dbName, hooks: { dispatchAfterCommit: false } });
    apps.push(dying);
    const [doctor, nurse] = await signUpPros(dying, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const nurseId = new Types.ObjectId(nurse!.id);
    const notifications = () =>
      dying.db.collection('notifications').countDocuments({ recipientId: nurseId });
    // Committed: the invitation exists, its notification does not yet.
    expect(
      await dying.db
        .collection('invitations')
        .countDocuments({ _id: new Types.ObjectId(invitation.id) }),
    ).toBe(1);
    expect(await notifications()).toBe(0);
    expect(await dying.db.collection('outboxentries').countDocuments()).toBeGreaterThan(0);
    await dying.app.services.outbox.close();

    // Two instances start on the same database at once: both sweep everything at start-up.
    const [a, b] = await Promise.all([startTestApp({ dbName }), startTestApp({ dbName })]);
    apps.push(a, b);
    expect(await notifications()).toBe(1);
    const doc = await a.db.collection('notifications').findOne({ recipientId: nurseId });
    expect(doc).toMatchObject({ kind: 'invitation', data: { invitationId: invitation.id } });
    expect(await a.db.collection('outboxentries').countDocuments()).toBe(0);

    // And the nurse sees it in the notification centre of either instance.
    const page = expectStatus(
      await nurse!.agent.get<{ notifications: { kind: string }[] }>('/api/notifications'),
      200,
    );
    expect(page.notifications.map((n) => n.kind)).toEqual(['invitation']);
  });
});
