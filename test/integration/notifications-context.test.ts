import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationText, type NotificationPageView } from '../../shared/src/notifications.js';
import type { TaskView } from '../../shared/src/tasks.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  expectStatus,
  invite,
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

async function page(pro: Pro): Promise<NotificationPageView> {
  return expectStatus(await pro.agent.get<NotificationPageView>('/api/notifications'), 200);
}

const auditRows = (teamId: string, actorId: string) =>
  t.db
    .collection('auditentries')
    .find({
      teamId: new Types.ObjectId(teamId),
      actorId: new Types.ObjectId(actorId),
      action: 'notification.list',
    })
    .toArray();

describe('notifications with their context', () => {
  it('a member reads whose ESCAP and which task; a professional who left reads neither', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const nurseLive = await live(nurse);
    const title = `Pansement ${new Types.ObjectId().toHexString()}`;
    const { task } = expectStatus(
      await creator.agent.post<{ task: TaskView }>(`/api/teams/${team.id}/tasks`, {
        title,
        assigneeId: nurse.id,
        due: '2030-03-12',
      }),
      201,
    );
    await t.app.services.notifications.notify([nurse.id], {
      kind: 'mention',
      teamId: team.id,
      actorId: creator.id,
      data: { messageId: 'm1' },
    });
    const { identity } = team.patient;
    const patientName = `${identity.usedName || identity.birthName} ${identity.firstNames}`;

    // Stored and pushed without the patient or the title (health data).
    const pushed = await nurseLive.waitFor('notification:new', (n) => n.kind === 'task_assigned');
    expect(pushed.context).toBeUndefined();
    const stored = await t.db
      .collection('notifications')
      .find({ recipientId: new Types.ObjectId(nurse.id) })
      .toArray();
    expect(JSON.stringify(stored)).not.toContain(identity.birthName);
    expect(JSON.stringify(stored)).not.toContain(title);

    const before = (await auditRows(team.id, nurse.id)).length;
    const read = await page(nurse);
    const assigned = read.notifications.find((n) => n.kind === 'task_assigned')!;
    expect(assigned).toMatchObject({
      data: { taskId: task.id },
      context: { patientName, taskTitle: title },
    });
    expect(notificationText(assigned)).toBe(
      `Nouvelle tâche pour vous : « ${title} », à faire avant le 12/03 (ESCAP de ${patientName})`,
    );
    const mention = read.notifications.find((n) => n.kind === 'mention')!;
    expect(mention.context).toEqual({ patientName });
    // One audit row for the list read, not one per notification of the team.
    expect((await auditRows(team.id, nurse.id)).length).toBe(before + 1);

    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    const after = await page(nurse);
    const body = JSON.stringify(after);
    expect(body).not.toContain(identity.birthName);
    expect(body).not.toContain(identity.firstNames);
    expect(body).not.toContain(title);
    for (const n of after.notifications.filter(
      (x) => x.teamId === team.id && x.kind !== 'invitation',
    )) {
      expect(n).toMatchObject({ available: false, data: {} });
      expect(n.context).toBeUndefined();
      expect(notificationText(n)).toBe('Notification d’une ESCAP dont vous n’êtes plus membre');
    }
    // Nothing shown, nothing audited.
    expect((await auditRows(team.id, nurse.id)).length).toBe(before + 1);
  });

  it('an invitation names who invites and as what, never the patient', async () => {
    const { team, creator } = await activeTeam(t);
    const pro = await signUpPro(t, { profession: 'masseur_kinesitherapeute' });
    await invite(creator, team.id, { invitee: { rpps: pro.input.rpps } });
    const [n] = (await page(pro)).notifications;
    expect(n!.context).toBeUndefined();
    expect(JSON.stringify(n)).not.toContain(team.patient.identity.birthName);
    expect(notificationText(n!)).toBe(
      `${creator.input.firstName} ${creator.input.lastName} (Médecin) vous invite à rejoindre une ESCAP`,
    );
  });
});
