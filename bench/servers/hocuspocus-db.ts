// Hocuspocus WITH persistence, the fair peer of the notes benchmark: @hocuspocus/server with its
// library defaults (debounce 2,000 ms, maxDebounce 10,000 ms) and the official Database
// extension, storing each document's full state into the same database engine escap uses,
// started the same way (`startDatabase`: MONGODB_URI, else a local mongod, else jongodb) and
// reached through the same connection settings (`openConnection`). One collection, one
// document per note: { _id: name, state, updatedAt }. Bundled by
// `node scripts/build-server.mjs --bench` like the escap peer.
//
// Environment (set by bench/bench.js): HOST, PORT; BENCH_STATS_PORT for the command counters.
// Prints READY once listening.
import { writeFileSync } from 'node:fs';
import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import mongoose from 'mongoose';
import { openConnection } from '../../server/src/db/connection.js';
import { startDatabase } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';
import { countCommands, serveStats } from '../lib/db-stats.js';

const { Binary } = mongoose.mongo;
const logger = createLogger('silent', false);
const database = await startDatabase({ uri: process.env.MONGODB_URI, logger });
const dbName =
  database.engine === 'mongodb' ? `hocuspocus-bench-${process.pid}-${Date.now()}` : 'hocuspocus';
const conn = await openConnection(database.uri, { dbName, monitorCommands: true });
serveStats(countCommands(conn.getClient()));
const docs = conn
  .getClient()
  .db(dbName)
  .collection<{ _id: string; state: InstanceType<typeof Binary>; updatedAt: Date }>('documents');

const server = new Server({
  port: Number(process.env.PORT || 1234),
  address: process.env.HOST || '127.0.0.1',
  quiet: true,
  extensions: [
    new Database({
      fetch: async ({ documentName }) => {
        const row = await docs.findOne({ _id: documentName });
        return row ? new Uint8Array(row.state.buffer) : null;
      },
      store: async ({ documentName, state }) => {
        await docs.updateOne(
          { _id: documentName },
          { $set: { state: new Binary(state), updatedAt: new Date() } },
          { upsert: true },
        );
      },
    }),
  ],
});
await server.listen();
// The harness reads the engine from the seed file, as it does escap's.
if (process.env.BENCH_SEED_FILE)
  writeFileSync(process.env.BENCH_SEED_FILE, JSON.stringify({ engine: database.engine }));
console.log('READY');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // destroy() stores the documents still waiting for their debounce, then closes.
  void server
    .destroy()
    .then(async () => {
      if (database.engine === 'mongodb') await conn.dropDatabase();
      await conn.close();
    })
    .then(() => database.stop())
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
