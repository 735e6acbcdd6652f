import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The text body, quoted-printable decoded. */
  text: string;
}

export interface Mailbox {
  port: number;
  url: string;
  mails: Mail[];
  /** Waits for a mail to `to` whose subject matches, beyond the `after` first ones. */
  next(to: string, subject: RegExp, after?: number): Promise<Mail>;
  close(): Promise<void>;
}

/** A real SMTP server on port 0 that keeps what it receives (account mails, codes). */
export async function startMailbox(): Promise<Mailbox> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeSubject(/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? ''),
          text: bodyOf(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async next(to, subject, after = 0) {
      const find = () =>
        mails.slice(after).find((m) => m.to.includes(to) && subject.test(m.subject));
      await until(() => find() !== undefined);
      return find()!;
    },
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

/** The text part of a simple e-mail, quoted-printable decoded. */
export function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const qp = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
  try {
    return decodeURIComponent(qp);
  } catch {
    return body;
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=` or `=?UTF-8?B?…?=`), as nodemailer writes them. */
function decodeSubject(header: string): string {
  return header
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

/** The first link of a mail under `path` (e.g. "/mot-de-passe/nouveau/"), and its token. */
export function linkIn(mail: Mail, path: string): { url: string; token: string } {
  const m = new RegExp(`(https?://\\S+${path.replace(/\//g, '\\/')})([\\w-]+)`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in: ${mail.text}`);
  return { url: m[1]! + m[2]!, token: m[2]! };
}

/** Polls a condition with a deadline (nothing to await: a mail arrives on its own). */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
