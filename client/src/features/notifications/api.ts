import { z } from 'zod';
import type { NotificationPageView } from '../../../../shared/src/notifications.js';
import { request } from '../../lib/api.js';

/* The notification centre (HTTP). Answers are typed by shared/; only their outline is checked. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const pageAnswer = z.custom<NotificationPageView>(
  (v) => isRecord(v) && Array.isArray(v.notifications) && typeof v.unread === 'number',
);
const unreadAnswer = z.custom<{ unread: number }>(
  (v) => isRecord(v) && typeof v.unread === 'number',
);

export function listNotifications(before?: string | null): Promise<NotificationPageView> {
  const query = before ? `?before=${encodeURIComponent(before)}` : '';
  return request('GET', `/api/notifications${query}`, { schema: pageAnswer });
}

export async function unreadCount(): Promise<number> {
  return (await request('GET', '/api/notifications/unread', { schema: unreadAnswer })).unread;
}

export async function markRead(id: string): Promise<number> {
  const path = `/api/notifications/${encodeURIComponent(id)}/read`;
  return (await request('POST', path, { schema: unreadAnswer })).unread;
}

export async function markAllRead(): Promise<number> {
  return (await request('POST', '/api/notifications/read-all', { schema: unreadAnswer })).unread;
}
