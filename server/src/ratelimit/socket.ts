import { ERROR_MESSAGES, type Ack } from '../../../shared/src/errors.js';
import type { SocketFeature } from '../realtime/io.js';
import { LocalBucket, type Limit, type Rate, type RateLimits } from './limits.js';

/** Note edits and cursors: a stream while someone types, limited apart from everything else. */
const EDIT_EVENTS: ReadonlySet<string> = new Set(['note:update', 'note:awareness']);

const REFUSAL: Ack<never> = {
  ok: false,
  error: { code: 'rate_limited', message: ERROR_MESSAGES.rate_limited },
};

/**
 * Events refused in a row after which the socket is disconnected: no person's client sends on
 * that long after being told to wait. Answering each event of a flood costs the server
 * (parsing, answering) even when none is handled; cutting the connection drops the rest.
 */
const REFUSALS_BEFORE_DISCONNECT = 20;

/** The longest spacing pacing puts between two events of a socket (a long window's rate). */
const MAX_PACE_MS = 50;
/**
 * Events of a socket handed on at once before pacing spreads the rest: a reconnection's
 * (pending messages sent again, notes opened again) goes through without waiting.
 */
const BURST = 8;

type GroupName = 'events' | 'edits';

interface Group {
  socket: LocalBucket;
  professional: Limit;
  /** Until then, this socket's events of the group are refused without asking any counter. */
  blockedUntil: number;
  /** Spacing of the group's events handed on: the limit's steady rate. */
  paceMs: number;
}

const paceOf = (rate: Rate) => Math.min(MAX_PACE_MS, (rate.seconds * 1000) / rate.points);

/**
 * Limits every event a socket sends, before any handler sees it (a socket.io middleware, which
 * runs for every packet whatever the order features attach their handlers in): per socket in
 * this instance's memory first, counted as events come, then per professional (shared through
 * Redis) for what the socket's limit allows, so a flood costs the shared counter nothing past
 * the socket's limit. A refused event that expects an acknowledgement is answered
 * `rate_limited`; the others are dropped. A socket that keeps sending regardless is cut.
 *
 * What a socket is allowed is handed to the handlers at the limit's steady rate (one event per
 * 33 ms for 30 per second) past a burst of a few, not all at once: a burst within the limit is
 * spread out rather than refused, and cannot take the server and its database from everyone
 * else for the time it takes. Allowed events are handed on in the order they came, as they
 * would be without limits.
 */
export function rateLimitSocketFeature(limits: RateLimits): SocketFeature {
  const settings = limits.settings;
  return {
    attach(socket, log) {
      const professional = socket.data.professional.id;
      const group = (name: GroupName): Group => ({
        socket: new LocalBucket(settings[name].socket),
        professional: limits[name].professional,
        blockedUntil: 0,
        paceMs: paceOf(settings[name].socket),
      });
      const groups: Record<GroupName, Group> = { events: group('events'), edits: group('edits') };

      let refusals = 0;
      let cut = false;
      const refuse = (packet: unknown[]) => {
        if (cut) return;
        if (++refusals > REFUSALS_BEFORE_DISCONNECT) {
          cut = true;
          log.warn({ refusals }, 'socket disconnected: it kept sending over its rate limit');
          stopReading(socket);
          // At the next tick: socket.io hands an event to its handler at the next tick too, and
          // an event handed on before the cut must be handled, not dropped with the rest.
          process.nextTick(() => socket.disconnect(true));
          return;
        }
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') (ack as (r: Ack<never>) => void)(REFUSAL);
      };

      const refused = (name: GroupName, retryAfterMs: number, packet: unknown[]) => {
        const group = groups[name];
        if (Date.now() >= group.blockedUntil) log.warn({ group: name }, 'socket rate limited');
        group.blockedUntil = Date.now() + retryAfterMs;
        refuse(packet);
      };

      // Allowed events waiting for their turn, in order, handed on by a single timer. Pacing
      // is a leaky bucket with a burst: up to BURST events at once, then one per pace
      // (`due` is when the bucket would be empty again, GCRA's theoretical arrival time).
      const queue: Array<{ next: () => void; at: number }> = [];
      let timer: NodeJS.Timeout | undefined;
      let due = 0;
      const pump = () => {
        timer = undefined;
        const now = Date.now();
        while (!cut && queue.length > 0 && queue[0]!.at <= now) queue.shift()!.next();
        if (!cut && queue.length > 0) timer = setTimeout(pump, queue[0]!.at - now);
      };
      const handOn = (next: () => void, paceMs: number) => {
        const now = Date.now();
        const at = Math.max(now, due - (BURST - 1) * paceMs);
        due = Math.max(due, at) + paceMs;
        queue.push({ next, at });
        if (!timer) pump();
      };
      socket.on('disconnect', () => {
        clearTimeout(timer);
        queue.length = 0;
      });

      // The professional's counters (Redis) are asked one event after the other, so that what
      // is allowed is handed on in the order it came.
      let chain: Promise<unknown> = Promise.resolve();
      socket.use((packet, next) => {
        if (cut) return;
        const name: GroupName = EDIT_EVENTS.has(String(packet[0])) ? 'edits' : 'events';
        const group = groups[name];
        const now = Date.now();
        if (now < group.blockedUntil) return refuse(packet);
        // Counted on the spot, in the order events come: a flood is refused from its first
        // event over the limit, without waiting on anything.
        const own = group.socket.take(now);
        if (!own.ok) return refused(name, own.retryAfterMs, packet);
        refusals = 0;
        const shared = chain.then(() => group.professional.take(professional));
        chain = shared;
        void shared.then((verdict) =>
          verdict.ok
            ? handOn(() => next(), group.paceMs)
            : refused(name, verdict.retryAfterMs, packet),
        );
      });
    },
  };
}

/**
 * What the client sent and the server has not read yet (a flood can be megabytes) would still be
 * parsed, frame by frame, until the client answers the closing handshake, which it sends after
 * everything it queued: a WebSocket stops being read, and its TCP connection goes when closed.
 * (engine.io's WebSocket transport keeps its `ws` socket as `socket`; elsewhere, a no-op.)
 */
function stopReading(socket: { conn: unknown }): void {
  const transport = (socket.conn as { transport?: { name?: string; socket?: unknown } }).transport;
  if (transport?.name !== 'websocket') return;
  (transport.socket as { pause?: () => void } | undefined)?.pause?.();
}
