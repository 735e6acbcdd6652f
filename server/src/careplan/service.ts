import { Types, type Model } from 'mongoose';
import type {
  CarePlanVersionView,
  CarePlanView,
  SaveCarePlan,
} from '../../../shared/src/care-plan.js';
import type { TaskView } from '../../../shared/src/tasks.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { CommandRunner } from '../commands/command.js';
import { AppError } from '../http/errors.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import type { TaskService } from '../tasks/service.js';
import type { MemberContext } from '../teams/access.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { CarePlanVersionDoc } from './model.js';

export interface CarePlanDeps {
  CarePlanVersion: Model<CarePlanVersionDoc>;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  tasks: TaskService;
  commands: CommandRunner;
  io: AppServer;
}

/**
 * The care plan (docs/patient-file.md, "The care plan"). Reads are audited; a save is a
 * command: the team locked, the member's context read again and asked of the policy
 * (`plan.write`), the base version checked against the latest (409 `plan_conflict`), every
 * responsible a current member, the new version, its audit row (the version number only) and
 * `plan.changed` to the outbox, all in one transaction.
 */
export class CarePlanService {
  constructor(private readonly deps: CarePlanDeps) {}

  async get(ctx: MemberContext): Promise<CarePlanView> {
    const docs = await this.deps.CarePlanVersion.find({ teamId: ctx.team._id })
      .sort({ version: -1 })
      .lean<CarePlanVersionDoc[]>();
    await this.deps.teams.audit(ctx, 'plan.read');
    const ref = await loadRefs(
      this.deps.Professional,
      docs.flatMap((d) => [d.createdBy, ...d.actions.map((a) => a.responsibleId)]),
    );
    const latest = docs[0];
    return {
      current: latest ? this.view(latest, ref) : null,
      versions: docs.map((d) => ({
        version: d.version,
        createdBy: ref(d.createdBy),
        createdAt: d.createdAt.toISOString(),
      })),
    };
  }

  /**
   * The current version without a member's context, for the patient's own view: the caller
   * (patientaccess/service.ts) has checked the patient's session and writes its audit row.
   */
  async latest(teamId: Types.ObjectId): Promise<CarePlanVersionView | null> {
    const doc = await this.deps.CarePlanVersion.findOne({ teamId })
      .sort({ version: -1 })
      .lean<CarePlanVersionDoc>();
    if (!doc) return null;
    const ref = await loadRefs(this.deps.Professional, [
      doc.createdBy,
      ...doc.actions.map((a) => a.responsibleId),
    ]);
    return this.view(doc, ref);
  }

  /** One version, for its PDF (audited as an export by the route). */
  async version(ctx: MemberContext, version: number): Promise<CarePlanVersionView> {
    const doc = await this.deps.CarePlanVersion.findOne({
      teamId: ctx.team._id,
      version,
    }).lean<CarePlanVersionDoc>();
    if (!doc) throw new AppError('plan_not_found');
    await this.deps.teams.audit(ctx, 'plan.export', `plan:v${version}`);
    const ref = await loadRefs(this.deps.Professional, [
      doc.createdBy,
      ...doc.actions.map((a) => a.responsibleId),
    ]);
    return this.view(doc, ref);
  }

  async save(ctx: MemberContext, input: SaveCarePlan): Promise<CarePlanView> {
    await this.deps.commands.run('plan.save', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'plan.write');
      const latest = await this.deps.CarePlanVersion.findOne({ teamId: fresh.team._id })
        .sort({ version: -1 })
        .session(scope.session)
        .lean<CarePlanVersionDoc>();
      if ((latest?.version ?? 0) !== input.baseVersion) throw new AppError('plan_conflict');
      for (const [i, action] of input.actions.entries()) {
        const id = new Types.ObjectId(action.responsibleId);
        if (!(await this.deps.teams.isCurrentMember(fresh.team._id, id, scope.session)))
          throw new AppError('responsible_not_member', { field: `actions.${i}.responsibleId` });
      }
      const version = input.baseVersion + 1;
      await this.deps.CarePlanVersion.create(
        [
          {
            teamId: fresh.team._id,
            version,
            objectives: input.objectives,
            actions: input.actions.map((a) => ({
              text: a.text,
              responsibleId: new Types.ObjectId(a.responsibleId),
              rhythm: a.rhythm,
            })),
            reviewDate: input.reviewDate,
            createdBy: fresh.actorId,
            createdAt: scope.now,
          },
        ],
        { session: scope.session },
      );
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'plan.save',
        detail: `plan:v${version}`,
      });
      scope.emit({ kind: 'plan.changed', teamId: String(fresh.team._id), version });
    });
    return this.get(ctx);
  }

  /**
   * An action of the version in force becomes a task of its responsible member: the task
   * feature's own command (policy, audit, notification of the assignee).
   */
  async actionToTask(
    ctx: MemberContext,
    index: number,
    input: { version: number; due: string },
  ): Promise<TaskView> {
    const latest = await this.deps.CarePlanVersion.findOne({ teamId: ctx.team._id })
      .sort({ version: -1 })
      .lean<CarePlanVersionDoc>();
    if (!latest || latest.version !== input.version) throw new AppError('plan_conflict');
    const action = latest.actions[index];
    if (!action) throw new AppError('plan_not_found');
    return this.deps.tasks.create(ctx, {
      title: action.text.slice(0, 200),
      details: `Plan de soins, version ${latest.version} — rythme : ${action.rhythm}`,
      assigneeId: String(action.responsibleId),
      due: input.due,
    });
  }

  handleEffects(outbox: Outbox): void {
    outbox.on('plan.changed', ({ teamId, version }) => {
      this.deps.io.to(rooms.team(teamId)).emit('plan:changed', { teamId, version });
    });
  }

  private view(
    d: CarePlanVersionDoc,
    ref: Awaited<ReturnType<typeof loadRefs>>,
  ): CarePlanVersionView {
    return {
      teamId: String(d.teamId),
      version: d.version,
      objectives: [...d.objectives],
      actions: d.actions.map((a) => ({
        text: a.text,
        responsible: ref(a.responsibleId),
        rhythm: a.rhythm,
      })),
      reviewDate: d.reviewDate,
      createdBy: ref(d.createdBy),
      createdAt: d.createdAt.toISOString(),
    };
  }
}
