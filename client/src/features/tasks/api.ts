import { z } from 'zod';
import type {
  CreateTask,
  TaskSummaryView,
  TaskView,
  UpdateTaskInput,
} from '../../../../shared/src/tasks.js';
import { request } from '../../lib/api.js';

/* Tasks of a team (HTTP). Answers are typed by shared/tasks.ts; only their outline is checked. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const base = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/tasks`;
const one = (teamId: string, taskId: string) => `${base(teamId)}/${encodeURIComponent(taskId)}`;

const listAnswer = z.custom<{ tasks: TaskView[] }>((v) => isRecord(v) && Array.isArray(v.tasks));
const taskAnswer = z.custom<{ task: TaskView }>(
  (v) => isRecord(v) && isRecord(v.task) && typeof v.task.id === 'string',
);
const summaryAnswer = z.custom<{ summary: TaskSummaryView }>(
  (v) => isRecord(v) && isRecord(v.summary) && typeof v.summary.open === 'number',
);

export async function listTasks(teamId: string): Promise<TaskView[]> {
  return (await request('GET', base(teamId), { schema: listAnswer })).tasks;
}

export async function taskSummary(teamId: string): Promise<TaskSummaryView> {
  return (await request('GET', `${base(teamId)}/summary`, { schema: summaryAnswer })).summary;
}

export async function createTask(teamId: string, body: CreateTask): Promise<TaskView> {
  return (await request('POST', base(teamId), { body, schema: taskAnswer })).task;
}

export async function updateTask(
  teamId: string,
  taskId: string,
  body: UpdateTaskInput,
): Promise<TaskView> {
  return (await request('PATCH', one(teamId, taskId), { body, schema: taskAnswer })).task;
}

/** Done or open again, from the version the page shows. */
export async function setDone(teamId: string, task: TaskView, done: boolean): Promise<TaskView> {
  const path = `${one(teamId, task.id)}/${done ? 'complete' : 'reopen'}`;
  return (await request('POST', path, { body: { version: task.version }, schema: taskAnswer }))
    .task;
}

export function deleteTask(teamId: string, task: TaskView): Promise<void> {
  return request('DELETE', `${one(teamId, task.id)}?version=${task.version}`);
}
