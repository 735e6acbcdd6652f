// Chat benchmark worker: holds a share of the simulated members (one socket.io connection each,
// with its own session cookie, as a browser), sends on the schedule it is given and measures
// the fan-out latency of every message it receives from others (process.hrtime is the same
// monotonic clock in every process of the host).
import { io } from 'socket.io-client';

const ACK_TIMEOUT_MS = 10_000;
let members = [];
const latencies = [];
const errors = { connect: 0, disconnect: 0, refused: 0, timeout: 0 };
const refusedCodes = {};
let sent = 0;
let acked = 0;
let received = 0;
let running = false;

const nowNs = () => process.hrtime.bigint();

function connect(url, member) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: member.cookie },
      reconnection: false,
      forceNew: true,
    });
    socket.once('session:ready', ({ professional }) => {
      member.id = professional.id;
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      errors.connect++;
      reject(err);
    });
    socket.on('disconnect', () => {
      if (running) errors.disconnect++;
    });
    socket.on('chat:message', (m) => {
      if (m.author.id === member.id) return;
      const match = /^bench (\d+)/.exec(m.text);
      if (!match) return;
      received++;
      latencies.push(Number(nowNs() - BigInt(match[1])) / 1e6);
    });
    member.socket = socket;
  });
}

function send(member, seq) {
  sent++;
  const text = `bench ${nowNs()} message ${seq} de la discussion de l'équipe`;
  member.socket
    .timeout(ACK_TIMEOUT_MS)
    .emit(
      'chat:send',
      { teamId: member.teamId, clientId: `b-${member.index}-${seq}-${process.pid}`, text },
      (err, result) => {
        if (err) errors.timeout++;
        else if (!result.ok) {
          errors.refused++;
          refusedCodes[result.error.code] = (refusedCodes[result.error.code] ?? 0) + 1;
        } else acked++;
      },
    );
}

/** Sends every `periodMs` from `offsetMs` on, until `durationMs`. */
function schedule(member, { periodMs, offsetMs, durationMs, startAt }) {
  let seq = 0;
  const tick = () => {
    const due = startAt + offsetMs + seq * periodMs;
    if (due - startAt >= durationMs) return;
    const wait = due - Date.now();
    if (wait > 0) return void setTimeout(tick, wait);
    send(member, seq++);
    setImmediate(tick);
  };
  tick();
}

process.on('message', async (msg) => {
  if (msg.type === 'init') {
    members = msg.members;
    try {
      // In batches: a thousand handshakes at once would measure the connection storm.
      for (let i = 0; i < members.length; i += 50) {
        await Promise.all(members.slice(i, i + 50).map((m) => connect(msg.url, m)));
      }
      process.send({ type: 'ready' });
    } catch (err) {
      process.send({ type: 'failed', error: String(err) });
    }
  } else if (msg.type === 'start') {
    running = true;
    for (const m of members) {
      for (const plan of msg.plans[m.index] ?? []) schedule(m, { ...plan, startAt: msg.startAt });
    }
  } else if (msg.type === 'collect') {
    running = false;
    process.send({ type: 'done', latencies, sent, acked, received, errors, refusedCodes });
    for (const m of members) m.socket?.close();
    setTimeout(() => process.exit(0), 100);
  }
});
