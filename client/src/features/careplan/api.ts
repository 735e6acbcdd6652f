import { z } from 'zod';
import type { CarePlanView, SaveCarePlanInput } from '../../../../shared/src/care-plan.js';
import type { TaskView } from '../../../../shared/src/tasks.js';
import { request } from '../../lib/api.js';

/* The care plan of a team (HTTP). Answers are typed by shared/care-plan.ts. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const base = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/plan`;
const planAnswer = z.custom<{ plan: CarePlanView }>(
  (v) => isRecord(v) && isRecord(v.plan) && Array.isArray(v.plan.versions),
);
const taskAnswer = z.custom<{ task: TaskView }>(
  (v) => isRecord(v) && isRecord(v.task) && typeof v.task.id === 'string',
);

export async function getPlan(teamId: string): Promise<CarePlanView> {
  return (await request('GET', base(teamId), { schema: planAnswer })).plan;
}

export async function savePlan(teamId: string, body: SaveCarePlanInput): Promise<CarePlanView> {
  return (await request('POST', base(teamId), { body, schema: planAnswer })).plan;
}

export async function actionToTask(
  teamId: string,
  index: number,
  version: number,
  due: string,
): Promise<TaskView> {
  return (
    await request('POST', `${base(teamId)}/actions/${index}/task`, {
      body: { version, due },
      schema: taskAnswer,
    })
  ).task;
}

export const planPdfHref = (teamId: string, version: number) =>
  `${base(teamId)}/pdf?version=${version}`;
