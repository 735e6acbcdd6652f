// Peer descriptor: Hocuspocus with persistence (bench/servers/hocuspocus-db.ts: the Database
// extension storing into the same engine as escap). Same client as the `hocuspocus` peer.
import { fileURLToPath } from 'node:url';

export { createClient } from './hocuspocus.js';
export const name = 'hocuspocus-db';
export const kind = 'yjs';
export const versions = ['@hocuspocus/server', '@hocuspocus/extension-database', 'mongoose'];
export const server = {
  // Bundled by `node scripts/build-server.mjs --bench`, run with plain Node like escap.
  argv: [
    process.execPath,
    fileURLToPath(new URL('../.build/hocuspocus-db-server.mjs', import.meta.url)),
  ],
  ready: /READY/,
  readyTimeoutMs: 120_000,
  // Shutdown stores the documents still within their debounce.
  stopTimeoutMs: 15_000,
  dbStats: true,
};
