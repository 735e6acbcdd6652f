// Floor reference: no Yjs on the server and no Yjs decoding on W1/W2 receivers.
import WebSocket from 'ws';
import { fileURLToPath } from 'node:url';

export const name = 'raw-ws';
export const kind = 'raw';
export const server = {
  argv: [process.execPath, fileURLToPath(new URL('../servers/raw-ws.js', import.meta.url))],
  ready: /READY/,
};
export const versions = ['ws'];

// Raw clients return { synced, send(Uint8Array), onMessage(cb(Uint8Array)), destroy() }.
export function createClient({ host, port, docName }) {
  const ws = new WebSocket(`ws://${host}:${port}/${docName}`);
  const handlers = [];
  ws.on('message', (data) => {
    for (const h of handlers) h(data);
  });
  const synced = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    synced,
    send: (buf) => ws.send(buf),
    onMessage: (cb) => handlers.push(cb),
    destroy: () => ws.close(),
  };
}
