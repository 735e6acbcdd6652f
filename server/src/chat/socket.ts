import { chatReadSchema, chatSendSchema } from '../../../shared/src/chat.js';
import { ERROR_MESSAGES, type Ack } from '../../../shared/src/errors.js';
import { AppError } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { AppMetrics } from '../metrics/metrics.js';
import type { SocketFeature } from '../realtime/io.js';
import type { ChatService } from './service.js';

/**
 * The conversation on sockets: `chat:send` and `chat:read` with an acknowledgement. Members'
 * sockets are already in their teams' rooms (teams feature), which is where `chat:message` and
 * `chat:read` go; membership is read again for every event, like every HTTP request.
 */
export function chatSocketFeature(chat: ChatService, metrics?: AppMetrics): SocketFeature {
  return {
    attach(socket, log) {
      const who = () => socket.data.professional;

      socket.on('chat:send', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const parsed = chatSendSchema.safeParse(payload);
        if (!parsed.success) return fail(ack, new AppError('invalid_message'));
        const { teamId, ...input } = parsed.data;
        const since = process.hrtime.bigint();
        chat
          .member(who(), teamId)
          .then((ctx) => chat.send(ctx, input))
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

function fail<T>(ack: (r: Ack<T>) => void, err: unknown, log?: Logger): void {
  if (err instanceof AppError) {
    ack({ ok: false, error: { code: err.code, message: err.message } });
    return;
  }
  // The error is logged without the payload: message text is health data.
  log?.error({ err: safeError(err) }, 'chat event failed');
  ack({ ok: false, error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error } });
}
