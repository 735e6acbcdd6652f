import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterLike,
} from 'rate-limiter-flexible';
import type { createClient } from 'redis';
import { safeError, type Logger } from '../logger.js';

/** So many points (one per request or event) per window of so many seconds. */
export interface Rate {
  points: number;
  seconds: number;
}

/** The settings (server/src/config.ts); docs/fairness.md says why each exists. */
export interface RateLimitSettings {
  /** HTTP API: per signed-in professional, and per client IP for anonymous requests. */
  http: { professional: Rate; ip: Rate };
  /** Socket events other than note edits (chat, reads, joins, pings...). */
  events: { socket: Rate; professional: Rate };
  /** Note edits and cursors: typing comes in bursts, so a limit of its own. */
  edits: { socket: Rate; professional: Rate };
  /** Prefix of the counters' keys in Redis. */
  redisPrefix: string;
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/** One limit on one kind of key (a professional, an IP, a socket). */
export interface Limit {
  take(key: string): Promise<Verdict>;
}

/**
 * A Redis command slower than this is given up and the instance's own counter decides: a
 * limit must never make a request wait on a Redis that hangs.
 */
const REDIS_TIMEOUT_MS = 250;

type RedisClient = ReturnType<typeof createClient>;

/**
 * The limits that follow a professional or an IP, shared by every instance through Redis when
 * REDIS_URL is set (a client may reach any instance), with the instance's memory as insurance:
 * while Redis is unreachable each instance counts on its own, so nobody is blocked and nothing
 * crashes, and the limits hold again once it is back. Without REDIS_URL, in memory. (A
 * socket's own limit is a LocalBucket: a socket lives on one instance.)
 */
export class RateLimits {
  readonly http: { professional: Limit; ip: Limit };
  /** Per professional; each socket's own limit is counted by the socket (LocalBucket). */
  readonly events: { professional: Limit };
  readonly edits: { professional: Limit };

  private constructor(
    readonly settings: RateLimitSettings,
    private readonly redis: RedisClient | undefined,
    private readonly logger: Logger,
  ) {
    const shared = (name: string, rate: Rate) => this.limit(name, rate, settings.redisPrefix);
    this.http = {
      professional: shared('http-pro', settings.http.professional),
      ip: shared('http-ip', settings.http.ip),
    };
    this.events = { professional: shared('events-pro', settings.events.professional) };
    this.edits = { professional: shared('edits-pro', settings.edits.professional) };
  }

  static async create(
    settings: RateLimitSettings,
    redisUrl: string | undefined,
    logger: Logger,
  ): Promise<RateLimits> {
    return new RateLimits(
      settings,
      redisUrl ? await connectRedis(redisUrl, logger) : undefined,
      logger,
    );
  }

  /** Whether the shared limits are counted in Redis right now (else each instance counts alone). */
  get sharing(): boolean {
    return this.redis?.isReady ?? false;
  }

  close(): Promise<void> {
    // destroy, not quit: quit waits for a Redis that may be gone.
    this.redis?.destroy();
    return Promise.resolve();
  }

  private limit(name: string, rate: Rate, prefix: string): Limit {
    const options = { keyPrefix: `${prefix}:${name}`, points: rate.points, duration: rate.seconds };
    const memory = new RateLimiterMemory(options);
    let limiter: RateLimiterLike = memory;
    if (this.redis) {
      const redis = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        useRedisPackage: true,
        // Not connected: the insurance decides at once instead of a queued command.
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
        // Once a key is over its limit, this instance refuses it until the window ends without
        // asking Redis again: a flood costs Redis one command per allowed event, not per event.
        inMemoryBlockOnConsumed: rate.points,
      });
      limiter = new RLWrapperTimeouts({ limiter: redis, timeoutMs: REDIS_TIMEOUT_MS });
    }
    return {
      take: async (key) => {
        try {
          await limiter.consume(key);
          return { ok: true };
        } catch (err) {
          if (err instanceof RateLimiterRes) return { ok: false, retryAfterMs: err.msBeforeNext };
          // Neither the store nor its insurance answered (never expected): let it through
          // rather than refuse everyone.
          this.logger.error({ err: safeError(err), limit: name }, 'rate limit check failed');
          return { ok: true };
        }
      },
    };
  }
}

/**
 * One socket's limit, in memory (a socket lives on one instance): a token bucket of `points`
 * refilled at `points` per `seconds`. Synchronous, unlike the library's stores, so that a
 * flood arriving in one chunk of data is refused from its first event over the limit, within
 * that chunk. A bucket rather than a window: events held up by a slow server and arriving
 * together afterwards find the tokens refilled meanwhile, and are not refused for it.
 */
export class LocalBucket {
  private tokens: number;
  private at = -Infinity;
  private readonly perMs: number;

  constructor(private readonly rate: Rate) {
    this.tokens = rate.points;
    this.perMs = rate.points / (rate.seconds * 1000);
  }

  take(now: number): Verdict {
    this.tokens = Math.min(this.rate.points, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - this.tokens) / this.perMs) };
  }
}

/**
 * A Redis connection of the limits' own, never waited for: the limits work from the first
 * request (on the insurance until Redis answers). Commands fail at once while it is down
 * (no offline queue), and its state changes are logged once each, not at every retry.
 */
async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const redis = await import('redis');
  const client = redis.createClient({
    url,
    disableOfflineQueue: true,
    // A Redis that hangs leaves commands unanswered: past this many, the next ones fail at
    // once (to the insurance) instead of piling up in memory.
    commandsQueueMaxLength: 1_000,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
  let up: boolean | undefined;
  client.on('ready', () => {
    if (up !== true) logger.info('rate limits shared through Redis');
    up = true;
  });
  client.on('error', (err: unknown) => {
    if (up !== false) {
      logger.warn(
        { err: safeError(err) },
        'rate limits: Redis unreachable, each instance counts on its own until it is back',
      );
    }
    up = false;
  });
  client.connect().catch(() => undefined);
  return client;
}
