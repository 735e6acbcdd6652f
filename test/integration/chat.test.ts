import { randomUUID } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessageView, ReadReceiptView } from '../../shared/src/chat.js';
import type { ChatReadDoc } from '../../server/src/chat/model.js';
import { AuthorReads } from '../../server/src/chat/reads.js';
import { liveMessages, markRead, page, sent, unreadOf } from '../helpers/chat.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  expectError,
  expectSilence,
  expectStatus,
  liveClients,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

const ids = (messages: { id: string }[]) => messages.map((m) => m.id);
const sorted = (values: string[]) => [...values].sort();

/** Read positions of a team's current members, by member id. */
async function positions(pro: Pro, teamId: string) {
  const { reads } = expectStatus(
    await pro.agent.get<{ reads: ReadReceiptView[] }>(`/api/teams/${teamId}/messages/reads`),
    200,
  );
  return Object.fromEntries(reads.map((r) => [r.professionalId, r.messageId]));
}

describe('chat: live delivery and order', () => {
  it('every member gets each message once, in id order, as acknowledged', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [a, b, c] = await Promise.all([live(creator), live(nurse), live(pharmacist)]);

    // Two authors send at once: the order everyone sees is the server's (ids), the same for all.
    const acks = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => sent(a, team.id, `Message A${i}`)),
      ...Array.from({ length: 10 }, (_, i) => sent(b, team.id, `Message B${i}`)),
    ]);
    const expected = sorted(ids(acks));
    expect(new Set(expected).size).toBe(20);
    for (const client of [a, b, c]) {
      await client.waitFor('chat:message', () => liveMessages(client, team.id).length >= 20);
      const got = liveMessages(client, team.id);
      expect(ids(got)).toEqual(expected);
    }
    // One event per message: the author's own read position moves without a second one.
    expect(c.received.filter((r) => r.event === 'chat:read')).toEqual([]);
    // What the live event carried is what the author was answered, and what the history holds.
    const fromLive = liveMessages(c, team.id).find((m) => m.id === acks[0]!.id);
    expect(fromLive).toEqual(acks[0]);
    expect(acks[0]).toMatchObject({
      teamId: team.id,
      text: 'Message A0',
      author: { id: creator.id, firstName: creator.input.firstName },
      mentions: [],
    });
    const history = await page(pharmacist, team.id, '?limit=100');
    expect(ids(history.messages)).toEqual(expected);
    expect(history.nextCursor).toBeNull();
  });

  it('sends over HTTP too, delivered live the same way', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const b = await live(nurse);
    const res = await creator.agent.post<{ message: MessageView }>(
      `/api/teams/${team.id}/messages`,
      { clientId: randomUUID(), text: '  Passage prévu demain matin.\r\n ' },
    );
    const { message } = expectStatus(res, 201);
    // Line endings normalised, surrounding blanks trimmed.
    expect(message.text).toBe('Passage prévu demain matin.');
    expect(await b.waitFor('chat:message', (m) => m.id === message.id)).toEqual(message);
  });
});

describe('chat: reconnects lose and duplicate nothing', () => {
  it('a member back from a disconnect catches up on exactly what was missed', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await live(creator);
    let b = await live(nurse);
    const first = await sent(b, team.id, 'Avant la coupure');
    await b.waitFor('chat:message', (m) => m.id === first.id);
    const lastSeen = liveMessages(b, team.id).at(-1)!.id;

    b.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await sent(a, team.id, `Pendant la coupure ${i}`));

    b = await live(nurse);
    const caughtUp = await page(nurse, team.id, `?after=${lastSeen}`);
    expect(ids(caughtUp.messages)).toEqual(ids(missed));
    expect(caughtUp.nextCursor).toBeNull();
    // And what comes next arrives live on the new socket.
    const next = await sent(a, team.id, 'Après la reconnexion');
    await b.waitFor('chat:message', (m) => m.id === next.id);
  });

  it('a retry with the same client id answers the stored message and sends nothing twice', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    let a = await live(creator);
    const b = await live(nurse);
    const clientId = randomUUID();
    const original = await sent(a, team.id, 'Une seule fois', { clientId });
    await b.waitFor('chat:message', (m) => m.id === original.id);

    // The author lost the acknowledgement, reconnected and sends again: same message back.
    a.close();
    a = await live(creator);
    await expectSilence([b], {
      teamId: team.id,
      during: async () => {
        expect(await sent(a, team.id, 'Une seule fois', { clientId })).toEqual(original);
        // Even a concurrent double send stores one message.
        const twice = await Promise.all([
          sent(a, team.id, 'Une seule fois', { clientId }),
          sent(a, team.id, 'Une seule fois', { clientId }),
        ]);
        expect(twice).toEqual([original, original]);
      },
    });
    const stored = await t.db.collection('messages').countDocuments({ clientId });
    expect(stored).toBe(1);
    // The same client id from another author is another message.
    const other = await sent(b, team.id, 'Autre auteur', { clientId });
    expect(other.id).not.toBe(original.id);
  });
});

