import type { Ack } from './errors.js';
import type { Professional } from './schemas/auth.js';
import type { TeamStatus } from './rules/activation.js';
import type { InboxInvitationView, TeamView } from './views.js';

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
  /** Something changed in a team the receiver belongs to (members, invitations, status, patient file). */
  'team:changed': (payload: { teamId: string; status: TeamStatus }) => void;
  /** The receiver is no longer a member of this team (left, removed) or it became read-only history. */
  'team:left': (payload: { teamId: string }) => void;
  /** A new invitation for the receiver. */
  'invitation:received': (payload: InboxInvitationView) => void;
  /** One of the receiver's pending invitations is no longer pending (cancelled, answered elsewhere). */
  'invitation:closed': (payload: { id: string }) => void;
}

export interface ClientToServerEvents {
  /** Round trip for checking the connection. */
  'health:ping': (ack: (result: Ack<{ at: string }>) => void) => void;
  /** A team as the sender may see it; `not_found` for anyone but a current member. */
  'team:get': (teamId: string, ack: (result: Ack<TeamView>) => void) => void;
}
