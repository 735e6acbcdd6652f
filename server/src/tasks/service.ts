import { Types, type Model } from 'mongoose';
import {
  TASK_LIMITS,
  calendarDay,
  sortTasks,
  type CreateTask,
  type TaskSummaryView,
  type TaskView,
  type UpdateTask,
} from '../../../shared/src/tasks.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { AuditAction } from '../audit/service.js';
import type { CommandRunner, CommandScope } from '../commands/command.js';
import type { Contributions } from '../contributions/service.js';
import { AppError, notFound } from '../http/errors.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import { parseObjectId, type MemberContext } from '../teams/access.js';
import { allowed, authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { TaskDoc } from './model.js';

export interface TaskDeps {
  Task: Model<TaskDoc>;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  commands: CommandRunner;
  contributions: Contributions;
  io: AppServer;
  now: () => Date;
}

type TaskPatch = Partial<Pick<TaskDoc, 'title' | 'details' | 'assigneeId' | 'due'>> &
  Partial<Pick<TaskDoc, 'status' | 'doneBy' | 'doneAt'>>;

/**
 * Tasks of a team. Reads take the acting member's context (teams/context.ts: 404 for
 * non-members). Each change is a command (docs/architecture.md): in one transaction, the
 * member's context read again after the team lock and asked of the policy, a compare-and-set
 * on the task's version (a stale one is 409 `task_conflict`, never a lost update), its audit
 * row (ids only) and its author's contribution; the live event and the assignee's
 * notification leave through the outbox after the commit.
 */
export class TaskService {
  constructor(private readonly deps: TaskDeps) {}

  /** Open and overdue tasks of each team ("Mes ESCAP"): two grouped counts, no titles. */
  async countsByTeam(
    teamIds: Types.ObjectId[],
  ): Promise<Map<string, { open: number; overdue: number }>> {
    const today = calendarDay(this.deps.now());
    const open = await this.deps.Task.find({ teamId: { $in: teamIds }, status: 'open' })
      .select({ teamId: 1, due: 1 })
      .lean();
    const counts = new Map<string, { open: number; overdue: number }>();
    for (const task of open) {
      const c = counts.get(String(task.teamId)) ?? { open: 0, overdue: 0 };
      c.open++;
      if (task.due < today) c.overdue++;
      counts.set(String(task.teamId), c);
    }
    return counts;
  }

  /** Names of tasks in the audit journal (audit/names.ts), read by the team's members. */
  async auditNames(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.Task.find({ _id: { $in: ids }, teamId }).lean();
    return new Map(docs.map((d) => [String(d._id), `Tâche « ${d.title} »`]));
  }

  /** Titles of tasks of one team, for the context of a current member's notifications. */
  async titles(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.Task.find({ _id: { $in: ids }, teamId })
      .select({ title: 1 })
      .lean();
    return new Map(docs.map((d) => [String(d._id), d.title]));
  }

  /** Every open task and the most recently done ones, in display order (overdue first). */
  async list(ctx: MemberContext): Promise<TaskView[]> {
    const { Task } = this.deps;
    const [open, done] = await Promise.all([
      Task.find({ teamId: ctx.team._id, status: 'open' }).lean<TaskDoc[]>(),
      Task.find({ teamId: ctx.team._id, status: 'done' })
        .sort({ doneAt: -1 })
        .limit(TASK_LIMITS.doneListed)
        .lean<TaskDoc[]>(),
    ]);
    await this.deps.teams.audit(ctx, 'task.list');
    return sortTasks(await this.views([...open, ...done]), calendarDay(this.deps.now()));
  }

  /** Counts for the team page (no titles): open, overdue, and open ones of the reader. */
  async summary(ctx: MemberContext): Promise<TaskSummaryView> {
    const { Task } = this.deps;
    const base = { teamId: ctx.team._id, status: 'open' as const };
    const [open, overdue, mine] = await Promise.all([
      Task.countDocuments(base),
      Task.countDocuments({ ...base, due: { $lt: calendarDay(this.deps.now()) } }),
      Task.countDocuments({ ...base, assigneeId: ctx.actorId }),
    ]);
    await this.deps.teams.audit(ctx, 'task.list');
    return { open, overdue, mine };
  }

  async create(ctx: MemberContext, input: CreateTask): Promise<TaskView> {
    const doc = await this.command(ctx, 'task.create', async (scope, fresh) => {
      const assigneeId = await this.requireAssignee(scope, fresh, input.assigneeId);
      const [created] = await this.deps.Task.create(
        [
          {
            teamId: fresh.team._id,
            title: input.title,
            details: input.details ?? null,
            assigneeId,
            due: input.due,
            status: 'open',
            doneBy: null,
            doneAt: null,
            createdBy: fresh.actorId,
            createdAt: scope.now,
            updatedAt: scope.now,
            version: 0,
          },
        ],
        { session: scope.session },
      );
      const task = created!.toObject<TaskDoc>();
      this.notifyAssignee(scope, fresh, task);
      return task;
    });
    return (await this.views([doc]))[0]!;
  }

  async update(ctx: MemberContext, taskId: string, input: UpdateTask): Promise<TaskView> {
    const doc = await this.command(ctx, 'task.update', async (scope, fresh) => {
      const before = await this.find(scope, fresh, taskId);
      const set: TaskPatch = {};
      if (input.title !== undefined) set.title = input.title;
      if (input.details !== undefined) set.details = input.details;
      if (input.due !== undefined) set.due = input.due;
      // Only a new assignee must be a current member: a task whose assignee left the team can
      // still be edited (and then given to someone else).
      if (input.assigneeId !== undefined && input.assigneeId !== String(before.assigneeId))
        set.assigneeId = await this.requireAssignee(scope, fresh, input.assigneeId);
      const task = await this.compareAndSet(scope, before, input.version, set);
      if (set.assigneeId && !set.assigneeId.equals(before.assigneeId))
        this.notifyAssignee(scope, fresh, task);
      return task;
    });
    return (await this.views([doc]))[0]!;
  }

  /** Marks a task done (by the actor, now); done already: answered as it is, nothing counted. */
  complete(ctx: MemberContext, taskId: string, version: number) {
    return this.setStatus(ctx, taskId, version, 'done');
  }

  reopen(ctx: MemberContext, taskId: string, version: number) {
    return this.setStatus(ctx, taskId, version, 'open');
  }

  /** Deletion: by the task's creator or a manager of the team. Not a contribution. */
  async remove(ctx: MemberContext, taskId: string, version: number): Promise<void> {
    await this.deps.commands.run('task.delete', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'task.write');
      const task = await this.find(scope, fresh, taskId);
      if (!task.createdBy.equals(fresh.actorId) && !allowed(fresh, 'task.delete.any'))
        throw new AppError('not_task_creator');
      const res = await this.deps.Task.deleteOne(
        { _id: task._id, version },
        { session: scope.session },
      );
      if (res.deletedCount !== 1) throw new AppError('task_conflict');
      scope.audit(auditOf(fresh, 'task.delete', task._id));
      scope.emit({
        kind: 'task.deleted',
        teamId: String(fresh.team._id),
        taskId: String(task._id),
      });
    });
  }

  /** The live side of task changes, delivered from the outbox after each commit. */
  handleEffects(outbox: Outbox): void {
    outbox.on('task.changed', async ({ teamId, taskId }) => {
      const task = await this.deps.Task.findById(taskId).lean<TaskDoc>();
      // Deleted since: its own event follows.
      if (!task) return;
      const [view] = await this.views([task]);
      this.deps.io.to(rooms.team(teamId)).emit('task:changed', { teamId, task: view! });
    });
    outbox.on('task.deleted', ({ teamId, taskId }) => {
      this.deps.io.to(rooms.team(teamId)).emit('task:changed', { teamId, deletedId: taskId });
    });
  }

  private async setStatus(
    ctx: MemberContext,
    taskId: string,
    version: number,
    status: 'open' | 'done',
  ): Promise<TaskView> {
    let unchanged: TaskDoc | undefined;
    const doc = await this.command(
      ctx,
      status === 'done' ? 'task.complete' : 'task.reopen',
      async (scope, fresh) => {
        unchanged = undefined; // a retried attempt starts over
        const before = await this.find(scope, fresh, taskId);
        if (before.version !== version) throw new AppError('task_conflict');
        if (before.status === status) {
          unchanged = before;
          return before;
        }
        const set: TaskPatch =
          status === 'done'
            ? { status, doneBy: fresh.actorId, doneAt: scope.now }
            : { status, doneBy: null, doneAt: null };
        return this.compareAndSet(scope, before, version, set);
      },
      () => unchanged === undefined,
    );
    return (await this.views([doc]))[0]!;
  }

  /**
   * One task change as a command: lock, policy, the change, then (when it changed something)
   * its audit row, its author's contribution and the live event, all in its transaction.
   */
  private command(
    ctx: MemberContext,
    action: AuditAction,
    change: (scope: CommandScope, fresh: MemberContext) => Promise<TaskDoc>,
    changed: () => boolean = () => true,
  ): Promise<TaskDoc> {
    return this.deps.commands.run(action, async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'task.write');
      const task = await change(scope, fresh);
      if (!changed()) return task;
      scope.audit(auditOf(fresh, action, task._id));
      await this.deps.contributions.recordInScope(scope.session, {
        teamId: fresh.team._id,
        professionalId: fresh.actorId,
        kind: 'task',
        at: scope.now,
      });
      scope.emit({
        kind: 'task.changed',
        teamId: String(fresh.team._id),
        taskId: String(task._id),
      });
      return task;
    });
  }

  private async find(scope: CommandScope, ctx: MemberContext, taskId: string): Promise<TaskDoc> {
    const id = parseObjectId(taskId);
    const task = id
      ? await this.deps.Task.findOne({ _id: id, teamId: ctx.team._id })
          .session(scope.session)
          .lean<TaskDoc>()
      : null;
    if (!task) throw notFound();
    return task;
  }

  private async requireAssignee(
    scope: CommandScope,
    ctx: MemberContext,
    id: string,
  ): Promise<Types.ObjectId> {
    const assigneeId = new Types.ObjectId(id);
    if (!(await this.deps.teams.isCurrentMember(ctx.team._id, assigneeId, scope.session)))
      throw new AppError('assignee_not_member', { field: 'assigneeId' });
    return assigneeId;
  }

  /** The write happens only if nobody changed the task since `version` was read. */
  private async compareAndSet(
    scope: CommandScope,
    task: TaskDoc,
    version: number,
    set: TaskPatch,
  ): Promise<TaskDoc> {
    const doc = await this.deps.Task.findOneAndUpdate(
      { _id: task._id, version },
      { $set: { ...set, updatedAt: scope.now }, $inc: { version: 1 } },
      { returnDocument: 'after', session: scope.session },
    ).lean<TaskDoc>();
    if (!doc) throw new AppError('task_conflict');
    return doc;
  }

  /** Someone given a task by another member is told (the task id and due day only). */
  private notifyAssignee(scope: CommandScope, ctx: MemberContext, doc: TaskDoc): void {
    if (doc.assigneeId.equals(ctx.actorId)) return;
    scope.emit({
      kind: 'notify',
      recipients: [String(doc.assigneeId)],
      notification: {
        kind: 'task_assigned',
        teamId: String(ctx.team._id),
        actorId: ctx.actor.id,
        data: { taskId: String(doc._id), due: doc.due },
      },
    });
  }

  private async views(docs: TaskDoc[]): Promise<TaskView[]> {
    const ref = await loadRefs(
      this.deps.Professional,
      docs.flatMap((d) => [d.assigneeId, d.createdBy, d.doneBy]),
    );
    return docs.map((d) => ({
      id: String(d._id),
      teamId: String(d.teamId),
      title: d.title,
      details: d.details ?? null,
      assignee: ref(d.assigneeId),
      due: d.due,
      status: d.status,
      doneBy: d.doneBy ? ref(d.doneBy) : null,
      doneAt: d.doneAt ? d.doneAt.toISOString() : null,
      createdBy: ref(d.createdBy),
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
      version: d.version,
    }));
  }
}

const auditOf = (ctx: MemberContext, action: AuditAction, taskId: Types.ObjectId) => ({
  teamId: ctx.team._id,
  actorId: ctx.actorId,
  action,
  detail: `task:${String(taskId)}`,
});