describe('chat: history pages', () => {
  it('pages backwards with cursors, and forwards with after', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await live(creator);
    const all: MessageView[] = [];
    for (let i = 1; i <= 7; i++) all.push(await sent(a, team.id, `Message ${i}`));
    const all7 = ids(all);

    const p1 = await page(nurse, team.id, '?limit=3');
    expect(ids(p1.messages)).toEqual(all7.slice(4, 7));
    expect(p1.nextCursor).toBe(all7[4]);
    const p2 = await page(nurse, team.id, `?limit=3&before=${p1.nextCursor}`);
    expect(ids(p2.messages)).toEqual(all7.slice(1, 4));
    const p3 = await page(nurse, team.id, `?limit=3&before=${p2.nextCursor}`);
    expect(ids(p3.messages)).toEqual(all7.slice(0, 1));
    expect(p3.nextCursor).toBeNull();

    const f1 = await page(nurse, team.id, `?limit=3&after=${all7[0]}`);
    expect(ids(f1.messages)).toEqual(all7.slice(1, 4));
    expect(f1.nextCursor).toBe(all7[3]);
    const f2 = await page(nurse, team.id, `?limit=3&after=${f1.nextCursor}`);
    expect(ids(f2.messages)).toEqual(all7.slice(4, 7));
    expect(f2.nextCursor).toBeNull();

    // Bad cursors and limits: 400 with the validation code, never a crash.
    for (const q of [
      '?before=xyz',
      `?before=${all7[0]}&after=${all7[1]}`,
      '?limit=0',
      '?limit=1000',
      '?limit=abc',
      '?unknown=1',
    ]) {
      expectError(
        await nurse.agent.get(`/api/teams/${team.id}/messages${q}`),
        400,
        'validation_failed',
      );
    }
  });

  it('reading and sending are in the audit log, without the text', async () => {
    const { team, creator } = await activeTeam(t);
    const a = await live(creator);
    const secret = `Tension ${randomUUID()}`;
    const m = await sent(a, team.id, secret);
    await page(creator, team.id);
    const ours = await t.db
      .collection('auditentries')
      .find({ teamId: new Types.ObjectId(team.id) })
      .toArray();
    expect(ours.some((e) => e.action === 'message.send' && e.detail === m.id)).toBe(true);
    expect(ours.some((e) => e.action === 'message.list')).toBe(true);
    expect(JSON.stringify(ours)).not.toContain(secret);
    const journal = await creator.agent.get<{ entries: { action: string }[] }>(
      `/api/teams/${team.id}/audit`,
    );
    const labels = expectStatus(journal, 200).entries.map((e) => e.action);
    expect(labels).toContain('Message envoyé dans la discussion');
    expect(labels).toContain('Consultation de la discussion');
  });
});

