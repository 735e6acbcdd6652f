import { z } from 'zod';
import type { TeamEventView, TimelineItem } from '../../../../shared/src/team-events.js';
import { request } from '../../lib/api.js';

/* Events and the timeline of a team (HTTP). Answers are typed by shared/team-events.ts. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const team = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}`;
const timelineAnswer = z.custom<{ items: TimelineItem[] }>(
  (v) => isRecord(v) && Array.isArray(v.items),
);
const eventAnswer = z.custom<{ event: TeamEventView }>(
  (v) => isRecord(v) && isRecord(v.event) && typeof v.event.id === 'string',
);

export async function getTimeline(teamId: string): Promise<TimelineItem[]> {
  return (await request('GET', `${team(teamId)}/timeline`, { schema: timelineAnswer })).items;
}

export async function recordEvent(teamId: string, body: unknown): Promise<TeamEventView> {
  return (await request('POST', `${team(teamId)}/events`, { body, schema: eventAnswer })).event;
}
