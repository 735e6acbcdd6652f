import { EventEmitter } from 'node:events';
import type { RedisClientType } from 'redis';
import { safeError, type Logger } from '../logger.js';
import type { AppServer } from './io.js';

export type RedisState = 'up' | 'down';

/**
 * The instance's link to Redis, which carries what instances say to each other: socket.io's
 * rooms (the adapter) and the notes' updates (notes/bus.ts). Redis holds nothing that matters:
 * MongoDB is the truth, so a Redis loss degrades live traffic between instances and nothing
 * more (docs/architecture.md, "Several instances").
 *
 * - Never a crash: every client has an error handler, and the adapter's fire-and-forget
 *   publishes (it does not await them) are made unable to reject while Redis is away.
 * - The state is watched: `down` when a client loses its connection, `up` once every one is
 *   ready again; listeners re-sync what may have been missed meanwhile (`on('up')`).
 * The Redis modules are loaded only here, so a single instance without REDIS_URL never holds
 * them in memory.
 */
export class RedisLink extends EventEmitter<{ up: []; down: [] }> {
  private readonly clients: RedisClientType[] = [];
  private readonly ready = new Set<RedisClientType>();
  private current: RedisState = 'down';
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Connects, then shares the socket.io rooms of `io` with the other instances. */
  static async connect(
    io: AppServer,
    url: string,
    prefix: string,
    logger: Logger,
  ): Promise<RedisLink> {
    const link = new RedisLink(url, logger);
    const [{ createAdapter }] = await Promise.all([import('@socket.io/redis-adapter')]);
    const pub = await link.client('adapter-pub');
    const sub = await link.client('adapter-sub');
    io.adapter(createAdapter(neverRejecting(pub, logger), sub, { key: prefix }));
    logger.info('socket.io rooms shared through Redis');
    return link;
  }

  get state(): RedisState {
    return this.current;
  }

  /**
   * A new connection of this link (notes' pub/sub): watched like the others, closed with them.
   * Commands sent while Redis is away fail at once rather than queue: what they carried is
   * re-synced from MongoDB when Redis is back, and a queue would grow without bound meanwhile.
   */
  async client(name: string): Promise<RedisClientType> {
    const { createClient } = await import('redis');
    const client = createClient({
      url: this.url,
      disableOfflineQueue: true,
      socket: {
        // Back off up to 2 s between attempts, for ever: Redis coming back is the normal case.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
        connectTimeout: 3000,
      },
    }) as RedisClientType;
    client.on('error', (err: unknown) => {
      // Logged once per outage, not once per reconnection attempt.
      if (this.ready.has(client) || this.current === 'up')
        this.logger.warn({ err: safeError(err), client: name }, 'redis connection lost');
    });
    client.on('end', () => this.mark(client, false));
    client.on('reconnecting', () => this.mark(client, false));
    client.on('ready', () => this.mark(client, true));
    this.clients.push(client);
    await client.connect();
    return client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }

  private mark(client: RedisClientType, isReady: boolean): void {
    if (isReady) this.ready.add(client);
    else this.ready.delete(client);
    if (this.closed) return;
    const next: RedisState = this.ready.size === this.clients.length ? 'up' : 'down';
    if (next === this.current) return;
    this.current = next;
    this.logger[next === 'up' ? 'info' : 'warn']({ state: next }, 'redis link');
    this.emit(next);
  }
}

/**
 * The adapter publishes without awaiting: while Redis is away each publish would be an
 * unhandled rejection, which ends a Node process. Here a failed publish is dropped (logged at
 * debug): what it carried is made good when Redis is back (rooms are re-read at every
 * connection, notes re-synced from MongoDB).
 */
function neverRejecting(client: RedisClientType, logger: Logger): RedisClientType {
  const publish = client.publish.bind(client);
  const patched = (...args: Parameters<typeof publish>) =>
    publish(...args).catch((err: unknown) => {
      logger.debug({ err: safeError(err) }, 'redis publish dropped');
      return 0;
    });
  (client as unknown as { publish: unknown }).publish = patched;
  return client;
}
