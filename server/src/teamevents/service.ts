import type { Model, Types } from 'mongoose';
import { frenchDay } from '../../../shared/src/tasks.js';
import {
  EVENT_LABELS,
  type RecordEvent,
  type TeamEventView,
  type TimelineItem,
} from '../../../shared/src/team-events.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { CarePlanService } from '../careplan/service.js';
import type { CommandRunner } from '../commands/command.js';
import type { DocumentService } from '../documents/service.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import type { MemberContext } from '../teams/access.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { TeamEventDoc } from './model.js';

export interface TeamEventDeps {
  TeamEvent: Model<TeamEventDoc>;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  documents: DocumentService;
  carePlan: CarePlanService;
  commands: CommandRunner;
  io: AppServer;
}

/**
 * Events, alerts and the timeline (docs/patient-file.md). Recording is a command: the team
 * locked, the member's context read again and asked of the policy (`event.record`), the event,
 * its audit row (the event id only), and in the outbox the live `event:recorded` and, for an
 * alert, a notification of every other current member (the event id only: no health data).
 */
export class TeamEventService {
  constructor(private readonly deps: TeamEventDeps) {}

  /** Names of events in the audit journal (audit/names.ts): the kind and day, never the note. */
  async auditNames(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.TeamEvent.find({ _id: { $in: ids }, teamId })
      .select({ kind: 1, date: 1 })
      .lean<Pick<TeamEventDoc, '_id' | 'kind' | 'date'>[]>();
    return new Map(
      docs.map((d) => [String(d._id), `Événement — ${EVENT_LABELS[d.kind]}, ${frenchDay(d.date)}`]),
    );
  }

  async list(ctx: MemberContext): Promise<TeamEventView[]> {
    const docs = await this.deps.TeamEvent.find({ teamId: ctx.team._id })
      .sort({ date: -1, recordedAt: -1 })
      .lean<TeamEventDoc[]>();
    await this.deps.teams.audit(ctx, 'event.list');
    return this.views(docs);
  }

  async record(ctx: MemberContext, input: RecordEvent): Promise<TeamEventView> {
    const doc = await this.deps.commands.run('event.record', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'event.record');
      const [created] = await this.deps.TeamEvent.create(
        [
          {
            teamId: fresh.team._id,
            kind: input.kind,
            date: input.date,
            note: input.note ?? null,
            alert: input.alert,
            recordedBy: fresh.actorId,
            recordedAt: scope.now,
          },
        ],
        { session: scope.session },
      );
      const event = created!.toObject<TeamEventDoc>();
      const teamId = String(fresh.team._id);
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'event.record',
        detail: `event:${String(event._id)}`,
      });
      scope.emit({ kind: 'event.recorded', teamId, eventId: String(event._id) });
      if (input.alert) {
        // Everyone at once, as the transaction sees the team: who is a member now.
        const others = (
          await this.deps.teams.currentMemberIds(fresh.team._id, scope.session)
        ).filter((id) => id !== fresh.actor.id);
        if (others.length > 0)
          scope.emit({
            kind: 'notify',
            recipients: others,
            notification: {
              kind: 'alert',
              teamId,
              actorId: fresh.actor.id,
              data: { eventId: String(event._id) },
            },
          });
      }
      return event;
    });
    return (await this.views([doc]))[0]!;
  }

  /**
   * Everything that happened to the file, newest first: events, status changes, documents and
   * care plan versions. Each source's own read is audited (documents, plan), and so is this.
   */
  async timeline(ctx: MemberContext): Promise<TimelineItem[]> {
    const [events, statuses, documents, plan] = await Promise.all([
      this.deps.TeamEvent.find({ teamId: ctx.team._id }).lean<TeamEventDoc[]>(),
      this.deps.teams.statusHistory(ctx),
      this.deps.documents.list(ctx),
      this.deps.carePlan.get(ctx),
    ]);
    await this.deps.teams.audit(ctx, 'timeline.read');
    const items: TimelineItem[] = [
      ...(await this.views(events)).map((event) => ({
        // An event's day, placed at noon UTC: before what was written about it that evening.
        at: `${event.date}T12:00:00.000Z`,
        type: 'event' as const,
        event,
      })),
      ...statuses.map((s) => ({
        at: s.at.toISOString(),
        type: 'status' as const,
        status: s.status,
      })),
      ...documents.map((d) => ({
        at: d.addedAt,
        type: 'document' as const,
        documentId: d.id,
        name: d.title,
        by: d.addedBy,
      })),
      ...plan.versions.map((v) => ({
        at: v.createdAt,
        type: 'plan' as const,
        version: v.version,
        by: v.createdBy,
      })),
    ];
    return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  handleEffects(outbox: Outbox): void {
    outbox.on('event.recorded', async ({ teamId, eventId }) => {
      const event = await this.deps.TeamEvent.findById(eventId).lean<TeamEventDoc>();
      if (!event) return;
      const [view] = await this.views([event]);
      this.deps.io.to(rooms.team(teamId)).emit('event:recorded', { teamId, event: view! });
    });
  }

  private async views(docs: TeamEventDoc[]): Promise<TeamEventView[]> {
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.recordedBy),
    );
    return docs.map((d) => ({
      id: String(d._id),
      teamId: String(d.teamId),
      kind: d.kind,
      date: d.date,
      note: d.note ?? null,
      alert: d.alert,
      recordedBy: ref(d.recordedBy),
      recordedAt: d.recordedAt.toISOString(),
    }));
  }
}
