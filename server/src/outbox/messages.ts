import type { NotificationKind } from '../../../shared/src/notifications.js';
import type { TeamStatus } from '../../../shared/src/rules/activation.js';

/**
 * What a committed command leaves for after its commit: live events, socket room changes and
 * notifications (which e-mail when SMTP is set). Plain JSON with ids and statuses only, never
 * health data: the outbox is a queue, not a copy of the file (docs/architecture.md, "Outbox").
 */
export type OutboxMessage =
  | { kind: 'team.changed'; teamId: string; status: TeamStatus }
  /** For members whose sockets are outside the team room (a read-only team). */
  | { kind: 'team.changed_for'; teamId: string; status: TeamStatus; professionalIds: string[] }
  | { kind: 'team.joined'; teamId: string; professionalId: string }
  | { kind: 'team.left'; teamId: string; professionalId: string }
  | { kind: 'team.frozen'; teamId: string; status: TeamStatus }
  | { kind: 'team.thawed'; teamId: string; professionalIds: string[] }
  | { kind: 'task.changed'; teamId: string; taskId: string }
  | { kind: 'task.deleted'; teamId: string; taskId: string }
  | { kind: 'document.changed'; teamId: string; documentId: string }
  | { kind: 'file.changed'; teamId: string; entryId: string }
  | { kind: 'file.removed'; teamId: string; entryId: string }
  | { kind: 'plan.changed'; teamId: string; version: number }
  | { kind: 'event.recorded'; teamId: string; eventId: string }
  | { kind: 'document.removed'; teamId: string; documentId: string }
  /** Filed documents' bytes (GridFS ids): no longer `pending` for the upload sweep. */
  | { kind: 'document.stored'; fileIds: string[] }
  /** A removed document's bytes (GridFS ids), deleted after the commit; repeatable. */
  | { kind: 'document.purge'; fileIds: string[] }
  | { kind: 'invitation.received'; invitationId: string }
  | { kind: 'invitation.closed'; professionalId: string; invitationId: string }
  | {
      kind: 'notify';
      recipients: string[];
      notification: {
        kind: NotificationKind;
        teamId: string | null;
        actorId: string | null;
        data: Record<string, string>;
      };
    };

export type OutboxKind = OutboxMessage['kind'];
export type MessageOf<K extends OutboxKind> = Extract<OutboxMessage, { kind: K }>;
