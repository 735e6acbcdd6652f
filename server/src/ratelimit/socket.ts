import { ERROR_MESSAGES, type Ack } from '../../../shared/src/errors.js';
import type { SocketFeature } from '../realtime/io.js';
import type { Limit, RateLimits } from './limits.js';

/** Note edits and cursors: a stream while someone types, limited apart from everything else. */
const EDIT_EVENTS: ReadonlySet<string> = new Set(['note:update', 'note:awareness']);

const REFUSAL: Ack<never> = {
  ok: false,
  error: { code: 'rate_limited', message: ERROR_MESSAGES.rate_limited },
};

interface Group {
  socket: Limit;
  professional: Limit;
  /** Until then, this socket's events of the group are refused without asking any counter. */
  blockedUntil: number;
}

/**
 * Limits every event a socket sends, before any handler sees it (a socket.io middleware, which
 * runs for every packet whatever the order features attach their handlers in): per socket in
 * this instance's memory first, then per professional (shared through Redis), so a flood costs
 * the shared counter nothing once the socket is over its own limit. A refused event that
 * expects an acknowledgement is answered `rate_limited`; the others are dropped.
 *
 * Decisions are taken one after the other per socket, so the events a socket is allowed reach
 * the handlers in the order it sent them (messages stay in order, note edits apply in order).
 */
export function rateLimitSocketFeature(limits: RateLimits): SocketFeature {
  return {
    attach(socket, log) {
      const professional = socket.data.professional.id;
      const groups: Record<'events' | 'edits', Group> = {
        events: { ...limits.events, blockedUntil: 0 },
        edits: { ...limits.edits, blockedUntil: 0 },
      };
      const refuse = (packet: unknown[]) => {
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') (ack as (r: Ack<never>) => void)(REFUSAL);
      };
      const decide = async (name: 'events' | 'edits'): Promise<boolean> => {
        const group = groups[name];
        let verdict = await group.socket.take(socket.id);
        if (verdict.ok) verdict = await group.professional.take(professional);
        if (verdict.ok) return true;
        if (Date.now() >= group.blockedUntil) log.warn({ group: name }, 'socket rate limited');
        group.blockedUntil = Date.now() + verdict.retryAfterMs;
        return false;
      };

      let chain: Promise<unknown> = Promise.resolve();
      socket.use((packet, next) => {
        const name = EDIT_EVENTS.has(String(packet[0])) ? 'edits' : 'events';
        if (Date.now() < groups[name].blockedUntil) return refuse(packet);
        const decided = chain.then(() => decide(name));
        chain = decided;
        void decided.then((allowed) => (allowed ? next() : refuse(packet)));
      });
    },
  };
}
