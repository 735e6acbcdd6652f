import type { Transporter } from 'nodemailer';
import { safeError, type Logger } from '../logger.js';

/** Beyond this many e-mails waiting (SMTP down), new ones are dropped rather than kept in memory. */
const MAX_QUEUED = 1000;
/** Shutdown waits this long for queued e-mails, then drops the rest. */
const CLOSE_WAIT_MS = 5_000;

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A mail, or the work that finds out whom it goes to (null: nobody any more). */
export type MailJob = Mail | (() => Promise<Mail | null>);

/**
 * The one way out for e-mails: notifications, address verification, password resets and
 * invitation codes all go through `send`, which only queues: no caller waits for SMTP, and a
 * failure is logged (no address, no content) and dropped. Mails carry no health data.
 */
export interface Mailer {
  /** `kind` names the mail in logs (never its address or content). */
  send(kind: string, job: MailJob): void;
  /** Resolves once every queued mail was sent or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** False when mails go nowhere (no SMTP server outside development). */
  readonly delivers: boolean;
}

export interface SmtpSettings {
  url: string;
  from: string;
}

/** Sends through the configured SMTP server, one mail at a time, in order. */
export class SmtpMailer implements Mailer {
  readonly delivers = true;
  /** Made at the first mail: nodemailer is loaded only by instances that send. */
  private transporter: Promise<Transporter> | undefined;
  private readonly queue: { kind: string; job: MailJob }[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly logger: Logger,
  ) {}

  private transport(): Promise<Transporter> {
    // Bounded waits: an SMTP server that does not answer must not hold the queue for minutes
    // (nodemailer's defaults) nor delay shutdown.
    this.transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: this.settings.url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    );
    return this.transporter;
  }

  send(kind: string, job: MailJob): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.logger.warn({ kind }, 'e-mail dropped: queue full');
      return;
    }
    this.queue.push({ kind, job });
    this.running ??= this.drain();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    const dropped = this.queue.splice(0).length;
    if (dropped > 0) this.logger.warn({ dropped }, 'e-mails dropped at shutdown');
    if (this.transporter) (await this.transporter).close();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        const mail = typeof next.job === 'function' ? await next.job() : next.job;
        if (!mail) continue;
        const transporter = await this.transport();
        await transporter.sendMail({ from: this.settings.from, ...mail });
      } catch (err) {
        this.logger.error({ err: safeError(err), kind: next.kind }, 'e-mail failed');
      }
    }
    this.running = undefined;
  }
}

/**
 * Development without SMTP (`npm start`): the mail is written to the server's log instead,
 * links and codes included, so that a person trying the app can verify an address or reset a
 * password. Never used in production or tests (docs/identity.md, "E-mails").
 */
export class LogMailer implements Mailer {
  readonly delivers = true;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  send(kind: string, job: MailJob): void {
    this.pending = this.pending.then(async () => {
      try {
        const mail = typeof job === 'function' ? await job() : job;
        if (!mail) return;
        this.logger.info(
          `\n  E-MAIL NOT SENT (development, SMTP_URL is not set): what it says\n` +
            `  To: ${mail.to}\n  Subject: ${mail.subject}\n\n${mail.text.replace(/^/gm, '  ')}\n`,
        );
      } catch (err) {
        this.logger.error({ err: safeError(err), kind }, 'e-mail failed');
      }
    });
  }

  idle(): Promise<void> {
    return this.pending;
  }

  close(): Promise<void> {
    return this.pending;
  }
}

/** No SMTP server outside development: mails go nowhere (said once at start-up). */
export class NullMailer implements Mailer {
  readonly delivers = false;
  send(): void {}
  idle(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
