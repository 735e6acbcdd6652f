import { chatReadSchema, chatSendSchema } from '../../../shared/src/chat.js';
import { ERROR_MESSAGES, type Ack } from '../../../shared/src/errors.js';
import { AppError } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { CommandHooks } from '../commands/command.js';
import type { AppMetrics } from '../metrics/metrics.js';
import { rooms, type SocketFeature } from '../realtime/io.js';
import type { MemberContext } from '../teams/access.js';
import { allowed } from '../teams/policy.js';
import type { ChatService } from './service.js';

/** How long a socket reuses the member context of its last send to a team (see below). */
export const SENDER_CONTEXT_MS = 60_000;

/**
 * The conversation on sockets: `chat:send` and `chat:read` with an acknowledgement. Members'
 * sockets are already in their teams' rooms (teams feature), which is where `chat:message` and
 * `chat:read` go. A send is checked against the member context read for the socket's previous
 * send to that team, while the socket is still in the team's room and for at most
 * `SENDER_CONTEXT_MS`: the room is the right to write, as for notes, since removal, leaving,
 * closure and consent withdrawal take every socket out of it at once (`TeamLive`). Only a
 * context that allows sending is kept. Reading it again per message was two queries per
 * message, most of the database's work under load (docs/chat.md). `chat:read` reads it per event.
 *
 * A socket's messages are stored in the order it sent them: each send is checked
 * asynchronously (membership, mentions, attachments) before it is stored, and a later message
 * whose checks finished first overtook an earlier one, so the team read "2, 1" where the
 * author wrote "1, 2" (docs/chat.md). The checks still run side by side; a message takes its
 * place in the write queue only after the socket's previous one has taken its own (or failed),
 * so writes stay grouped and other sockets are not held up.
 */
export function chatSocketFeature(
  chat: ChatService,
  metrics?: AppMetrics,
  hooks?: CommandHooks,
): SocketFeature {
  return {
    attach(socket, log) {
      const who = () => socket.data.professional;
      /** The socket's latest send: settled once it is queued for writing, or has failed. */
      let last: Turn = { taken: Promise.resolve(), done: true };
      /** Per team, the context of the socket's last allowed send and when it was read. */
      const senders = new Map<string, { ctx: MemberContext; at: number }>();
      const senderContext = async (teamId: string): Promise<MemberContext> => {
        const kept = senders.get(teamId);
        if (
          kept &&
          socket.rooms.has(rooms.team(teamId)) &&
          Date.now() - kept.at < SENDER_CONTEXT_MS
        )
          return kept.ctx;
        senders.delete(teamId);
        const at = Date.now();
        const ctx = await chat.member(who(), teamId);
        if (allowed(ctx, 'message.send')) senders.set(teamId, { ctx, at });
        return ctx;
      };

      socket.on('chat:send', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const parsed = chatSendSchema.safeParse(payload);
        if (!parsed.success) return fail(ack, new AppError('invalid_message'));
        const { teamId, ...input } = parsed.data;
        const since = process.hrtime.bigint();
        const previous = last;
        let admit!: () => void;
        const mine: Turn = { taken: new Promise<void>((r) => (admit = r)), done: false };
        last = mine;
        const admitted = () => {
          mine.done = true;
          admit();
        };
        const sent = senderContext(teamId).then(async (ctx) => {
          await hooks?.checkpoint?.('chat.send.checked');
          return chat.send(ctx, input, {
            turn: async () => {
              // Tests learn that this send waits for the turn of an earlier one.
              if (!previous.done) await hooks?.checkpoint?.('chat.send.queued');
              await previous.taken;
            },
            onQueued: admitted,
          });
        });
        // A send refused before it was queued hands the turn on too.
        void sent.then(admitted, admitted);
        sent
          .then((message) => {
            ack({ ok: true, data: message });
            metrics?.acknowledged('chat:send', since);
          })
          .catch((err: unknown) => fail(ack, err, log));
      });

      socket.on('chat:read', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const parsed = chatReadSchema.safeParse(payload);
        // A malformed address names no team the sender may see: the same 404.
        if (!parsed.success) return fail(ack, new AppError('not_found'));
        chat
          .member(who(), parsed.data.teamId)
          .then((ctx) => chat.markRead(ctx, parsed.data.messageId))
          .then((receipt) => ack({ ok: true, data: receipt }))
          .catch((err: unknown) => fail(ack, err, log));
      });
    },
  };
}

interface Turn {
  taken: Promise<void>;
  done: boolean;
}

function fail<T>(ack: (r: Ack<T>) => void, err: unknown, log?: Logger): void {
  if (err instanceof AppError) {
    ack({ ok: false, error: { code: err.code, message: err.message } });
    return;
  }
  // The error is logged without the payload: message text is health data.
  log?.error({ err: safeError(err) }, 'chat event failed');
  ack({ ok: false, error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error } });
}
