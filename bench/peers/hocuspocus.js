// Peer descriptor: a server start command + a client factory.
import WebSocket from 'ws';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { fileURLToPath } from 'node:url';

export const name = 'hocuspocus';
export const kind = 'yjs';
// argv to spawn (HOST and PORT are passed in the environment). `ready` is a stdout regex;
// leave it out and the harness waits until the TCP port accepts connections.
export const server = {
  argv: [process.execPath, fileURLToPath(new URL('../servers/hocuspocus.js', import.meta.url))],
  ready: /READY/,
};
export const versions = ['@hocuspocus/server', '@hocuspocus/provider'];

// Must return { synced: Promise<void>, destroy(): void }. The harness owns `doc`.
export function createClient({ host, port, docName, doc }) {
  const provider = new HocuspocusProvider({
    url: `ws://${host}:${port}`,
    name: docName,
    document: doc,
    WebSocketPolyfill: WebSocket,
  });
  const synced = new Promise((resolve) => {
    if (provider.isSynced) resolve();
    provider.on('synced', () => resolve());
  });
  return { synced, destroy: () => provider.destroy() };
}
