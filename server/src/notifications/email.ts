import type { Model } from 'mongoose';
import type { Transporter } from 'nodemailer';
import { notificationText, type NotificationView } from '../../../shared/src/notifications.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { safeError, type Logger } from '../logger.js';
import type { NotificationSink } from './service.js';

/** Beyond this many e-mails waiting (SMTP down), new ones are dropped rather than kept in memory. */
const MAX_QUEUED = 1000;
/** Shutdown waits this long for queued e-mails, then drops the rest. */
const CLOSE_WAIT_MS = 5_000;

export interface EmailSettings {
  url: string;
  from: string;
  /** Where the app is reached; without it the e-mail names no address. */
  publicUrl: string | undefined;
}

/**
 * Sends each notification as a short French e-mail. It says what happened and where to look,
 * nothing more: notifications hold no health data, and the e-mail is built from the view only.
 * `deliver` only queues: the caller never waits for SMTP, and a failure is logged (no
 * address, no content) and dropped.
 */
export class EmailSink implements NotificationSink {
  /** Made at the first e-mail: nodemailer is loaded only by instances that send. */
  private transporter: Promise<Transporter> | undefined;
  private readonly queue: { recipientId: string; view: NotificationView }[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly settings: EmailSettings,
    private readonly Professional: Model<ProfessionalDoc>,
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

  deliver(recipientId: string, view: NotificationView): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.logger.warn({ kind: view.kind }, 'notification e-mail dropped: queue full');
      return;
    }
    this.queue.push({ recipientId, view });
    this.running ??= this.drain();
  }

  /** Resolves once every queued e-mail was sent or given up. */
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
    if (dropped > 0) this.logger.warn({ dropped }, 'notification e-mails dropped at shutdown');
    if (this.transporter) (await this.transporter).close();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await this.send(next.recipientId, next.view);
      } catch (err) {
        this.logger.error(
          { err: safeError(err), kind: next.view.kind },
          'notification e-mail failed',
        );
      }
    }
    this.running = undefined;
  }

  private async send(recipientId: string, view: NotificationView): Promise<void> {
    const to = await this.Professional.findById(recipientId).lean<ProfessionalDoc>();
    if (!to) return;
    const transporter = await this.transport();
    await transporter.sendMail({
      from: this.settings.from,
      to: to.email,
      subject: `ESCAP : ${notificationText(view)}`,
      text: emailText(view, this.settings.publicUrl),
    });
  }
}

export function emailText(view: NotificationView, publicUrl: string | undefined): string {
  const where = publicUrl
    ? `Pour en savoir plus, connectez-vous à ESCAP : ${publicUrl}/notifications`
    : 'Pour en savoir plus, connectez-vous à ESCAP.';
  return [
    'Bonjour,',
    '',
    `${notificationText(view)}.`,
    '',
    where,
    '',
    'Ce message ne contient aucune donnée de santé ; vous le recevez parce que les',
    'notifications par e-mail sont activées sur ce serveur ESCAP.',
  ].join('\n');
}
