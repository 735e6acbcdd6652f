import type { Logger } from '../logger.js';
import type { AppServer } from './io.js';

/**
 * Links this instance's socket.io rooms with the other instances through Redis pub/sub, so that
 * an emit or a `disconnectSockets` on one instance reaches sockets held by any other.
 * Returns the function that closes both Redis connections. The Redis modules are loaded only
 * here, so a single instance without REDIS_URL never holds them in memory.
 */
export async function useRedisAdapter(
  io: AppServer,
  url: string,
  logger: Logger,
): Promise<() => Promise<void>> {
  const [{ createAdapter }, { createClient }] = await Promise.all([
    import('@socket.io/redis-adapter'),
    import('redis'),
  ]);
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) {
    client.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
  }
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: 'escap' }));
  logger.info('socket.io rooms shared through Redis');
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}
