import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { calendarDay, type TaskSummaryView, type TaskView } from '../../shared/src/tasks.js';
import { yearOf } from '../../shared/src/time.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ErrorBody } from '../helpers/http.js';
import {
  activeTeam,
  expectError,
  expectSilence,
  expectStatus,
  signUpPro,
  type Pro,
  liveClients,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

const DAY = 86_400_000;
const dayFromNow = (days: number) => calendarDay(new Date(Date.now() + days * DAY));
const tasksOf = (teamId: string) => `/api/teams/${teamId}/tasks`;

async function createTask(
  pro: Pro,
  teamId: string,
  body: Record<string, unknown>,
): Promise<TaskView> {
  return expectStatus(await pro.agent.post<{ task: TaskView }>(tasksOf(teamId), body), 201).task;
}

async function listTasks(pro: Pro, teamId: string): Promise<TaskView[]> {
  return expectStatus(await pro.agent.get<{ tasks: TaskView[] }>(tasksOf(teamId)), 200).tasks;
}

const patch = (pro: Pro, teamId: string, taskId: string, body: unknown) =>
  pro.agent.request<{ task: TaskView }>('PATCH', `${tasksOf(teamId)}/${taskId}`, body);

const complete = (pro: Pro, teamId: string, task: { id: string; version: number }) =>
  pro.agent.post<{ task: TaskView }>(`${tasksOf(teamId)}/${task.id}/complete`, {
    version: task.version,
  });

describe('tasks: create, list, change', () => {
  it('a member assigns a task to another; the list shows it with names, and it can be done and reopened', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const due = dayFromNow(3);
    const task = await createTask(creator, team.id, {
      title: '  Pansement jambe gauche  ',
      details: 'Tous les deux jours',
      assigneeId: nurse.id,
      due,
    });
    expect(task).toMatchObject({
      teamId: team.id,
      title: 'Pansement jambe gauche',
      details: 'Tous les deux jours',
      assignee: { id: nurse.id, lastName: nurse.input.lastName },
      createdBy: { id: creator.id },
      due,
      status: 'open',
      doneBy: null,
      version: 0,
    });
    expect(await listTasks(nurse, team.id)).toEqual([task]);

    const done = expectStatus(await complete(nurse, team.id, task), 200).task;
    expect(done).toMatchObject({ status: 'done', doneBy: { id: nurse.id }, version: 1 });
    expect(done.doneAt).not.toBeNull();
    // Completing again with the new version: already done, answered as it is.
    expect(expectStatus(await complete(nurse, team.id, done), 200).task).toEqual(done);

    const reopened = expectStatus(
      await creator.agent.post<{ task: TaskView }>(`${tasksOf(team.id)}/${task.id}/reopen`, {
        version: 1,
      }),
      200,
    ).task;
    expect(reopened).toMatchObject({ status: 'open', doneBy: null, doneAt: null, version: 2 });

    const edited = expectStatus(
      await patch(nurse, team.id, task.id, {
        version: 2,
        title: 'Pansement',
        details: '',
        due: dayFromNow(5),
        assigneeId: nurse.id,
      }),
      200,
    ).task;
    expect(edited).toMatchObject({ title: 'Pansement', details: null, version: 3 });
  });

  it('refuses bad input with a field and a French message, and writes nothing', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '', assigneeId: nurse.id, due: dayFromNow(1) }, 'title'],
      [{ title: 'x'.repeat(201), assigneeId: nurse.id, due: dayFromNow(1) }, 'title'],
      [{ title: 'Visite', assigneeId: 'nope', due: dayFromNow(1) }, 'assigneeId'],
      [{ title: 'Visite', assigneeId: nurse.id, due: '2026-02-30' }, 'due'],
      [{ title: 'Visite', assigneeId: nurse.id, due: '12/03/2026' }, 'due'],
      [{ title: 'Visite', assigneeId: nurse.id }, 'due'],
      [{ title: 'Visite', assigneeId: nurse.id, due: dayFromNow(1), extra: 1 }, ''],
      [
        { title: 'Visite', assigneeId: nurse.id, due: dayFromNow(1), details: 'x'.repeat(2001) },
        'details',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await creator.agent.post<ErrorBody>(tasksOf(team.id), body);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.field ?? '').toBe(field);
      expect(res.body.error.message).toMatch(/[a-zé]/);
    }
    // Empty or null details mean none.
    const plain = await createTask(creator, team.id, {
      title: 'Visite',
      details: null,
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    expect(plain.details).toBeNull();
    expectStatus(
      await creator.agent.request('DELETE', `${tasksOf(team.id)}/${plain.id}?version=0`),
      204,
    );
    expectError(
      await creator.agent.request('DELETE', `${tasksOf(team.id)}/${plain.id}?version=x`),
      400,
      'validation_failed',
    );
    const empty = await patch(creator, team.id, '0'.repeat(24), { version: 0 });
    expectError(empty, 400, 'validation_failed');
    expect(await listTasks(creator, team.id)).toEqual([]);
  });

  it('the assignee must be a current member: not an outsider, not a removed member', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const res = await creator.agent.post<ErrorBody>(tasksOf(team.id), {
      title: 'Visite',
      assigneeId: outsider.id,
      due: dayFromNow(1),
    });
    expectError(res, 400, 'assignee_not_member');
    expect(res.body.error).toMatchObject({
      field: 'assigneeId',
      message: 'La tâche doit être confiée à un membre actuel de l’équipe.',
    });
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    expectError(
      await patch(creator, team.id, task.id, { version: 0, assigneeId: pharmacist.id }),
      400,
      'assignee_not_member',
    );
    // A task of someone who left can still be edited, keeping them until it is given away.
    const theirs = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    const kept = expectStatus(
      await patch(creator, team.id, theirs.id, {
        version: 0,
        title: 'Visite 2',
        assigneeId: nurse.id,
      }),
      200,
    ).task;
    expect(kept).toMatchObject({ title: 'Visite 2', assignee: { id: nurse.id } });
  });

  it('a stale version is refused with task_conflict: no lost update', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const task = await createTask(creator, team.id, {
      title: 'Bilan sanguin',
      assigneeId: nurse.id,
      due: dayFromNow(2),
    });
    // Two members edit the same version at once: exactly one wins.
    const [a, b] = await Promise.all([
      patch(creator, team.id, task.id, { version: 0, title: 'Bilan A' }),
      patch(nurse, team.id, task.id, { version: 0, title: 'Bilan B' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expectError(loser, 409, 'task_conflict');
    expect((loser.body as unknown as ErrorBody).error.message).toContain('modifiée entre-temps');
    const winner = (a.status === 200 ? a : b).body.task;
    const [stored] = await listTasks(creator, team.id);
    expect(stored).toMatchObject({ title: winner.title, version: 1 });
    expectError(await complete(nurse, team.id, task), 409, 'task_conflict');
    expectError(
      await creator.agent.request('DELETE', `${tasksOf(team.id)}/${task.id}?version=0`),
      409,
      'task_conflict',
    );
  });

  it('deletion: by its creator (or a manager), not by another member', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const task = await createTask(nurse, team.id, {
      title: 'Ordonnance',
      assigneeId: pharmacist.id,
      due: dayFromNow(2),
    });
    expectError(
      await pharmacist.agent.request('DELETE', `${tasksOf(team.id)}/${task.id}?version=0`),
      403,
      'not_task_creator',
    );
    expectStatus(
      await nurse.agent.request('DELETE', `${tasksOf(team.id)}/${task.id}?version=0`),
      204,
    );
    expect(await listTasks(creator, team.id)).toEqual([]);
    expectError(await complete(nurse, team.id, task), 404, 'not_found');
  });
});

