// The ESCAP server (bench/servers/escap.ts) with the app's real client provider: each simulated
// client is a socket.io connection that authenticates with its own session cookie (as a browser
// does) and runs `new NoteProvider(socket, { teamId, doc: 'plan' }, ydoc)`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';

export const name = 'escap';
export const kind = 'yjs';
export const versions = ['socket.io', 'socket.io-client', 'mongoose'];
export const server = {
  // The bundle `npm run bench:notes` builds first (scripts/build-server.mjs --bench): plain
  // Node with the production flags, not the TypeScript sources through tsx.
  argv: [
    process.execPath,
    ...SERVER_NODE_FLAGS,
    fileURLToPath(new URL('../.build/escap-server.mjs', import.meta.url)),
  ],
  env: { LOG_LEVEL: 'silent' },
  ready: /READY/,
  // Start-up includes the database and the seeding (2,000 professionals for W2 D=1000, or the
  // 50,000 stored W3 edits).
  readyTimeoutMs: 600_000,
  // Shutdown flushes pending note writes and compacts, which can take a while on jongodb.
  stopTimeoutMs: 15_000,
  // The server learns which documents and clients to seed from BENCH_ROSTER (set by bench.js),
  // and writes their sessions to BENCH_SEED_FILE.
  seedsRoster: true,
  // 'stored' W3 seeding: the server stores the fixture's updates in its database before READY.
  storedSeed: true,
  // Serves its database command counters (bench/lib/db-stats.ts).
  dbStats: true,
};
// The worker imports the app's TypeScript client provider.
export const workerExecArgv = ['--import', 'tsx'];

let NoteProvider;
let seed;
// Diagnostics: every join after a provider's first is a re-sync: after an error, or after an
// acknowledgement slower than 30 s (then in the background, edits keep flowing).
let counters = { resyncs: 0, unavailable: 0 };
export const stats = () => counters;
export const resetStats = () => {
  counters = { resyncs: 0, unavailable: 0 };
};

/** Called once in each worker, after the server is ready. */
export async function init(run) {
  ({ NoteProvider } = await import('../../client/src/features/notes/provider.ts'));
  seed = JSON.parse(readFileSync(run.seedFile, 'utf8'));
}

export function createClient({ host, port, docName, doc, slot = 0 }) {
  const entry = seed.docs[docName];
  if (!entry) throw new Error(`escap peer: document ${docName} was not seeded`);
  const socket = io(`http://${host}:${port}`, {
    transports: ['websocket'],
    extraHeaders: { cookie: entry.cookies[slot % entry.cookies.length] },
    reconnection: false,
    forceNew: true,
  });
  let joins = 0;
  socket.onAnyOutgoing((event) => {
    if (event === 'note:join' && ++joins > 1) counters.resyncs++;
  });
  const provider = new NoteProvider(socket, { teamId: entry.teamId, doc: 'plan' }, doc);
  const synced = new Promise((resolve, reject) => {
    if (provider.synced) resolve();
    provider.on('synced', () => resolve());
    provider.on('status', (s) => {
      if (s === 'unavailable') {
        counters.unavailable++;
        reject(new Error(`note unavailable: ${provider.error?.code}`));
      }
    });
    socket.on('connect_error', (err) => reject(err));
  });
  return {
    synced,
    destroy() {
      provider.destroy();
      socket.close();
    },
  };
}
