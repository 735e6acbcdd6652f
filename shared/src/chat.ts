import { z } from 'zod';
import { attachmentIdsSchema, type MessageAttachment } from './documents.js';
import { wellFormedText } from './text.js';
import type { ProfessionalRef } from './views.js';

/**
 * The team conversation: text messages between the members of one ESCAP. Message text is
 * health data: it travels only to current members (HTTP with membership checked, or the team's
 * socket room), never in logs, notifications, e-mails or audit details.
 */
export const CHAT_LIMITS = {
  /** Characters (Unicode code points) of one message. */
  textMax: 4000,
  /** The composer shows the count from this many characters on. */
  counterFrom: 3500,
  /** Members mentioned in one message. */
  mentionsMax: 50,
  /** Client-generated id of a send, unique per author and team (makes retries idempotent). */
  clientIdMax: 64,
  pageDefault: 50,
  pageMax: 100,
  /** Unread counts stop counting here: the list shows "99+" beyond. */
  unreadCap: 100,
} as const;

const objectId = z.string().regex(/^[a-f\d]{24}$/i);

/** Length as people count it: code points, so an emoji is one character, not two. */
export function messageLength(text: string): number {
  return Array.from(text).length;
}

/** Line endings as stored: `\r\n` and lone `\r` become `\n` (same count on every device). */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Why a text may not be sent, as a stable error code; null when it may. A message may be text,
 * attachments, or both: with attachments, an empty text is allowed.
 */
export function textProblem(
  text: string,
  attachments = 0,
): 'message_empty' | 'message_too_long' | null {
  if (text.trim() === '' && attachments === 0) return 'message_empty';
  if (messageLength(text) > CHAT_LIMITS.textMax) return 'message_too_long';
  return null;
}

/**
 * A message to send. The structure is checked here; the text rules (empty, too long) by
 * `textProblem`, so that each has its own error code. The client generates `clientId` once per
 * message and re-sends it with every retry.
 */
export const chatSendSchema = z.strictObject({
  teamId: objectId,
  clientId: z
    .string()
    .min(8)
    .max(CHAT_LIMITS.clientIdMax)
    .regex(/^[\w-]+$/),
  // Bounded well above the limit so that a huge payload is refused before it is counted.
  text: wellFormedText().max(CHAT_LIMITS.textMax * 4),
  mentions: z.array(objectId).max(CHAT_LIMITS.mentionsMax).default([]),
  /** Documents of the team, uploaded first (`POST /api/teams/:id/documents`). */
  attachments: attachmentIdsSchema.default([]),
});
export type ChatSend = z.output<typeof chatSendSchema>;

/** The same send over HTTP: the team is in the address. */
export const chatPostSchema = chatSendSchema.omit({ teamId: true });

/** Marks the team's conversation read up to a message (included). */
export const chatReadSchema = z.strictObject({ teamId: objectId, messageId: objectId });
export const chatReadBodySchema = chatReadSchema.omit({ teamId: true });

/** A page of history: `before` (older, default: the newest page) or `after` (catch-up). */
export const chatPageQuerySchema = z
  .strictObject({
    before: objectId.optional(),
    after: objectId.optional(),
    limit: z.coerce.number().int().min(1).max(CHAT_LIMITS.pageMax).default(CHAT_LIMITS.pageDefault),
  })
  .refine((q) => !(q.before && q.after), { error: 'Choisissez « before » ou « after ».' });
export type ChatPageQuery = z.output<typeof chatPageQuerySchema>;

export interface MessageView {
  id: string;
  teamId: string;
  /** The author's id for this send, to match an acknowledgement with the pending message. */
  clientId: string;
  author: ProfessionalRef;
  text: string;
  /** Ids of the members mentioned as `@Prénom Nom` in the text. */
  mentions: string[];
  /** In the order attached; a removed one has `document: null` ("pièce jointe retirée"). */
  attachments: MessageAttachment[];
  createdAt: string;
}

/**
 * One page, always in chronological order. `nextCursor` continues in the same direction:
 * with `before`, the oldest message of the page; with `after`, the newest. Null at the end.
 */
export interface MessagePageView {
  messages: MessageView[];
  nextCursor: string | null;
}

/** How far one member has read a team's conversation. */
export interface ReadReceiptView {
  teamId: string;
  professionalId: string;
  messageId: string;
  at: string;
}

/** How a member is written in a message when mentioned. */
export const mentionText = (p: Pick<ProfessionalRef, 'firstName' | 'lastName'>) =>
  `@${p.firstName} ${p.lastName}`;
