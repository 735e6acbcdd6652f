import { NOTE_DOCS, noteRoom } from '../../../shared/src/notes.js';
import type { TeamStatus } from '../../../shared/src/rules/activation.js';
import type { Outbox } from '../outbox/service.js';
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

  /** A member left or was removed: their sockets leave the team's rooms (and notes) at once. */
  left(teamId: string, professionalId: string): void {
    const user = rooms.user(professionalId);
    for (const doc of NOTE_DOCS) {
      this.io.to(user).emit('note:closed', { teamId, doc, reason: 'not_found' });
    }
    this.io.in(user).socketsLeave([rooms.team(teamId), ...noteRooms(teamId)]);
    this.io.to(user).emit('team:left', { teamId });
  }

  /**
   * Closure or consent withdrawal: tell the room, then every socket leaves the team's rooms,
   * which ends every right to write to its notes at once.
   */
  frozen(teamId: string, status: TeamStatus): void {
    this.changed(teamId, status);
    const reason = status === 'closed' ? 'team_closed' : 'read_only';
    for (const doc of NOTE_DOCS) {
      this.io.to(noteRoom({ teamId, doc })).emit('note:closed', { teamId, doc, reason });
    }
    const all = [rooms.team(teamId), ...noteRooms(teamId)];
    this.io.in(all).socketsLeave(all);
  }

  /** New consent: the members' sockets come back to the room. */
  thawed(teamId: string, memberIds: string[]): void {
    for (const id of memberIds) this.joined(teamId, id);
  }

  /** The team commands' live side effects, delivered from the outbox after each commit. */
  handleEffects(outbox: Outbox): void {
    outbox.on('team.changed', (m) => this.changed(m.teamId, m.status));
    outbox.on('team.changed_for', (m) => this.changedFor(m.professionalIds, m.teamId, m.status));
    outbox.on('team.joined', (m) => this.joined(m.teamId, m.professionalId));
    outbox.on('team.left', (m) => this.left(m.teamId, m.professionalId));
    outbox.on('team.frozen', (m) => this.frozen(m.teamId, m.status));
    outbox.on('team.thawed', (m) => this.thawed(m.teamId, m.professionalIds));
  }
}

const noteRooms = (teamId: string) => NOTE_DOCS.map((doc) => noteRoom({ teamId, doc }));
