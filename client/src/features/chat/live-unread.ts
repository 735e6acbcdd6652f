import type { MessageView, ReadReceiptView } from '../../../../shared/src/chat.js';
import { CHAT_LIMITS } from '../../../../shared/src/chat.js';
import type { AppSocket } from '../../lib/socket.svelte.js';

export interface UnreadTarget {
  /** A message by someone else arrived in this team. */
  message(teamId: string): void;
  /** I read somewhere (another tab): the counts are fetched again. */
  read(teamId: string): void;
}

/**
 * Keeps unread counts current without reloading: the professional's sockets are in their
 * teams' rooms, so every new message and every read of theirs arrives here. Returns the detach
 * function, for an effect.
 */
export function followUnread(
  socket: AppSocket | null,
  meId: string,
  target: UnreadTarget,
): (() => void) | undefined {
  if (!socket) return undefined;
  const onMessage = (m: MessageView) => {
    if (m.author.id !== meId) target.message(m.teamId);
  };
  const onRead = (r: ReadReceiptView) => {
    if (r.professionalId === meId) target.read(r.teamId);
  };
  socket.on('chat:message', onMessage);
  socket.on('chat:read', onRead);
  return () => {
    socket.off('chat:message', onMessage);
    socket.off('chat:read', onRead);
  };
}

/** One more unread message, within the cap the server counts to. */
export const bumpUnread = (n: number) => Math.min(n + 1, CHAT_LIMITS.unreadCap);

/** "3", or "99+" from the cap on. */
export const unreadLabel = (n: number) =>
  n >= CHAT_LIMITS.unreadCap ? `${CHAT_LIMITS.unreadCap - 1}+` : String(n);

/** "3 messages non lus" for screen readers and titles. */
export const unreadText = (n: number) =>
  n === 1 ? '1 message non lu' : `${unreadLabel(n)} messages non lus`;
