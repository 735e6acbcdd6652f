import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveMessages, sent } from '../helpers/chat.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { WireNote } from '../helpers/noteWire.js';
import { activeTeam, expectStatus, liveClients, VALID_INS } from '../teamFactories.js';

/**
 * Logs never carry health data nor secrets (README, "Security decisions"): a
 * scripted session at the most verbose level, with a patient whose name appears nowhere else,
 * a note and a message naming her, failed requests and bad socket payloads; then the whole log
 * is searched for every piece of her, for what was written about her, and for the secrets.
 */
describe('logs: no patient data, no secret, at debug level', () => {
  const lines: string[] = [];
  const secret = randomBytes(24).toString('hex');
  const signingKey = randomBytes(32).toString('base64');
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { LOG_LEVEL: 'debug', SESSION_SECRET: secret, STATEMENT_SIGNING_KEY: signingKey },
      logTo: { write: (line) => void lines.push(line) },
    });
  });
  afterAll(() => t.close());
  const live = liveClients();

  it('a session of sign-ups, a team, a note, a message and bad input logs none of them', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const patient = team.patient.identity;
    const noteText = `Escarre talon gauche ${randomBytes(4).toString('hex')}`;
    const messageText = `Glycémie de ${patient.birthName} à 2,8 g/L ${randomBytes(4).toString('hex')}`;

    // The note, edited over the wire, and a malformed update beside it.
    const note = await WireNote.open(creator, team.id);
    expect(await note.send(note.append(noteText))).toMatchObject({ ok: true });
    expect(
      await note.emit('note:update', { ...note.address, update: 'pas du base64 !' }),
    ).toMatchObject({
      ok: false,
    });
    note.close();

    // A message naming the patient, read by another member.
    const [a, b] = await Promise.all([live(creator), live(nurse)]);
    const m = await sent(a, team.id, messageText);
    await b.waitFor('chat:message', (p) => p.id === m.id);
    expect(liveMessages(b, team.id).map((x) => x.text)).toContain(messageText);

    // The patient file read, a refused write, a statement downloaded.
    expectStatus(await creator.agent.get(`/api/teams/${team.id}`), 200);
    const refused = await creator.agent.post(`/api/teams/${team.id}/messages`, {
      clientId: 'pas un uuid',
      text: messageText,
    });
    expect(refused.status).toBe(400);
    const pdf = await fetch(`${t.baseUrl}/api/ledger/statement.pdf`, {
      headers: { cookie: creator.agent.cookieHeader() },
    });
    expect(pdf.status).toBe(200);

    const log = lines.join('');
    // The capture works: this session's lines are there (the app logs events, not requests).
    expect(log).toContain('professional signed up');
    expect(log).toContain('socket connected');
    const sessionTokens = [creator, nurse].flatMap((p) =>
      p.agent
        .cookieHeader()
        .split('; ')
        .map((c) => c.split('=')[1]!)
        .filter((v) => v.length >= 16),
    );
    expect(sessionTokens.length).toBeGreaterThan(0);
    for (const forbidden of [
      patient.birthName,
      patient.firstNames,
      patient.birthDate,
      VALID_INS,
      '01 23 45 67 89',
      'rue des Lilas',
      noteText,
      messageText,
      creator.input.password,
      secret,
      signingKey,
      ...sessionTokens,
    ])
      expect(log, `the log holds ${forbidden}`).not.toContain(forbidden);
  });
});
