import type { Model } from 'mongoose';
import { notificationText, type NotificationView } from '../../../shared/src/notifications.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { Mailer } from './mailer.js';
import type { NotificationSink } from './service.js';

/**
 * Sends each notification as a short French e-mail. It says what happened and where to look,
 * nothing more: notifications hold no health data, and the e-mail is built from the view only.
 * Delivery is the mailer's (queued, bounded, failures logged and dropped).
 */
export class EmailSink implements NotificationSink {
  constructor(
    private readonly mailer: Mailer,
    private readonly publicUrl: string | undefined,
    private readonly Professional: Model<ProfessionalDoc>,
  ) {}

  deliver(recipientId: string, view: NotificationView): void {
    this.mailer.send(`notification.${view.kind}`, async () => {
      const to = await this.Professional.findById(recipientId).lean<ProfessionalDoc>();
      if (!to) return null;
      return {
        to: to.email,
        subject: `ESCAP : ${notificationText(view)}`,
        text: emailText(view, this.publicUrl),
      };
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
