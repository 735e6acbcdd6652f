import { z } from 'zod';
import type { MessagePageView, ReadReceiptView } from '../../../../shared/src/chat.js';
import { request } from '../../lib/api.js';

/* Answers are typed by shared/src/chat.ts; the client checks their outline (see teams/api.ts). */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const base = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/messages`;

export function getMessages(
  teamId: string,
  cursor: { before?: string; after?: string } = {},
  limit?: number,
): Promise<MessagePageView> {
  const query = new URLSearchParams();
  if (cursor.before) query.set('before', cursor.before);
  if (cursor.after) query.set('after', cursor.after);
  if (limit) query.set('limit', String(limit));
  const qs = query.size > 0 ? `?${query.toString()}` : '';
  return request('GET', `${base(teamId)}${qs}`, {
    schema: z.custom<MessagePageView>((v) => isRecord(v) && Array.isArray(v.messages)),
  });
}

export async function getReads(teamId: string): Promise<ReadReceiptView[]> {
  const { reads } = await request('GET', `${base(teamId)}/reads`, {
    schema: z.custom<{ reads: ReadReceiptView[] }>((v) => isRecord(v) && Array.isArray(v.reads)),
  });
  return reads;
}

export async function getUnread(teamId: string): Promise<number> {
  const { unread } = await request('GET', `${base(teamId)}/unread`, {
    schema: z.custom<{ unread: number }>((v) => isRecord(v) && typeof v.unread === 'number'),
  });
  return unread;
}