describe('tasks: access', () => {
  it('non-members get the same 404 as for a missing team, for reads and writes', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    const outsider = await signUpPro(t);
    const attempts = [
      outsider.agent.get(tasksOf(team.id)),
      outsider.agent.get(`${tasksOf(team.id)}/summary`),
      outsider.agent.post(tasksOf(team.id), { bad: true }),
      patch(outsider, team.id, task.id, { version: 0, title: 'x' }),
      complete(outsider, team.id, task),
      outsider.agent.request('DELETE', `${tasksOf(team.id)}/${task.id}?version=0`),
      outsider.agent.get(tasksOf('0'.repeat(24))),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 404, 'not_found');
    // A task id of another team is not found either.
    const other = await activeTeam(t);
    expectError(await complete(other.creator, other.team.id, task), 404, 'not_found');
  });

  it('a closed team is read-only: tasks are listed but not changed', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    expect(await listTasks(nurse, team.id)).toHaveLength(1);
    expectError(
      await nurse.agent.post(tasksOf(team.id), {
        title: 'Autre',
        assigneeId: nurse.id,
        due: dayFromNow(1),
      }),
      409,
      'team_closed',
    );
    expectError(await complete(nurse, team.id, task), 409, 'team_closed');
  });

  it('consent withdrawn: read_only', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(await complete(nurse, team.id, task), 409, 'read_only');
  });

  it('every read and write is audited with ids only (never the title)', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const title = 'Injection insuline matin';
    const task = await createTask(creator, team.id, {
      title,
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    await listTasks(nurse, team.id);
    expectStatus(await complete(nurse, team.id, task), 200);
    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    const actions = entries.map((e) => e.action);
    expect(actions).toContain('Création d’une tâche');
    expect(actions).toContain('Consultation des tâches');
    expect(actions).toContain('Tâche terminée');
    const created = entries.find((e) => e.action === 'Création d’une tâche');
    // Members read the task's title; the log itself stores its id only.
    expect(created?.detail).toBe(`Tâche « ${title} »`);
    const stored = await t.db
      .collection('auditentries')
      .find({ teamId: new Types.ObjectId(team.id) })
      .toArray();
    expect(stored.map((r) => r.detail as unknown)).toContain(`task:${task.id}`);
    expect(JSON.stringify(stored)).not.toContain('insuline');
  });
});

