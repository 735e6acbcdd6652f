import type { NotificationKind, NotificationView } from './notifications.js';

/**
 * What a push notification says. Push services and lock screens are outside the care team:
 * the payload holds a generic French sentence per kind and the page to open, never a patient
 * name, a message text, a task title nor an actor's name.
 */
export interface PushPayload {
  title: string;
  body: string;
  /** Same-origin path the notification opens. */
  url: string;
  /** Replaces an earlier push of the same kind rather than stacking. */
  tag: string;
}

const BODIES: Record<NotificationKind, string> = {
  invitation: 'Vous êtes invité à rejoindre une ESCAP.',
  mention: 'Nouveau message dans une ESCAP.',
  task_assigned: 'Une tâche vous a été confiée dans une ESCAP.',
  team_status: 'Le statut d’une ESCAP a changé.',
  term_ending: 'Le terme d’une ESCAP approche.',
  alert: 'Nouvelle alerte dans une ESCAP.',
};

/** Mirrors the in-app links (client/src/features/notifications/links.ts). */
export function pushUrl(n: Pick<NotificationView, 'kind' | 'teamId'>): string {
  if (n.kind === 'invitation' || !n.teamId) return '/';
  const team = `/escap/${encodeURIComponent(n.teamId)}`;
  switch (n.kind) {
    case 'mention':
      return `${team}/discussion`;
    case 'task_assigned':
      return `${team}/taches`;
    case 'alert':
      return `${team}/evenements`;
    case 'team_status':
    case 'term_ending':
      return team;
  }
}

export function pushPayload(n: Pick<NotificationView, 'kind' | 'teamId'>): PushPayload {
  return { title: 'ESCAP', body: BODIES[n.kind], url: pushUrl(n), tag: n.kind };
}
