import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHAT_LIMITS, mentionText } from '../../shared/src/chat.js';
import { yearOf } from '../../shared/src/time.js';
import { liveMessages, markRead, page, send, sent } from '../helpers/chat.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  expectError,
  expectSilence,
  expectStatus,
  inviteAndAccept,
  signUpPro,
  type Pro,
  liveClients,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

const messageCount = (teamId: string) =>
  t.db.collection('messages').countDocuments({ teamId: new Types.ObjectId(teamId) });

describe('chat: only current members', () => {
  it('a non-member receives nothing and is refused everything with 404', async () => {
    const { team, creator } = await activeTeam(t);
    const outsider = await signUpPro(t, { profession: 'medecin' });
    const [a, x] = await Promise.all([live(creator), live(outsider)]);
    const m = await sent(a, team.id, 'Réservé à l’équipe');

    await expectSilence([x], { during: () => sent(a, team.id, 'Toujours réservé') });
    expect(liveMessages(x, team.id)).toEqual([]);

    expect(await send(x, team.id, 'Intrusion')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await markRead(x, team.id, m.id)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const base = `/api/teams/${team.id}/messages`;
    expectError(await outsider.agent.get(base), 404, 'not_found');
    // Even a malformed query or body answers 404 first: nothing is learned about the team.
    expectError(await outsider.agent.get(`${base}?limit=abc`), 404, 'not_found');
    expectError(await outsider.agent.get(`${base}/reads`), 404, 'not_found');
    expectError(await outsider.agent.get(`${base}/unread`), 404, 'not_found');
    expectError(await outsider.agent.post(`${base}/read`, { messageId: m.id }), 404, 'not_found');
    expectError(await outsider.agent.post(`${base}/read`, { bad: 1 }), 404, 'not_found');
    expectError(
      await outsider.agent.post(base, { clientId: randomUUID(), text: 'Intrusion' }),
      404,
      'not_found',
    );
    expectError(await outsider.agent.post(base, { nope: true }), 404, 'not_found');
    expect(await messageCount(team.id)).toBe(2);
  });

  it('a removed member stops receiving at once and can no longer read or send', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [a, c] = await Promise.all([live(creator), live(pharmacist)]);
    const before = await sent(a, team.id, 'Avant le retrait');
    await c.waitFor('chat:message', (m) => m.id === before.id);

    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    await c.waitFor('team:left', (p) => p.teamId === team.id);
    await expectSilence([c], {
      teamId: team.id,
      during: async () => {
        await sent(a, team.id, 'Après le retrait');
        await sent(await live(nurse), team.id, 'Encore après');
      },
    });
    expect(await send(c, team.id, 'Je suis parti')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expectError(await pharmacist.agent.get(`/api/teams/${team.id}/messages`), 404, 'not_found');
  });

  it('a socket reads its membership once for its sends, and a removal still refuses the next one', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const b = await live(nurse);
    const member = vi.spyOn(t.app.services.teams, 'member');
    try {
      for (const text of ['Un', 'Deux', 'Trois']) await sent(b, team.id, text);
      // The room is the right to write (docs/chat.md): one read for the three sends.
      expect(member.mock.calls.filter(([, id]) => String(id) === team.id)).toHaveLength(1);
    } finally {
      member.mockRestore();
    }
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    await b.waitFor('team:left', (p) => p.teamId === team.id);
    expect(await send(b, team.id, 'Partie')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await messageCount(team.id)).toBe(3);
  });

  it('a closed team is read-only: history readable, sending refused with team_closed', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await live(creator);
    const m = await sent(a, team.id, 'Dernier message');
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);

    expect(await send(a, team.id, 'Trop tard')).toMatchObject({
      ok: false,
      error: { code: 'team_closed' },
    });
    expectError(
      await nurse.agent.post(`/api/teams/${team.id}/messages`, {
        clientId: randomUUID(),
        text: 'Trop tard',
      }),
      409,
      'team_closed',
    );
    expect(ids((await page(nurse, team.id)).messages)).toEqual([m.id]);
    // Reading stays possible, so marking read does too.
    const b = await live(nurse);
    expect(await markRead(b, team.id, m.id)).toMatchObject({ ok: true });
  });

  it('consent withdrawn: read_only', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await live(creator);
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expect(await send(a, team.id, 'Refusé')).toMatchObject({
      ok: false,
      error: { code: 'read_only' },
    });
    expect((await page(creator, team.id)).messages).toEqual([]);
  });
});

const ids = (messages: { id: string }[]) => messages.map((m) => m.id);