describe('tasks: live', () => {
  it('task:changed reaches members only; a removed member stops receiving at once', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const [creatorLive, nurseLive, pharmacistLive, outsiderLive] = await Promise.all([
      live(creator),
      live(nurse),
      live(pharmacist),
      live(outsider),
    ]);
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    for (const c of [creatorLive, nurseLive, pharmacistLive]) {
      const got = await c.waitFor('task:changed', (p) => 'task' in p && p.task.id === task.id);
      expect(got).toEqual({ teamId: team.id, task });
    }
    expect(outsiderLive.received.filter((r) => r.event === 'task:changed')).toEqual([]);

    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    await pharmacistLive.waitFor('team:left', (p) => p.teamId === team.id);
    await expectSilence([pharmacistLive, outsiderLive], {
      during: async () => {
        expectStatus(await complete(nurse, team.id, task), 200);
        await creatorLive.waitFor('task:changed', (p) => 'task' in p && p.task.status === 'done');
      },
    });

    creatorLive.clear();
    expectStatus(
      await creator.agent.request('DELETE', `${tasksOf(team.id)}/${task.id}?version=1`),
      204,
    );
    expect(await nurseLive.waitFor('task:changed', (p) => 'deletedId' in p)).toEqual({
      teamId: team.id,
      deletedId: task.id,
    });
  });
});

describe('tasks: overdue, summary, contributions, notifications', () => {
  it('overdue open tasks come first; the summary counts open, overdue and mine', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const later = await createTask(creator, team.id, {
      title: 'Plus tard',
      assigneeId: nurse.id,
      due: dayFromNow(10),
    });
    const late = await createTask(creator, team.id, {
      title: 'En retard',
      assigneeId: creator.id,
      due: dayFromNow(-2),
    });
    const today = await createTask(creator, team.id, {
      title: "Aujourd'hui",
      assigneeId: nurse.id,
      due: dayFromNow(0),
    });
    const doneLate = await createTask(creator, team.id, {
      title: 'Faite',
      assigneeId: nurse.id,
      due: dayFromNow(-5),
    });
    expectStatus(await complete(nurse, team.id, doneLate), 200);
    const ids = (await listTasks(nurse, team.id)).map((x) => x.id);
    expect(ids).toEqual([late.id, today.id, later.id, doneLate.id]);
    const { summary } = expectStatus(
      await nurse.agent.get<{ summary: TaskSummaryView }>(`${tasksOf(team.id)}/summary`),
      200,
    );
    // Due today is not overdue yet; a done task is never overdue.
    expect(summary).toEqual({ open: 3, overdue: 1, mine: 2 });
  });

  it('each change counts as a task contribution of its author', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const task = await createTask(creator, team.id, {
      title: 'Visite',
      assigneeId: nurse.id,
      due: dayFromNow(1),
    });
    const done = expectStatus(await complete(nurse, team.id, task), 200).task;
    expectStatus(
      await nurse.agent.post(`${tasksOf(team.id)}/${task.id}/reopen`, { version: done.version }),
      200,
    );
    expectStatus(await patch(creator, team.id, task.id, { version: 2, title: 'Visite 2' }), 200);
    // A refused change counts nothing.
    expectError(
      await patch(nurse, team.id, task.id, { version: 0, title: 'x' }),
      409,
      'task_conflict',
    );
    const year = yearOf(new Date());
    const { contributions } = t.app.services;
    const rowOf = async (pro: Pro) =>
      (await contributions.forProfessional(pro.id, year)).find((r) => String(r.teamId) === team.id);
    expect(await rowOf(creator)).toMatchObject({ task: 2 });
    expect(await rowOf(nurse)).toMatchObject({ task: 2 });
  });

  it('assigning to someone else notifies them (task id and due day only); to oneself, nobody', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const nurseLive = await live(nurse);
    const creatorLive = await live(creator);
    const due = dayFromNow(4);
    const task = await createTask(creator, team.id, {
      title: 'Soins de bouche',
      assigneeId: nurse.id,
      due,
    });
    const n = await nurseLive.waitFor('notification:new', (p) => p.kind === 'task_assigned');
    expect(n).toMatchObject({
      teamId: team.id,
      actor: { id: creator.id },
      data: { taskId: task.id, due },
      available: true,
    });
    expect(JSON.stringify(n)).not.toContain('bouche');
    creatorLive.clear();
    nurseLive.clear();
    await createTask(creator, team.id, { title: 'Moi', assigneeId: creator.id, due });
    // A change that keeps the assignee tells nobody either.
    expectStatus(await patch(nurse, team.id, task.id, { version: 0, due: dayFromNow(6) }), 200);
    // Notifications go out before the answer: after a round trip, any would be in.
    await Promise.all([creatorLive.roundTrip(), nurseLive.roundTrip()]);
    const kinds = [...creatorLive.received, ...nurseLive.received]
      .filter((r) => r.event === 'notification:new')
      .map((r) => (r.payload as { kind: string }).kind);
    expect(kinds).toEqual([]);
    // Reassigned to the creator by the nurse: the creator is told.
    expectStatus(await patch(nurse, team.id, task.id, { version: 1, assigneeId: creator.id }), 200);
    await creatorLive.waitFor('notification:new', (p) => p.data.taskId === task.id);
  });
});
