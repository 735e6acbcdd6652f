import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPageView } from '../../shared/src/notifications.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTeam, expectStatus, invite, signUpPros, type Pro } from '../teamFactories.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on port 0 that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

/** The text part of a simple e-mail, quoted-printable decoded. */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const qp = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
  try {
    return decodeURIComponent(qp);
  } catch {
    return body;
  }
}

/** Polls a condition (what an SMTP server received) until it holds, with a deadline. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function inviteNurse(t: TestApp): Promise<{ doctor: Pro; nurse: Pro; birthName: string }> {
  const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
  const { team } = await createTeam(doctor!);
  await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
  return { doctor: doctor!, nurse: nurse!, birthName: team.patient.identity.birthName };
}

describe('notification e-mails', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it('with SMTP configured: a French e-mail to the recipient, with the link and no health data', async () => {
    const t = await startTestApp({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'ESCAP <notifications@escap.test>',
        PUBLIC_URL: 'https://escap.example.fr',
      },
    });
    try {
      const { doctor, nurse, birthName } = await inviteNurse(t);
      // Every new account also gets its address verification mail: not a notification.
      const notification = (m: Mail) =>
        m.to.includes(nurse.input.email) && !m.raw.includes('/email/confirmation/');
      await until(() => smtp.mails.some(notification));
      const mail = smtp.mails.find(notification)!;
      expect(mail.from).toBe('notifications@escap.test');
      const text = bodyOf(mail.raw);
      expect(text).toContain(
        `${doctor.input.firstName} ${doctor.input.lastName} (Médecin) vous invite`,
      );
      expect(text).toContain('https://escap.example.fr/notifications');
      expect(mail.raw).not.toContain(birthName);
      expect(mail.raw).toMatch(/^Subject: /m);
      // Nobody else got a notification (the inviter is the actor; the address verification
      // every new account gets is not one).
      expect(
        smtp.mails.some(
          (m) => m.to.includes(doctor.input.email) && !m.raw.includes('/email/confirmation/'),
        ),
      ).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('an unreachable SMTP server fails nothing: the invitation and its notification exist', async () => {
    const closed = await startSmtp();
    const port = closed.port;
    await closed.close();
    const t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      const { nurse } = await inviteNurse(t);
      const page = expectStatus(
        await nurse.agent.get<NotificationPageView>('/api/notifications'),
        200,
      );
      expect(page.notifications.map((n) => n.kind)).toEqual(['invitation']);
    } finally {
      await t.close();
    }
  });

  it('an SMTP server that never answers slows no request, and shutdown still ends', async () => {
    const sockets: Socket[] = [];
    let ended = 0;
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('close', () => ended++);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      const { nurse } = await inviteNurse(t);
      // The answers came while the e-mail was still waiting for a greeting that never comes:
      // the SMTP client gives up only after its greeting timeout (10 s), so a request waiting
      // for it could not have answered with its session still open.
      expect(ended).toBe(0);
      await until(() => sockets.length > 0);
      expect(ended).toBe(0);
      const page = expectStatus(
        await nurse.agent.get<NotificationPageView>('/api/notifications'),
        200,
      );
      expect(page.notifications.map((n) => n.kind)).toEqual(['invitation']);
    } finally {
      // Shutdown ends with the e-mail still unsent (its own wait is bounded, see EmailSink);
      // one that never ended would fail this test on its timeout.
      await t.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('without SMTP configured: nothing is sent, and notifications still work', async () => {
    const t = await startTestApp();
    const before = smtp.mails.length;
    try {
      expect(t.config.smtp).toBeUndefined();
      const { nurse } = await inviteNurse(t);
      const page = expectStatus(
        await nurse.agent.get<NotificationPageView>('/api/notifications'),
        200,
      );
      expect(page.notifications.map((n) => n.kind)).toEqual(['invitation']);
    } finally {
      await t.close();
    }
    // Shutdown drains the e-mails queued (EmailSink.close): had one been queued, it would be
    // in by now.
    expect(smtp.mails.length).toBe(before);
  });
});
