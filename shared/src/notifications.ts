import { professionalLabel } from './glossary.js';
import { frenchDay } from './tasks.js';
import type { ProfessionalRef } from './views.js';

/**
 * In-app notifications. Stored, pushed live and e-mailed, they carry ids, kinds and names of
 * professionals only, never patient data. The list read by a CURRENT member of the team adds
 * its `context` (the patient's name, a task's title), resolved at that read and audited, so a
 * professional who left the team later sees none of it (docs/notifications.md).
 */
export const NOTIFICATION_KINDS = [
  'invitation',
  'mention',
  'task_assigned',
  'team_status',
  'term_ending',
  'alert',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  teamId: string | null;
  /** Who caused it, when someone did. */
  actor: ProfessionalRef | null;
  /** Kind-specific ids and values, never health data (message id, task id, status, date). */
  data: Record<string, string>;
  createdAt: string;
  readAt: string | null;
  /**
   * False when the notification is about a team the reader no longer belongs to: it then
   * shows nothing but its kind and time (no actor, no data) and leads nowhere.
   */
  available: boolean;
  /**
   * Only in the list read by a current member (never stored, pushed or e-mailed): whose ESCAP
   * it is about, and the title of the task it names.
   */
  context?: NotificationContext;
}

export interface NotificationContext {
  /** "Dupont Jeanne": the name the team's pages show. */
  patientName?: string;
  taskTitle?: string;
}

/** A page of notifications, newest first; `next` is the cursor of the following page. */
export interface NotificationPageView {
  notifications: NotificationView[];
  next: string | null;
  unread: number;
}

export const NOTIFICATION_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** Paris time: a term ends at an instant, shown as the French calendar day. */
function parisDay(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
}

const STATUS_TEXT: Record<string, string> = {
  active: 'L’ESCAP est maintenant active',
  pending: 'L’ESCAP est en attente d’activation',
  suspended: 'L’ESCAP est suspendue',
  closed: 'L’ESCAP est clôturée',
};

const nameOf = (actor: ProfessionalRef | null) =>
  actor ? `${actor.firstName} ${actor.lastName}`.trim() : 'Un membre';

/**
 * The French sentence of a notification, shared by the notification centre and the e-mails
 * (so both say the same thing, and neither can say more than the view holds).
 */
export function notificationText(n: NotificationView): string {
  if (!n.available && n.kind !== 'invitation')
    return 'Notification d’une ESCAP dont vous n’êtes plus membre';
  const sentence = baseText(n);
  const patient = n.context?.patientName;
  return patient && n.kind !== 'invitation' ? `${sentence} (ESCAP de ${patient})` : sentence;
}

function baseText(n: NotificationView): string {
  switch (n.kind) {
    case 'invitation':
      // Who invites, and as what: nothing about the patient before the invitee joins.
      return n.actor
        ? `${professionalLabel(n.actor)} vous invite à rejoindre une ESCAP${n.data.asMedecinTraitant === 'true' ? ' en tant que médecin traitant' : ''}`
        : 'Invitation à rejoindre une ESCAP';
    case 'mention':
      return `${nameOf(n.actor)} vous a mentionné`;
    case 'task_assigned': {
      const task = n.context?.taskTitle
        ? `Nouvelle tâche pour vous : « ${n.context.taskTitle} »`
        : 'Nouvelle tâche pour vous';
      return n.data.due ? `${task}, à faire avant le ${frenchDay(n.data.due, false)}` : task;
    }
    case 'team_status':
      return STATUS_TEXT[n.data.status ?? ''] ?? 'Le statut de l’ESCAP a changé';
    case 'alert':
      return `Alerte : ${nameOf(n.actor)} a signalé un événement important`;
    case 'term_ending':
      return n.data.termEndsAt
        ? `Le terme de l’ESCAP se termine le ${parisDay(n.data.termEndsAt)}`
        : 'Le terme de l’ESCAP se termine bientôt';
  }
}
