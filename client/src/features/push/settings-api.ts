import { z } from 'zod';
import { pushPreferencesSchema, type PushPreferences } from '../../../../shared/src/push.js';
import { request } from '../../lib/api.js';

/* The professional's push settings and per-team mute (docs/notifications.md, "Push settings"). */
const preferencesAnswer = z.object({ preferences: pushPreferencesSchema });
const muteAnswer = z.object({ muted: z.boolean() });

export async function getPushPreferences(): Promise<PushPreferences> {
  return (await request('GET', '/api/push/preferences', { schema: preferencesAnswer })).preferences;
}

export async function savePushPreferences(preferences: PushPreferences): Promise<PushPreferences> {
  return (
    await request('PUT', '/api/push/preferences', {
      body: preferences,
      schema: preferencesAnswer,
    })
  ).preferences;
}

const mutePath = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/push-mute`;

export async function getTeamMuted(teamId: string): Promise<boolean> {
  return (await request('GET', mutePath(teamId), { schema: muteAnswer })).muted;
}

export async function setTeamMuted(teamId: string, muted: boolean): Promise<boolean> {
  return (await request('PUT', mutePath(teamId), { body: { muted }, schema: muteAnswer })).muted;
}
