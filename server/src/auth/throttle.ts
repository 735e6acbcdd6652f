import type { Model } from 'mongoose';
import { isDuplicateKey } from '../db/errors.js';
import { AppError } from '../http/errors.js';
import type { LoginAttemptDoc } from './model.js';

/**
 * Sign-in throttling that an attacker cannot turn into a permanent lock-out of a real user:
 * - failures are counted per (identifier, IP): after `maxFailures` the pair is blocked for a
 *   delay that doubles with each further failure, capped at `maxBlockMs`. Another IP (the real
 *   user at their practice) is not affected, and a success clears the pair;
 * - failures are also counted per IP over a window, which stops one address spraying many accounts.
 * Every block expires by itself. Counters live in MongoDB so that all instances share them.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  baseBlockMs: number;
  maxBlockMs: number;
  ipMaxFailures: number;
  ipWindowMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  maxFailures: 5,
  baseBlockMs: 30_000,
  maxBlockMs: 15 * 60_000,
  ipMaxFailures: 100,
  ipWindowMs: 15 * 60_000,
};

const DAY_MS = 24 * 3600_000;

export class LoginThrottle {
  constructor(
    private readonly attempts: Model<LoginAttemptDoc>,
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 too_many_attempts while the identifier/IP pair or the IP is blocked. */
  async check(identifier: string, ip: string): Promise<void> {
    const docs = await this.attempts
      .find({ _id: { $in: [pairKey(identifier, ip), ipKey(ip)] } })
      .lean();
    const now = this.now();
    const until = Math.max(0, ...docs.map((d) => d.blockedUntil?.getTime() ?? 0));
    if (until > now) {
      throw new AppError('too_many_attempts', { retryAfter: Math.ceil((until - now) / 1000) });
    }
  }

  async recordFailure(identifier: string, ip: string): Promise<void> {
    const now = this.now();
    const pair = await this.increment(pairKey(identifier, ip), now);
    if (pair.failures >= this.policy.maxFailures) {
      const exponent = pair.failures - this.policy.maxFailures;
      const block = Math.min(this.policy.maxBlockMs, this.policy.baseBlockMs * 2 ** exponent);
      await this.attempts.updateOne(
        { _id: pair._id },
        { $set: { blockedUntil: new Date(now + block) } },
      );
    }

    let perIp = await this.increment(ipKey(ip), now);
    if (perIp.windowStart.getTime() + this.policy.ipWindowMs < now) {
      // The window is over: start a new one with this failure.
      await this.attempts.updateOne(
        { _id: perIp._id },
        { $set: { failures: 1, windowStart: new Date(now), blockedUntil: null } },
      );
      perIp = { ...perIp, failures: 1, windowStart: new Date(now) };
    }
    if (perIp.failures >= this.policy.ipMaxFailures) {
      const until = perIp.windowStart.getTime() + this.policy.ipWindowMs;
      await this.attempts.updateOne(
        { _id: perIp._id },
        { $set: { blockedUntil: new Date(until) } },
      );
    }
  }

  /** A success clears the pair only: the per-IP window still counts (one valid account must not reset it). */
  async recordSuccess(identifier: string, ip: string): Promise<void> {
    await this.attempts.deleteOne({ _id: pairKey(identifier, ip) });
  }

  private async increment(key: string, now: number): Promise<LoginAttemptDoc & { _id: string }> {
    const update = {
      $inc: { failures: 1 },
      $setOnInsert: { windowStart: new Date(now) },
      $set: { expiresAt: new Date(now + DAY_MS) },
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.attempts
          .findOneAndUpdate({ _id: key }, update, { upsert: true, returnDocument: 'after' })
          .lean<LoginAttemptDoc & { _id: string }>();
        if (!doc) throw new Error('upsert returned no document');
        return doc;
      } catch (err) {
        // Two concurrent upserts of a new key: one wins, the other retries as an update.
        if (attempt === 0 && isDuplicateKey(err)) continue;
        throw err;
      }
    }
  }
}

const pairKey = (identifier: string, ip: string) => `pair:${identifier}|${ip}`;
const ipKey = (ip: string) => `ip:${ip}`;
