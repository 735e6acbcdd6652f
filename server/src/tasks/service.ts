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
import type { Contributions } from '../contributions/service.js';
import { AppError, notFound } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { Notifications } from '../notifications/service.js';
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
  contributions: Contributions;
  notifications: Notifications;
  io: AppServer;
  logger: Logger;
  now: () => Date;
}

type TaskPatch = Partial<Pick<TaskDoc, 'title' | 'details' | 'assigneeId' | 'due'>> &
  Partial<Pick<TaskDoc, 'status' | 'doneBy' | 'doneAt'>>;

/**
 * Tasks of a team. Every method takes the acting member's context (teams/context.ts: 404 for
 * non-members), writes are asked of the policy (a writable team), and each change is a compare-and-set on the
 * task's version, then audited (ids only), sent live to the team room and counted as a
 * contribution of its author.
 */
export class TaskService {
  private readonly now: () => Date;
  constructor(private readonly deps: TaskDeps) {
    this.now = deps.now;
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
    return sortTasks(await this.views([...open, ...done]), calendarDay(this.now()));
  }

  /** Counts for the team page (no titles): open, overdue, and open ones of the reader. */
  async summary(ctx: MemberContext): Promise<TaskSummaryView> {
    const { Task } = this.deps;
    const base = { teamId: ctx.team._id, status: 'open' as const };
    const [open, overdue, mine] = await Promise.all([
      Task.countDocuments(base),
      Task.countDocuments({ ...base, due: { $lt: calendarDay(this.now()) } }),
      Task.countDocuments({ ...base, assigneeId: ctx.actorId }),
    ]);
    await this.deps.teams.audit(ctx, 'task.list');
    return { open, overdue, mine };
  }

  async create(ctx: MemberContext, input: CreateTask): Promise<TaskView> {
    authorize(ctx, 'task.write');
    const assigneeId = await this.requireAssignee(ctx, input.assigneeId);
    const now = this.now();
    const doc = (
      await this.deps.Task.create({
        teamId: ctx.team._id,
        title: input.title,
        details: input.details ?? null,
        assigneeId,
        due: input.due,
        status: 'open',
        doneBy: null,
        doneAt: null,
        createdBy: ctx.actorId,
        createdAt: now,
        updatedAt: now,
        version: 0,
      })
    ).toObject<TaskDoc>();
    const view = await this.changed(ctx, doc, 'task.create', now);
    await this.notifyAssignee(ctx, doc);
    return view;
  }

  async update(ctx: MemberContext, taskId: string, input: UpdateTask): Promise<TaskView> {
    authorize(ctx, 'task.write');
    const before = await this.find(ctx, taskId);
    const set: TaskPatch = {};
    if (input.title !== undefined) set.title = input.title;
    if (input.details !== undefined) set.details = input.details;
    if (input.due !== undefined) set.due = input.due;
    // Only a new assignee must be a current member: a task whose assignee left the team can
    // still be edited (and then given to someone else).
    if (input.assigneeId !== undefined && input.assigneeId !== String(before.assigneeId))
      set.assigneeId = await this.requireAssignee(ctx, input.assigneeId);
    const now = this.now();
    const doc = await this.compareAndSet(ctx, before, input.version, set, now);
    const view = await this.changed(ctx, doc, 'task.update', now);
    if (set.assigneeId && !set.assigneeId.equals(before.assigneeId))
      await this.notifyAssignee(ctx, doc);
    return view;
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
    authorize(ctx, 'task.write');
    const teamId = String(ctx.team._id);
    const task = await this.find(ctx, taskId);
    if (!task.createdBy.equals(ctx.actorId) && !allowed(ctx, 'task.delete.any'))
      throw new AppError('not_task_creator');
    const res = await this.deps.Task.deleteOne({ _id: task._id, version });
    if (res.deletedCount !== 1) throw await this.staleOrGone(task._id);
    await this.deps.teams.audit(ctx, 'task.delete', `task:${String(task._id)}`);
    this.deps.io
      .to(rooms.team(teamId))
      .emit('task:changed', { teamId, deletedId: String(task._id) });
  }

  private async setStatus(
    ctx: MemberContext,
    taskId: string,
    version: number,
    status: 'open' | 'done',
  ): Promise<TaskView> {
    authorize(ctx, 'task.write');
    const before = await this.find(ctx, taskId);
    if (before.version !== version) throw new AppError('task_conflict');
    if (before.status === status) return (await this.views([before]))[0]!;
    const now = this.now();
    const set: TaskPatch =
      status === 'done'
        ? { status, doneBy: ctx.actorId, doneAt: now }
        : { status, doneBy: null, doneAt: null };
    const doc = await this.compareAndSet(ctx, before, version, set, now);
    return this.changed(ctx, doc, status === 'done' ? 'task.complete' : 'task.reopen', now);
  }

  private async find(ctx: MemberContext, taskId: string): Promise<TaskDoc> {
    const id = parseObjectId(taskId);
    const task = id
      ? await this.deps.Task.findOne({ _id: id, teamId: ctx.team._id }).lean<TaskDoc>()
      : null;
    if (!task) throw notFound();
    return task;
  }

  private async requireAssignee(ctx: MemberContext, id: string): Promise<Types.ObjectId> {
    const assigneeId = new Types.ObjectId(id);
    if (!(await this.deps.teams.isCurrentMember(ctx.team._id, assigneeId)))
      throw new AppError('assignee_not_member', { field: 'assigneeId' });
    return assigneeId;
  }

  /** The write happens only if nobody changed the task since `version` was read. */
  private async compareAndSet(
    ctx: MemberContext,
    task: TaskDoc,
    version: number,
    set: TaskPatch,
    now: Date,
  ): Promise<TaskDoc> {
    const doc = await this.deps.Task.findOneAndUpdate(
      { _id: task._id, teamId: ctx.team._id, version },
      { $set: { ...set, updatedAt: now }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    ).lean<TaskDoc>();
    if (!doc) throw await this.staleOrGone(task._id);
    return doc;
  }

  private async staleOrGone(id: Types.ObjectId): Promise<AppError> {
    return (await this.deps.Task.exists({ _id: id })) ? new AppError('task_conflict') : notFound();
  }

  /** After a stored change: audit, live event, contribution of its author. */
  private async changed(
    ctx: MemberContext,
    doc: TaskDoc,
    action: AuditAction,
    at: Date,
  ): Promise<TaskView> {
    await this.deps.teams.audit(ctx, action, `task:${String(doc._id)}`);
    const view = (await this.views([doc]))[0]!;
    this.deps.io
      .to(rooms.team(String(ctx.team._id)))
      .emit('task:changed', { teamId: String(ctx.team._id), task: view });
    // The task is stored: a failure to count it must not turn the answer into an error
    // (the client would retry and create it twice); it is logged, without content.
    await this.deps.contributions
      .record(ctx.team._id, ctx.actorId, 'task', at)
      .catch((err: unknown) =>
        this.deps.logger.error({ err: safeError(err) }, 'task contribution not recorded'),
      );
    return view;
  }

  /** Someone given a task by another member is told (the task id and due day only). */
  private async notifyAssignee(ctx: MemberContext, doc: TaskDoc): Promise<void> {
    if (doc.assigneeId.equals(ctx.actorId)) return;
    await this.deps.notifications.send([doc.assigneeId], {
      kind: 'task_assigned',
      teamId: ctx.team._id,
      actorId: ctx.actorId,
      data: { taskId: String(doc._id), due: doc.due },
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