describe('chat: read receipts and unread counts', () => {
  it('members see live who read up to where; a position never moves back', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [a, b, c] = await Promise.all([live(creator), live(nurse), live(pharmacist)]);
    const m1 = await sent(a, team.id, 'Premier');
    const m2 = await sent(a, team.id, 'Second');

    const ack = await markRead(b, team.id, m2.id);
    expect(ack).toMatchObject({ ok: true, data: { professionalId: nurse.id, messageId: m2.id } });
    for (const client of [a, c]) {
      const receipt = await client.waitFor(
        'chat:read',
        (r) => r.professionalId === nurse.id && r.messageId === m2.id,
      );
      expect(receipt.teamId).toBe(team.id);
    }

    // Reading an older message later leaves the position where it was, and tells nobody.
    await expectSilence([a, c], {
      teamId: team.id,
      during: async () => {
        const back = await markRead(b, team.id, m1.id);
        expect(back).toMatchObject({ ok: true, data: { messageId: m2.id } });
      },
    });
    // Over HTTP as well.
    const viaHttp = await pharmacist.agent.post<{ read: ReadReceiptView }>(
      `/api/teams/${team.id}/messages/read`,
      { messageId: m1.id },
    );
    expect(expectStatus(viaHttp, 200).read.messageId).toBe(m1.id);

    const { reads } = expectStatus(
      await creator.agent.get<{ reads: ReadReceiptView[] }>(`/api/teams/${team.id}/messages/reads`),
      200,
    );
    const byMember = Object.fromEntries(reads.map((r) => [r.professionalId, r.messageId]));
    // The author has read up to their own last message.
    expect(byMember).toEqual({ [creator.id]: m2.id, [nurse.id]: m2.id, [pharmacist.id]: m1.id });

    // A message of another team, or of no team: 404, and the position does not move.
    const other = await activeTeam(t);
    const elsewhere = await sent(await live(other.creator), other.team.id, 'Ailleurs');
    for (const messageId of [elsewhere.id, '0123456789abcdef01234567']) {
      expect(await markRead(b, team.id, messageId)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    expect(await markRead(b, team.id, 'pas-un-id')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('counts messages by others after my last read on "Mes ESCAP"', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [a, b] = await Promise.all([live(creator), live(nurse)]);
    expect(await unreadOf(pharmacist, team.id)).toBe(0);
    await sent(a, team.id, 'Un');
    await sent(b, team.id, 'Deux');
    const m3 = await sent(a, team.id, 'Trois');
    expect(await unreadOf(pharmacist, team.id)).toBe(3);
    // My own messages never count, and sending reads up to my message.
    expect(await unreadOf(creator, team.id)).toBe(0);
    expect(await unreadOf(nurse, team.id)).toBe(1);

    // The team page asks for one team only.
    const one = await pharmacist.agent.get<{ unread: number }>(
      `/api/teams/${team.id}/messages/unread`,
    );
    expect(expectStatus(one, 200)).toEqual({ unread: 3 });
    const c = await live(pharmacist);
    expect((await markRead(c, team.id, m3.id)).ok).toBe(true);
    expect(await unreadOf(pharmacist, team.id)).toBe(0);
    await sent(b, team.id, 'Quatre');
    expect(await unreadOf(pharmacist, team.id)).toBe(1);
  });

  it('concurrent sends leave the author at their greatest id, in grouped writes', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await live(creator);
    const ChatRead = t.db.model<ChatReadDoc>('ChatRead');
    const bulk = vi.spyOn(ChatRead, 'bulkWrite');
    const single = [vi.spyOn(ChatRead, 'updateOne'), vi.spyOn(ChatRead, 'create')];
    try {
      // Twenty sends at once, no ack awaited before the next.
      const acks = await Promise.all(
        Array.from({ length: 20 }, (_, i) => sent(a, team.id, `Message ${i}`)),
      );
      const last = sorted(ids(acks)).at(-1)!;
      // Every ack waited for its author's position: it is already stored.
      expect((await positions(creator, team.id))[creator.id]).toBe(last);
      expect(await unreadOf(creator, team.id)).toBe(0);
      // Someone who sent nothing has read nothing.
      expect(await unreadOf(nurse, team.id)).toBe(20);
      expect((await positions(nurse, team.id))[nurse.id]).toBeUndefined();
      // Grouped: fewer bulk writes than messages, and no write of its own per message.
      const ours = bulk.mock.calls.filter((c) => JSON.stringify(c[0]).includes(team.id));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.length).toBeLessThan(20);
      for (const spy of single) expect(spy).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a position set by sending never moves back, whoever writes later', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const [a, b] = await Promise.all([live(creator), live(nurse)]);
    const older = await sent(b, team.id, 'Plus ancien');
    const mine = await sent(a, team.id, 'Plus récent');
    // Reading an older message after sending a newer one leaves the newer position.
    expect(await markRead(a, team.id, older.id)).toMatchObject({
      ok: true,
      data: { professionalId: creator.id, messageId: mine.id },
    });
    // The same while sends are in flight: the end position is the greatest id.
    const [, ...more] = await Promise.all([
      markRead(a, team.id, older.id),
      ...Array.from({ length: 5 }, (_, i) => sent(a, team.id, `Suite ${i}`)),
    ]);
    const last = sorted(ids(more)).at(-1)!;
    expect((await positions(creator, team.id))[creator.id]).toBe(last);
    expect(await unreadOf(creator, team.id)).toBe(0);
  });

  it('two writers (two instances) racing on first positions keep the greatest id', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const ChatRead: Model<ChatReadDoc> = t.db.model<ChatReadDoc>('ChatRead');
    const [one, two] = [new AuthorReads(ChatRead), new AuthorReads(ChatRead)];
    const teamId = new Types.ObjectId(team.id);
    const members = [creator, nurse].map((p) => new Types.ObjectId(p.id));
    const messageIds = Array.from({ length: 6 }, () => new Types.ObjectId());
    const at = new Date();
    // Each member's positions go to both writers, in an order where a smaller id comes last.
    await Promise.all(
      members.flatMap((professionalId) =>
        [5, 1, 4, 0, 3, 2].map((i) =>
          (i % 2 ? one : two).advance({ teamId, professionalId, lastReadId: messageIds[i]!, at }),
        ),
      ),
    );
    const rows = await ChatRead.find({ teamId }).lean();
    expect(rows.map((r) => String(r.lastReadId))).toEqual([
      String(messageIds[5]),
      String(messageIds[5]),
    ]);
  });
});
