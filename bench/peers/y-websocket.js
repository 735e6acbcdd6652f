import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { createRequire } from 'node:module';
import path from 'node:path';

// The package's bin is not in its exports map: locate it beside its package.json.
const serverBin = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@y/websocket-server/package.json')),
  'src/server.js',
);

export const name = 'y-websocket';
export const kind = 'yjs';
// The package's own bin, unmodified (reads HOST/PORT from env, logs "running at ...").
export const server = {
  argv: [process.execPath, serverBin],
  ready: /running at/,
};
export const versions = ['@y/websocket-server', 'y-websocket'];

process.setMaxListeners(0); // the provider adds one process 'exit' listener per instance

export function createClient({ host, port, docName, doc }) {
  const provider = new WebsocketProvider(`ws://${host}:${port}`, docName, doc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true, // no BroadcastChannel shortcut between clients in one process
  });
  const synced = new Promise((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (s) => {
      if (s) resolve();
    });
  });
  return { synced, destroy: () => provider.destroy() };
}
