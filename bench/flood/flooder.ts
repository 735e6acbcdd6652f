/**
 * The flooding client of `npm run bench:flood`, in a process of its own so that encoding its
 * bursts does not stall the measuring client's clock. Told by its parent (IPC) where to connect
 * and with which session. Each `flood` message: a new socket (as a client that reconnects after
 * being cut), `count` `chat:send` emitted as fast as it can, each with its acknowledgement;
 * then it reports how long the burst took, what the acknowledgements said, and how it ended
 * (all answered, or the socket cut by the server).
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

interface Start {
  url: string;
  cookie: string;
  teamId: string;
  count: number;
  /** Give up waiting for acknowledgements after this long. */
  timeoutMs: number;
}

type End = 'answered' | 'disconnected' | 'timeout';

const send = (message: unknown) => process.send?.(message);

process.once('message', (start: Start) => {
  send({ type: 'ready' });
  let round = 0;
  process.on('message', () => {
    round += 1;
    const socket = io(start.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: start.cookie },
      reconnection: false,
      forceNew: true,
    });
    socket.once('session:ready', () => flood(socket, start, round));
    socket.once('connect_error', (err) => send({ type: 'error', message: err.message }));
  });
});

function flood(socket: Socket, start: Start, round: number): void {
  const codes: Record<string, number> = {};
  let answered = 0;
  let lastAckMs = 0;
  let emitMs = 0;
  let done = false;
  const t0 = performance.now();
  const finish = (end: End) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    send({ type: 'done', emitMs, lastAckMs, answered, end, endMs: performance.now() - t0, codes });
    socket.close();
  };
  const timer = setTimeout(() => finish('timeout'), start.timeoutMs);
  // The server may cut a socket that keeps sending past its limit: the rest goes unanswered.
  socket.once('disconnect', () => finish('disconnected'));
  for (let i = 0; i < start.count; i++) {
    socket.emit(
      'chat:send',
      { teamId: start.teamId, clientId: randomUUID(), text: `Flot ${round}.${i}` },
      (ack: { ok: boolean; error?: { code: string } }) => {
        const code = ack.ok ? 'ok' : (ack.error?.code ?? 'unknown');
        codes[code] = (codes[code] ?? 0) + 1;
        answered += 1;
        lastAckMs = performance.now() - t0;
        if (answered === start.count) finish('answered');
      },
    );
  }
  emitMs = performance.now() - t0;
}