describe('chat: bad messages are refused with their code, nothing stored', () => {
  it('too long, empty, malformed', async () => {
    const { team, creator } = await activeTeam(t);
    const a = await live(creator);
    const refused = async (payload: unknown, code: string) => {
      const ack: unknown = await a.socket.timeout(5000).emitWithAck('chat:send', payload as never);
      expect(ack).toMatchObject({ ok: false, error: { code } });
    };
    const base = { teamId: team.id, clientId: randomUUID() };
    await refused({ ...base, text: 'a'.repeat(CHAT_LIMITS.textMax + 1) }, 'message_too_long');
    await refused({ ...base, text: '' }, 'message_empty');
    await refused({ ...base, text: ' \n\t ' }, 'message_empty');
    await refused({ ...base, text: 42 }, 'invalid_message');
    await refused({ ...base, text: 'x'.repeat(CHAT_LIMITS.textMax * 4 + 1) }, 'invalid_message');
    await refused({ teamId: team.id, text: 'sans id' }, 'invalid_message');
    await refused({ ...base, clientId: 'court', text: 'id trop court' }, 'invalid_message');
    await refused({ ...base, text: 'ok', extra: true }, 'invalid_message');
    await refused({ ...base, text: 'ok', mentions: ['pas-un-id'] }, 'invalid_message');
    await refused(null, 'invalid_message');
    expect(await messageCount(team.id)).toBe(0);

    // The limit counts characters as people do: 4000 emoji fit.
    const emoji = await sent(a, team.id, '🩺'.repeat(CHAT_LIMITS.textMax));
    expect(emoji.text).toHaveLength(CHAT_LIMITS.textMax * 2);

    const http = (body: unknown) => creator.agent.post(`/api/teams/${team.id}/messages`, body);
    expectError(
      await http({ clientId: randomUUID(), text: 'é'.repeat(CHAT_LIMITS.textMax + 1) }),
      400,
      'message_too_long',
    );
    expectError(await http({ clientId: randomUUID(), text: '   ' }), 400, 'message_empty');
    expectError(await http({ text: 'sans id' }), 400, 'invalid_message');
    expectError(
      await creator.agent.request('POST', `/api/teams/${team.id}/messages`, undefined, {
        raw: '{"text":',
      }),
      400,
      'invalid_json',
    );
    expect(await messageCount(team.id)).toBe(1);
  });
});

describe('chat: mentions and contributions', () => {
  it('notifies the mentioned current members only, without the text', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const physio = await signUpPro(t, {
      profession: 'masseur_kinesitherapeute',
      firstName: 'Zoé',
      lastName: 'Marchal',
    });
    await inviteAndAccept(creator, team.id, physio);
    const outsider = await signUpPro(t, {
      profession: 'infirmier',
      firstName: 'Hors',
      lastName: 'Équipe',
    });
    const [a, b, c, x, k] = await Promise.all([
      live(creator),
      live(nurse),
      live(pharmacist),
      live(outsider),
      live(physio),
    ]);
    const secret = `Glycémie ${randomUUID()}`;
    const text = `${mentionText(nurse.professional)} ${mentionText(outsider.professional)} ${secret}`;
    // The physiotherapist's id is sent but their name is not in the text; the outsider is not
    // a member; the author mentioning themself is nobody to notify. (The factories give the
    // same name to the other members: homonyms chosen by id are both kept.)
    const m = await sent(a, team.id, text, {
      mentions: [nurse.id, physio.id, outsider.id, creator.id],
    });
    expect(m.mentions).toEqual([nurse.id]);

    const note = await b.waitFor('notification:new', (n) => n.kind === 'mention');
    expect(note).toMatchObject({
      kind: 'mention',
      teamId: team.id,
      actor: { id: creator.id },
      data: { messageId: m.id },
    });
    expect(JSON.stringify(note)).not.toContain(secret);
    // Emitted before the send was acknowledged: after a round trip, whatever was is in.
    await Promise.all([a, c, x, k].map((client) => client.roundTrip()));
    for (const client of [a, c, x, k]) {
      expect(client.received.filter((r) => r.event === 'notification:new')).toEqual([]);
    }
    const stored = await t.db.collection('notifications').find({ kind: 'mention' }).toArray();
    expect(JSON.stringify(stored)).not.toContain(secret);

    // A removed member mentioned later is notified no more.
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    await expectSilence([b], {
      during: async () => {
        const later = await sent(a, team.id, `${mentionText(nurse.professional)} encore`, {
          mentions: [nurse.id],
        });
        expect(later.mentions).toEqual([]);
      },
    });
  });

  it('each message counts once as its author’s contribution to the team', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const [a, b] = await Promise.all([live(creator), live(nurse)]);
    const clientId = randomUUID();
    const first = await sent(a, team.id, 'Un', { clientId });
    await sent(a, team.id, 'Un', { clientId }); // a retry: not a second contribution
    await sent(a, team.id, 'Deux');
    await sent(b, team.id, 'Trois');
    const year = yearOf(new Date(first.createdAt), t.config.ledger.timeZone);
    const counter = async (pro: Pro) =>
      (await t.app.services.contributions.forProfessional(pro.id, year)).find(
        (r) => String(r.teamId) === team.id,
      );
    expect(await counter(creator)).toMatchObject({ message: 2, total: 2 });
    expect(await counter(nurse)).toMatchObject({ message: 1, total: 1 });
  });
});
