import type { Transporter } from 'nodemailer';
import { safeError, type Logger } from '../logger.js';
import { BackgroundQueue } from './background-queue.js';

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
  private readonly queue: BackgroundQueue<{ kind: string; job: MailJob }>;

  constructor(
    private readonly settings: SmtpSettings,
    logger: Logger,
  ) {
    this.queue = new BackgroundQueue({
      name: 'e-mail',
      max: MAX_QUEUED,
      closeWaitMs: CLOSE_WAIT_MS,
      work: (item) => this.sendNow(item.job),
      describe: (item) => ({ kind: item.kind }),
      logger,
    });
  }

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
    this.queue.push({ kind, job });
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    await this.queue.close();
    if (this.transporter) (await this.transporter).close();
  }

  private async sendNow(job: MailJob): Promise<void> {
    const mail = typeof job === 'function' ? await job() : job;
    if (!mail) return;
    const transporter = await this.transport();
    await transporter.sendMail({ from: this.settings.from, ...mail });
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
