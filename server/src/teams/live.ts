import type { TeamStatus } from '../../../shared/src/rules/activation.js';
import type { InboxInvitationView } from '../../../shared/src/views.js';
import { rooms, type AppServer } from '../realtime/io.js';

/**
 * Live notifications of team changes. Events carry ids and status only, never patient data:
 * members refetch over HTTP, where membership is checked and the read is audited.
 * Room operations go through the adapter, so they reach sockets held by other instances.
 */
export class TeamLive {
  constructor(private readonly io: AppServer) {}

  changed(teamId: string, status: TeamStatus): void {
    this.io.to(rooms.team(teamId)).emit('team:changed', { teamId, status });
  }

  /** For members whose sockets are not in the team room (read-only team). */
  changedFor(professionalIds: string[], teamId: string, status: TeamStatus): void {
    if (professionalIds.length === 0) return;
    this.io.to(professionalIds.map(rooms.user)).emit('team:changed', { teamId, status });
  }

  joined(teamId: string, professionalId: string): void {
    this.io.in(rooms.user(professionalId)).socketsJoin(rooms.team(teamId));
  }

  /** A member left or was removed: their sockets leave the room at once. */
  left(teamId: string, professionalId: string): void {
    this.io.in(rooms.user(professionalId)).socketsLeave(rooms.team(teamId));
    this.io.to(rooms.user(professionalId)).emit('team:left', { teamId });
  }

  /** Closure or consent withdrawal: tell the room, then every socket leaves it. */
  frozen(teamId: string, status: TeamStatus): void {
    this.changed(teamId, status);
    this.io.in(rooms.team(teamId)).socketsLeave(rooms.team(teamId));
  }

  /** New consent: the members' sockets come back to the room. */
  thawed(teamId: string, memberIds: string[]): void {
    for (const id of memberIds) this.joined(teamId, id);
  }

  invitationReceived(professionalId: string, invitation: InboxInvitationView): void {
    this.io.to(rooms.user(professionalId)).emit('invitation:received', invitation);
  }

  invitationClosed(professionalId: string, id: string): void {
    this.io.to(rooms.user(professionalId)).emit('invitation:closed', { id });
  }
}
