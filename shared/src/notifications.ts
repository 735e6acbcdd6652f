import type { ProfessionalRef } from './views.js';

/**
 * In-app notifications. They carry ids, kinds and names of professionals only, never patient
 * data: the receiver opens the team (membership checked, read audited) to see more, and an
 * e-mail built from a notification cannot leak health data either.
 */
export const NOTIFICATION_KINDS = [
  'invitation',
  'mention',
  'task_assigned',
  'team_status',
  'term_ending',
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
}
