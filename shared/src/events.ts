import type { ChatSend, MessageView, ReadReceiptView } from './chat.js';
import type { DocumentChange } from './documents.js';
import type { Ack } from './errors.js';
import type { Professional } from './schemas/auth.js';
import type { TeamStatus } from './rules/activation.js';
import type { NoteAddress } from './notes.js';
import type { NotificationView } from './notifications.js';
import type { FileChange } from './patient-file.js';
import type { TeamEventView } from './team-events.js';
import type { TaskChange } from './tasks.js';
import type { InboxInvitationView, NoteJoinView, TeamView } from './views.js';

/**
 * socket.io event maps: the one contract for realtime traffic. Every client event that
 * expects an answer takes an `Ack` callback.
 *
 * Team events carry no patient data: members refetch the team over HTTP, which checks their
 * membership at that moment and writes the read to the audit log.
 */
export interface ServerToClientEvents {
  /** Sent once after the handshake: who the server authenticated. */
  'session:ready': (payload: { professional: Professional }) => void;
  /** The session ended elsewhere (sign-out); the client goes back to sign-in. */
  'session:ended': () => void;
  /**
   * Several instances: `degraded` while this server is cut from the others (Redis away: the
   * others' edits arrive late), `ok` once it is linked again.
   */
  'realtime:state': (payload: { state: 'ok' | 'degraded' }) => void;
  /** Something changed in a team the receiver belongs to (members, invitations, status, patient file). */
  'team:changed': (payload: { teamId: string; status: TeamStatus }) => void;
  /** The receiver is no longer a member of this team (left or removed). */
  'team:left': (payload: { teamId: string }) => void;
  /** A new invitation for the receiver. */
  'invitation:received': (payload: InboxInvitationView) => void;
  /** One of the receiver's pending invitations is no longer pending (cancelled, answered elsewhere). */
  'invitation:closed': (payload: { id: string }) => void;
  /** A new notification for the receiver (invitation, mention, task, status, term ending). */
  'notification:new': (payload: NotificationView) => void;
  /** The receiver read notifications (in any tab): their unread count now. */
  'notification:read': (payload: { unread: number }) => void;
  /** A task of a team the receiver belongs to was created, changed or deleted. */
  'task:changed': (payload: TaskChange) => void;
  /** An entry of the structured file of a team the receiver belongs to was added, changed or removed. */
  'file:changed': (payload: FileChange) => void;
  /** A new version of the care plan of a team the receiver belongs to (ids only: refetch). */
  'plan:changed': (payload: { teamId: string; version: number }) => void;
  /** An event was recorded in a team the receiver belongs to. */
  'event:recorded': (payload: { teamId: string; event: TeamEventView }) => void;
  /** A document of a team the receiver belongs to was added or removed. */
  'document:changed': (payload: DocumentChange) => void;
  /** A new message in a team the receiver belongs to (its author's own sockets included). */
  'chat:message': (payload: MessageView) => void;
  /** A member read a team's conversation up to a message ("Lu par"). */
  'chat:read': (payload: ReadReceiptView) => void;
  /**
   * A member's edit of a note (Yjs update, base64: see `encodeRelay`), with its author as the
   * server knows them.
   */
  'note:update': (
    payload: NoteAddress & { update: string; author: { id: string; name: string } },
  ) => void;
  /** Presence and cursors (y-protocols awareness, base64), user names set by the server. */
  'note:awareness': (payload: NoteAddress & { update: string }) => void;
  /**
   * A note's "Dernières modifications" (`activity`: edits were written down) or its
   * "Versions" (`versions`: one was saved) changed: the page reads them again. Ids only.
   */
  'note:history': (payload: NoteAddress & { part: 'activity' | 'versions' }) => void;
  /** The note became read-only (closure, consent withdrawn) or the receiver lost access. */
  'note:closed': (
    payload: NoteAddress & { reason: 'read_only' | 'team_closed' | 'not_found' },
  ) => void;
}

export interface ClientToServerEvents {
  /** Round trip for checking the connection. */
  'health:ping': (ack: (result: Ack<{ at: string }>) => void) => void;
  /** A team as the sender may see it; `not_found` for anyone but a current member. */
  'team:get': (teamId: string, ack: (result: Ack<TeamView>) => void) => void;
  /**
   * Opens a note (and re-opens it after every reconnect), with the client's sync step 1:
   * membership is checked, and the answer holds the server's step 2 (what the client lacks)
   * and step 1 (the client answers it with a `note:update` of what the server lacks, such as
   * offline edits).
   */
  'note:join': (
    payload: NoteAddress & { message: Uint8Array },
    ack: (result: Ack<NoteJoinView>) => void,
  ) => void;
  /** A local edit (base64, or bytes); acknowledged only once it is stored in the database. */
  'note:update': (
    payload: NoteAddress & { update: string | Uint8Array },
    ack: (result: Ack<{ stored: true }>) => void,
  ) => void;
  /**
   * A message to the team; acknowledged with the stored message only once it is in the
   * database. Re-sending the same `clientId` (a retry after a reconnect) answers the stored
   * message and sends nothing twice.
   */
  'chat:send': (
    payload: Omit<ChatSend, 'mentions' | 'attachments'> & {
      mentions?: string[];
      attachments?: string[];
    },
    ack: (result: Ack<MessageView>) => void,
  ) => void;
  /** Marks the team's conversation read up to a message; never moves backwards. */
  'chat:read': (
    payload: { teamId: string; messageId: string },
    ack: (result: Ack<ReadReceiptView>) => void,
  ) => void;
  'note:awareness': (payload: NoteAddress & { update: string | Uint8Array }) => void;
  'note:leave': (address: NoteAddress) => void;
}
