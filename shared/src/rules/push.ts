import { PARIS_TIME_ZONE } from '../glossary.js';
import type { PushEvent, PushPreferences } from '../push.js';

const PARIS_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Minutes since midnight in Paris time (summer and winter time alike). */
export function parisMinutes(at: Date): number {
  const parts = PARIS_CLOCK.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

const minutesOf = (hhmm: string): number => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * Quiet hours run from `start` included to `end` excluded, in Paris time, and may span
 * midnight (22:00 to 07:00).
 */
export function inQuietHours(quiet: PushPreferences['quietHours'], at: Date): boolean {
  if (!quiet) return false;
  const now = parisMinutes(at);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Whether an event reaches a professional's phone now: the event is on, the team is not muted
 * (an invitation is about a team the invitee is not in: it has nothing to mute), and it is not
 * their quiet hours. A push not sent is not postponed: the app shows it when opened.
 */
export function pushAllowed(
  prefs: PushPreferences,
  event: PushEvent,
  opts: { teamMuted: boolean; at: Date },
): boolean {
  if (!prefs.events[event]) return false;
  if (opts.teamMuted && event !== 'invitation') return false;
  return !inQuietHours(prefs.quietHours, opts.at);
}
