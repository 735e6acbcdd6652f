// "Physical floor": a plain `ws` room relay with no Yjs.
// Frame type byte 0x00 = relay to every *other* socket in the same room (URL path).
// Frame type byte 0x01 = store as the room snapshot (not relayed, acked with 0x02); sent to every new joiner (W3).
import { WebSocketServer } from 'ws';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 1234);
const rooms = new Map();
const snapshots = new Map();
const wss = new WebSocketServer({ host, port });
wss.on('connection', (ws, req) => {
  const room = req.url;
  let set = rooms.get(room);
  if (!set) rooms.set(room, (set = new Set()));
  set.add(ws);
  const snap = snapshots.get(room);
  if (snap) ws.send(snap);
  ws.on('message', (data) => {
    if (data[0] === 1) {
      snapshots.set(room, data);
      ws.send(Buffer.from([2]));
      return;
    } // 0x02 = stored
    for (const peer of set) if (peer !== ws && peer.readyState === 1) peer.send(data);
  });
  ws.on('close', () => {
    set.delete(ws);
  });
});
wss.on('listening', () => console.log('READY'));
