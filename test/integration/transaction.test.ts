import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openConnection } from '../../server/src/db/connection.js';
import { isDuplicateKey } from '../../server/src/db/errors.js';
import { transaction } from '../../server/src/db/transaction.js';

interface Counter {
  _id: string;
  n: number;
}
interface Row {
  key: string;
}

let conn: Connection;
let Counter: Model<Counter>;
let Row: Model<Row>;

beforeAll(async () => {
  conn = await openConnection(inject('mongoUri'), {
    dbName: `escap_tx_${randomBytes(6).toString('hex')}`,
  });
  Counter = conn.model<Counter>('Counter', new Schema({ _id: String, n: Number }));
  const rowSchema = new Schema({ key: String });
  rowSchema.index({ key: 1 }, { unique: true });
  Row = conn.model<Row>('Row', rowSchema);
  // Indexes create their collections (the stand-in has no `create` command).
  await Counter.createIndexes();
  await Row.createIndexes();
});
afterAll(async () => {
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
});

describe('transaction()', () => {
  it('commits every write together and returns the result', async () => {
    const result = await transaction(conn, async (session) => {
      await Counter.create([{ _id: 'a', n: 1 }], { session });
      await Row.create([{ key: 'a' }], { session });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await Counter.countDocuments({ _id: 'a' })).toBe(1);
    expect(await Row.countDocuments({ key: 'a' })).toBe(1);
  });

  it('writes nothing when the work throws', async () => {
    await expect(
      transaction(conn, async (session) => {
        await Counter.create([{ _id: 'b', n: 1 }], { session });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await Counter.countDocuments({ _id: 'b' })).toBe(0);
  });

  it('keeps a duplicate key a duplicate key, and writes nothing of that transaction', async () => {
    await Row.create({ key: 'taken' });
    const err = await transaction(conn, async (session) => {
      await Counter.create([{ _id: 'c', n: 1 }], { session });
      await Row.create([{ key: 'taken' }], { session });
    }).catch((e: unknown) => e);
    expect(isDuplicateKey(err)).toBe(true);
    expect(await Counter.countDocuments({ _id: 'c' })).toBe(0);
  });

  it('runs many at once on one document without losing an increment', async () => {
    await Counter.create({ _id: 'shared', n: 0 });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        transaction(conn, async (session) => {
          const doc = await Counter.findById('shared').session(session).lean();
          await Counter.updateOne({ _id: 'shared' }, { $set: { n: doc!.n + 1 } }, { session });
        }),
      ),
    );
    expect((await Counter.findById('shared').lean())!.n).toBe(20);
  });

  it('gives one winner when several insert the same unique key at once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        transaction(conn, async (session) => {
          await Counter.create([{ _id: `race-${i}`, n: i }], { session });
          await Row.create([{ key: 'race' }], { session });
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(isDuplicateKey(r.reason)).toBe(true);
    expect(await Counter.countDocuments({ _id: /^race-/ })).toBe(1);
  });
});
