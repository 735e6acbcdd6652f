import { safeError, type Logger } from '../logger.js';
import { recheckRooms, type AppServer, type AppSocket, type SocketFeature } from './io.js';
import type { RedisLink } from './redis.js';

/** While Redis is away, how often live rights are read again from the database. */
const RECHECK_EVERY_MS = 2_000;

/**
 * Redis away: revocations decided on another instance cannot reach this one's sockets (room
 * changes travel through Redis), and the other instances' edits do not arrive. So, meanwhile:
 * every socket is told (`realtime:state` degraded, the client shows it), and every few seconds
 * each socket's rooms and open notes are checked against the database, as at a join; once Redis
 * is back, one last check catches what changed while it was away, and sockets are told it is
 * over. (Messages and tasks read membership on every event anyway.)
 */
export function watchRedis(
  io: AppServer,
  link: RedisLink,
  features: SocketFeature[],
  logger: Logger,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const recheckAll = () =>
    (running ??= (async () => {
      for (const socket of io.of('/').sockets.values()) {
        await recheckRooms(socket, features);
        for (const f of features) await f.recheck?.(socket);
      }
    })()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'live rights re-check failed'))
      .finally(() => {
        running = undefined;
      }));

  const onDown = () => {
    io.local.emit('realtime:state', { state: 'degraded' });
    clearInterval(timer);
    timer = setInterval(() => void recheckAll(), RECHECK_EVERY_MS);
    timer.unref();
  };
  const onUp = () => {
    clearInterval(timer);
    timer = undefined;
    void recheckAll().then(() => io.local.emit('realtime:state', { state: 'ok' }));
  };
  link.on('down', onDown);
  link.on('up', onUp);
  // A socket connecting meanwhile learns the state at once.
  const onConnection = (socket: AppSocket) => {
    if (link.state === 'down') socket.emit('realtime:state', { state: 'degraded' });
  };
  io.on('connection', onConnection);
  return {
    stop() {
      clearInterval(timer);
      link.off('down', onDown);
      link.off('up', onUp);
      io.off('connection', onConnection);
    },
  };
}
