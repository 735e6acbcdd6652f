// How the write cost of the embedded stand-in (jongodb) grows with a collection's size, which
// decides what scale the benchmarks can run at without a real MongoDB:
//   node --import tsx bench/probe/jongodb-writes.ts
// Measured 2026-11-23 (2 cores, other jobs running): at 1,000 documents insertOne 12.5 ms,
// insertMany(100) 23 ms, updateOne 29 ms, a bulk of 100 updateOne 2.5 s, findOne 1.1 ms; at
// 10,000 documents insertOne 1.14 s, insertMany(100) 1.22 s, updateOne 1.29 s. Each write
// command costs about 0.1 ms per document already in the collection, each update statement
// too; reads stay around 1 ms.
// The growth is faster than linear and does not come from indexes: with no secondary index, an
// insertMany(100) took 32 ms at 2,300 documents and 744 ms at 10,600 (x4.6 the documents, x23
// the time); a unique index doubled both (57 ms, 1.28 s). A collection of 30,000 messages (the
// chat benchmark's 60 s at 1,000 clients) is thus out of reach of any design on jongodb.
import mongoose from 'mongoose';
import { startDatabase } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';
const db = await startDatabase({ uri: undefined, logger: createLogger('silent', false) });
const conn = await mongoose
  .createConnection(db.uri, { dbName: 'probe', serverMonitoringMode: 'poll' })
  .asPromise();
const c = conn.db!.collection('x');
await c.createIndex({ k: 1 }, { unique: true });
await c.createIndex({ team: 1, _id: 1 });
let n = 0;
const t = async (label: string, f: () => Promise<unknown>, reps = 3) => {
  const s = performance.now();
  for (let i = 0; i < reps; i++) await f();
  console.log(`N=${n} ${label}: ${((performance.now() - s) / reps).toFixed(1)} ms`);
};
for (const target of [1000, 10000]) {
  while (n < target) {
    const batch = Array.from({ length: 1000 }, () => ({
      k: n++,
      team: n % 200,
      text: 'x'.repeat(60),
    }));
    await c.insertMany(batch);
  }
  await t('insertOne', () => c.insertOne({ k: n++, team: 1, text: 'y' }));
  await t('insertMany 100', () =>
    c.insertMany(Array.from({ length: 100 }, () => ({ k: n++, team: 2, text: 'z' }))),
  );
  await t('updateOne by k', () => c.updateOne({ k: 5 }, { $inc: { c: 1 } }));
  await t('bulk 10 updateOne', () =>
    c.bulkWrite(
      Array.from({ length: 10 }, (_, i) => ({
        updateOne: { filter: { k: i }, update: { $inc: { c: 1 } } },
      })),
    ),
  );
  await t('findOne by k', () => c.findOne({ k: 7 }));
  await t('find team range', () => c.find({ team: 3 }).sort({ _id: -1 }).limit(50).toArray());
  await t('count team gt', () =>
    c.countDocuments({
      team: 3,
      _id: { $gt: new mongoose.Types.ObjectId('000000000000000000000000') },
    }),
  );
}
await conn.close();
await db.stop();
