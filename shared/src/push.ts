import { z } from 'zod';
import type { NotificationKind, NotificationView } from './notifications.js';

/**
 * What a push notification says. Push services and lock screens are outside the care team:
 * the payload holds a generic French sentence per kind and the page to open, never a patient
 * name, a message text, a task title nor an actor's name.
 */
export interface PushPayload {
  title: string;
  body: string;
  /** Same-origin path the notification opens. */
  url: string;
  /** Replaces an earlier push of the same kind rather than stacking. */
  tag: string;
}

const BODIES: Record<NotificationKind, string> = {
  invitation: 'Vous êtes invité à rejoindre une ESCAP.',
  mention: 'Vous êtes mentionné dans une discussion d’ESCAP.',
  task_assigned: 'Une tâche vous a été confiée dans une ESCAP.',
  team_status: 'Le statut d’une ESCAP a changé.',
  term_ending: 'Le terme d’une ESCAP approche.',
  alert: 'Nouvelle alerte dans une ESCAP.',
};

/**
 * Mirrors the in-app links (client/src/features/notifications/links.ts): the item itself when
 * the notification names one (ids only: no health data).
 */
export function pushUrl(
  n: Pick<NotificationView, 'kind' | 'teamId'> & { data?: NotificationView['data'] },
): string {
  if (n.kind === 'invitation' || !n.teamId) return '/';
  const team = `/escap/${encodeURIComponent(n.teamId)}`;
  const id = (key: string) => {
    const value = n.data?.[key];
    return value ? encodeURIComponent(value) : undefined;
  };
  switch (n.kind) {
    case 'mention': {
      const message = id('messageId');
      return message ? `${team}/discussion?message=${message}` : `${team}/discussion`;
    }
    case 'task_assigned': {
      const task = id('taskId');
      return task ? `${team}/taches?tache=${task}` : `${team}/taches`;
    }
    case 'alert': {
      const event = id('eventId');
      return event ? `${team}/evenements?evenement=${event}` : `${team}/evenements`;
    }
    case 'team_status':
    case 'term_ending':
      return team;
  }
}

export function pushPayload(
  n: Pick<NotificationView, 'kind' | 'teamId'> & { data?: NotificationView['data'] },
): PushPayload {
  return { title: 'ESCAP', body: BODIES[n.kind], url: pushUrl(n), tag: n.kind };
}

/**
 * What can reach a phone: every notification kind, and each new message of a team's
 * discussion (not an in-app notification: the discussion shows its own unread count).
 */
export const PUSH_EVENTS = [
  'message',
  'mention',
  'task_assigned',
  'alert',
  'invitation',
  'team_status',
  'term_ending',
] as const;
export type PushEvent = (typeof PUSH_EVENTS)[number];

export const PUSH_EVENT_LABELS: Record<PushEvent, string> = {
  message: 'Nouveaux messages des discussions',
  mention: 'Mentions dans une discussion',
  task_assigned: 'Tâches qui vous sont confiées',
  alert: 'Alertes (hospitalisation, chute…)',
  invitation: 'Invitations à rejoindre une ESCAP',
  team_status: 'Changements de statut d’une ESCAP',
  term_ending: 'Fin d’année de prise en charge proche',
};

/** A chat message's push: the same generic sentence for every team, one per team on screen. */
export function messagePushPayload(teamId: string): PushPayload {
  return {
    title: 'ESCAP',
    body: 'Nouveau message dans une discussion d’ESCAP.',
    url: `/escap/${encodeURIComponent(teamId)}/discussion`,
    tag: `message:${teamId}`,
  };
}

/** "HH:MM", 00:00 to 23:59. */
const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'L’heure doit être au format HH:MM.' });

/**
 * A professional's push settings (docs/notifications.md, "Push settings"): which events, and
 * quiet hours in Paris time, when nothing reaches the phone (the in-app notification stays).
 * Muting one team is set on the team (`PUT /api/teams/:id/push-mute`).
 */
export const pushPreferencesSchema = z.strictObject({
  events: z.strictObject(
    Object.fromEntries(PUSH_EVENTS.map((e) => [e, z.boolean()])) as Record<PushEvent, z.ZodBoolean>,
  ),
  quietHours: z
    .strictObject({ start: clock, end: clock })
    .refine((q) => q.start !== q.end, {
      error: 'Le début et la fin des heures calmes doivent différer.',
      path: ['end'],
    })
    .nullable(),
});
export type PushPreferences = z.infer<typeof pushPreferencesSchema>;

/** Everything on, no quiet hours: what a professional who never chose gets. */
export const DEFAULT_PUSH_PREFERENCES: PushPreferences = {
  events: Object.fromEntries(PUSH_EVENTS.map((e) => [e, true])) as Record<PushEvent, boolean>,
  quietHours: null,
};

export const pushMuteSchema = z.strictObject({ muted: z.boolean() });

/**
 * The message the service worker posts to an open window of the app when a notification is
 * clicked: `{ type: NAVIGATE_MESSAGE, path }`, the app changes page without reloading.
 */
export const NAVIGATE_MESSAGE = 'escap:navigate';

/** What a notification shows when a push carries no usable payload. */
const FALLBACK: PushPayload = {
  title: 'ESCAP',
  body: 'Nouvelle notification dans ESCAP.',
  url: '/',
  tag: 'escap',
};

/**
 * The page a notification may open: a same-origin path ("/escap/…"), or null for anything
 * else (another origin, "//host", "\\host", a scheme, control characters), which is ignored.
 */
export function pushTarget(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 2_000) return null;
  // One leading slash, then no second slash or backslash (both would name another host).
  if (!/^\/(?![/\\])/.test(url)) return null;
  // No backslash anywhere (parsers read it as a slash) and no control or space characters.
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f]/.test(url)) return null;
  return url;
}

/** Reads a push message's JSON as the service worker receives it; never throws. */
export function readPushPayload(json: unknown): PushPayload {
  if (typeof json !== 'object' || json === null) return FALLBACK;
  const p = json as Record<string, unknown>;
  const text = (value: unknown, fallback: string) =>
    typeof value === 'string' && value.trim() !== '' ? value.slice(0, 200) : fallback;
  return {
    title: text(p.title, FALLBACK.title),
    body: text(p.body, FALLBACK.body),
    url: pushTarget(p.url) ?? FALLBACK.url,
    tag: text(p.tag, FALLBACK.tag),
  };
}
