import type { NotificationView } from '../../../../shared/src/notifications.js';
import { paths } from '../../lib/routes.js';

/**
 * Where a notification leads: the invitation inbox (home), the message it names, the task it names
 * (on the tasks page), the events or the team. Nowhere for a team the reader left: the page would only say "introuvable".
 */
export function notificationLink(n: NotificationView): string | null {
  if (n.kind === 'invitation') return paths.home;
  if (!n.available || !n.teamId) return null;
  switch (n.kind) {
    case 'mention':
      return n.data.messageId ? paths.message(n.teamId, n.data.messageId) : paths.chat(n.teamId);
    case 'task_assigned':
      return n.data.taskId ? paths.task(n.teamId, n.data.taskId) : paths.tasks(n.teamId);
    case 'alert':
      return n.data.eventId ? paths.event(n.teamId, n.data.eventId) : paths.events(n.teamId);
    case 'team_status':
    case 'term_ending':
      return paths.team(n.teamId);
  }
}
