/**
 * `npm run bench:flood [-- --scenarios off,memory,redis --flood 10000 --interval 50 ...]`
 *
 * Fairness under a flood: the real server (server/src/main.ts, embedded database: jongodb
 * here, or MONGODB_URI) with one team of three members. One member, in a process of its own,
 * sends `--flood` `chat:send` as fast as it can from one socket, `--floods` times `--every` s
 * apart (a new socket each time, as a client that reconnects after being cut); meanwhile
 * another member sends a message every `--interval` ms and times each acknowledgement, and the
 * third times an HTTP request (`GET /api/teams`) every `--http-interval` ms. Printed per
 * scenario: their p50, p95, p99 and max before and during the floods, how each flood was
 * answered, and the server's RSS.
 *
 * Scenarios: `off` (RATE_LIMITS=false: the problem, one flood only), `memory` (the default limits, one
 * instance), `redis` (the same with REDIS_URL, counters and rooms through Redis; skipped when
 * no Redis answers at --redis-url).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { buildSignUp } from '../../test/factories.js';
import { Agent } from '../../test/helpers/http.js';
import { severeInclusion } from './grid.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: opt } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'off,memory,redis' },
    flood: { type: 'string', default: '10000' },
    /** Floods per scenario, each from a new socket (a client that reconnects), this far apart. */
    floods: { type: 'string', default: '10' },
    every: { type: 'string', default: '2' },
    interval: { type: 'string', default: '50' },
    'http-interval': { type: 'string', default: '200' },
    /** Seconds of quiet measurement before the flood starts. */
    before: { type: 'string', default: '5' },
    /** Seconds measured after the flood was all answered (at least). */
    after: { type: 'string', default: '3' },
    /** Give up on the flood's acknowledgements after this many seconds. */
    'flood-timeout': { type: 'string', default: '90' },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const num = (k: keyof typeof opt) => Number(opt[k]);

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.quit();
    return true;
  } catch {
    return false;
  }
}

/** The real entry point in its own process, as `npm start` runs it (minus the build). */
async function startServer(env: Record<string, string>) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'escap-flood-'));
  const mongo = process.env.MONGODB_URI;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'error',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      EMBEDDED_MONGO_ENGINE: 'jongodb',
      EMBEDDED_MONGO_DOWNLOAD: '0',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      ...(mongo
        ? {
            MONGODB_URI: mongo.replace(
              /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/,
              `$1/escap-flood-${Date.now()}`,
            ),
          }
        : {}),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('the server exited at start-up');
    const up = await fetch(`${baseUrl}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error('the server did not answer within 60 s');
    await sleep(200);
  }
  return {
    baseUrl,
    child,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident and peak memory of a process (kB), from /proc. */
function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

async function signedUp(baseUrl: string, profession: 'medecin' | 'infirmier' | 'pharmacien') {
  const agent = new Agent(baseUrl);
  const input = buildSignUp({ profession });
  await agent.init();
  const res = await agent.post<{ professional: { id: string } }>('/api/auth/signup', input);
  if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, input };
}

/** One ACTIVE team: a médecin (creator, médecin traitant), an infirmier and a pharmacien. */
async function activeTeam(baseUrl: string) {
  const [medecin, infirmier, pharmacien] = await Promise.all([
    signedUp(baseUrl, 'medecin'),
    signedUp(baseUrl, 'infirmier'),
    signedUp(baseUrl, 'pharmacien'),
  ]);
  const created = await medecin.agent.post<{ team: { id: string } }>('/api/teams', {
    patient: {
      identity: {
        birthName: 'Flot',
        firstNames: 'Jeanne',
        sex: 'F',
        birthDate: '1948-05-12',
        birthPlaceCode: '75056',
      },
      ins: '185057800608491',
      contact: { phone: '01 23 45 67 89', address: '3 rue des Lilas, 75011 Paris' },
    },
    inclusion: severeInclusion(),
    consent: { date: new Date().toISOString().slice(0, 10), method: 'oral' },
    medecinTraitant: { self: true },
  });
  if (created.status !== 201) throw new Error(`team: ${created.status}`);
  const teamId = created.body.team.id;
  for (const member of [infirmier, pharmacien]) {
    const invited = await medecin.agent.post<{ invitation: { id: string } }>(
      `/api/teams/${teamId}/invitations`,
      { invitee: { rpps: member.input.rpps } },
    );
    if (invited.status !== 201) throw new Error(`invitation: ${invited.status}`);
    const accepted = await member.agent.post(
      `/api/invitations/${invited.body.invitation.id}/accept`,
    );
    if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
  }
  return { teamId, flooder: medecin.agent, sender: infirmier.agent, reader: pharmacien.agent };
}

function connected(baseUrl: string, agent: Agent): Promise<Socket> {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { cookie: agent.cookieHeader() },
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    socket.once('session:ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

interface FloodResult {
  emitMs: number;
  lastAckMs: number;
  /** When the flood was over for the server: all answered, or the socket cut. */
  endMs: number;
  answered: number;
  end: 'answered' | 'disconnected' | 'timeout';
  codes: Record<string, number>;
}

async function startFlooder(baseUrl: string, cookie: string, teamId: string) {
  const child: ChildProcess = fork(path.join(here, 'flooder.ts'), [], {
    execArgv: ['--import', 'tsx'],
    cwd: root,
  });
  type Message = { type: string; message?: string } & Partial<FloodResult>;
  // Messages in arrival order; each wait takes the first of its kind off the queue.
  const queue: Message[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m) => {
    queue.push(m as Message);
    for (const w of waiters.splice(0)) w();
  });
  const next = (type: string) =>
    new Promise<Message>((resolve, reject) => {
      const check = () => {
        const i = queue.findIndex((m) => m.type === type || m.type === 'error');
        if (i < 0) return void waiters.push(check);
        const [found] = queue.splice(i, 1);
        if (found!.type === 'error') reject(new Error(found!.message));
        else resolve(found!);
      };
      check();
    });
  child.send({
    url: baseUrl,
    cookie,
    teamId,
    count: num('flood'),
    timeoutMs: num('flood-timeout') * 1000,
  });
  await next('ready');
  return {
    flood: async () => {
      child.send('flood');
      return (await next('done')) as unknown as FloodResult;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

function quantiles(samples: Sample[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const q = (p: number) =>
    ms.length ? ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]! : NaN;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    n: ms.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    max: round(ms.at(-1) ?? NaN),
    failed: samples.filter((s) => !s.ok).length,
  };
}

async function scenario(name: string, env: Record<string, string>) {
  const server = await startServer(env);
  try {
    const team = await activeTeam(server.baseUrl);
    const senderSocket = await connected(server.baseUrl, team.sender);
    // Reported: a measuring socket cut for any reason would fail every send after it.
    const senderDisconnects: string[] = [];
    senderSocket.on('disconnect', (reason) => senderDisconnects.push(reason));
    const flooder = await startFlooder(server.baseUrl, team.flooder.cookieHeader(), team.teamId);

    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const acks: Sample[] = [];
    const http: Sample[] = [];
    const memory: Array<{ at: number; rssKb: number }> = [];
    let running = true;

    const sendLoop = (async () => {
      const pending: Array<Promise<void>> = [];
      for (let i = 0; running; i++) {
        const at = now();
        pending.push(
          senderSocket
            .timeout(60_000)
            .emitWithAck('chat:send', {
              teamId: team.teamId,
              clientId: randomUUID(),
              text: `Mesure ${i}`,
            })
            .then(
              (ack: { ok: boolean }) => void acks.push({ at, ms: now() - at, ok: ack.ok }),
              () => void acks.push({ at, ms: now() - at, ok: false }),
            ),
        );
        await sleep(Math.max(0, (i + 1) * num('interval') - now()));
      }
      await Promise.all(pending);
    })();
    const httpLoop = (async () => {
      const pending: Array<Promise<void>> = [];
      for (let i = 0; running; i++) {
        const at = now();
        pending.push(
          team.reader.get('/api/teams').then(
            (res) => void http.push({ at, ms: now() - at, ok: res.status === 200 }),
            () => void http.push({ at, ms: now() - at, ok: false }),
          ),
        );
        await sleep(Math.max(0, (i + 1) * num('http-interval') - now()));
      }
      await Promise.all(pending);
    })();
    const memoryLoop = setInterval(() => {
      memory.push({ at: now(), rssKb: memoryOf(server.child.pid!).rssKb });
    }, 100);

    await sleep(num('before') * 1000);
    const floodAt = now();
    const floods: FloodResult[] = [];
    const starts: number[] = [];
    const count = name === 'off' ? 1 : num('floods');
    for (let i = 0; i < count; i++) {
      await sleep(Math.max(0, floodAt + i * num('every') * 1000 - now()));
      starts.push(now());
      floods.push(await flooder.flood());
    }
    // "During": from the first flood to one second after the last was over for the server.
    const floodEnd = now() + 1000;
    await sleep(num('after') * 1000);
    running = false;
    await Promise.all([sendLoop, httpLoop]);
    clearInterval(memoryLoop);
    const { hwmKb } = memoryOf(server.child.pid!);
    flooder.kill();
    senderSocket.close();

    const before = (s: Sample[]) => s.filter((x) => x.at < floodAt);
    const during = (s: Sample[]) => s.filter((x) => x.at >= floodAt && x.at <= floodEnd);
    const mb = (kb: number) => Math.round(kb / 1024);
    const rssBefore = memory.filter((m) => m.at < floodAt).at(-1)?.rssKb ?? 0;
    return {
      scenario: name,
      flood: {
        floods: floods.length,
        sent: num('flood'),
        // Per flood: how long the burst took to emit, and until it was over for the server.
        emitMs: floods.map((f) => Math.round(f.emitMs)),
        endMs: floods.map((f) => Math.round(f.endMs)),
        end: floods.map((f) => f.end),
        answered: floods.map((f) => f.answered),
        codes: floods.map((f) => f.codes),
      },
      ack: { before: quantiles(before(acks)), during: quantiles(during(acks)) },
      // The slowest acknowledgement of a message sent within each flood's `every` seconds.
      ackMaxPerFlood: starts.map((start) =>
        Math.round(
          Math.max(
            0,
            ...acks
              .filter((a) => a.at >= start && a.at < start + num('every') * 1000)
              .map((a) => a.ms),
          ),
        ),
      ),
      senderDisconnects,
      http: { before: quantiles(before(http)), during: quantiles(during(http)) },
      rssMb: {
        before: mb(rssBefore),
        peak: mb(Math.max(...memory.map((m) => m.rssKb))),
        hwm: mb(hwmKb),
      },
    };
  } finally {
    await server.stop();
  }
}

const scenarios: Record<string, Record<string, string>> = {
  off: { RATE_LIMITS: 'false' },
  memory: { RATE_LIMITS: 'true' },
  redis: {
    RATE_LIMITS: 'true',
    REDIS_URL: opt['redis-url'],
    REDIS_PREFIX: `escap-bench:${Date.now()}`,
  },
};

const chosen = opt.scenarios.split(',').map((s) => s.trim());
console.log(
  `bench:flood — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'jongodb (embedded stand-in)'}`,
);
const results = [];
for (const name of chosen) {
  const env = scenarios[name];
  if (!env) throw new Error(`unknown scenario ${name} (off, memory, redis)`);
  if (name === 'redis' && !(await redisAnswers(opt['redis-url']))) {
    console.log(`redis: skipped, no Redis at ${opt['redis-url']}`);
    continue;
  }
  const result = await scenario(name, env);
  results.push(result);
  console.log(JSON.stringify(result));
}

const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const figures = (q: ReturnType<typeof quantiles>) => `${q.p50} / ${q.p95} / ${q.p99} / ${q.max}`;
console.log(
  '\n' +
    [
      row([
        'scenario',
        'floods: emitted in / over in (ms), how',
        'answers per flood: ok / rate_limited',
        'ack p50 / p95 / p99 / max, before (ms)',
        'during',
        'HTTP p50 / p95 / p99 / max, before',
        'during',
        'RSS before → peak (MB)',
        'slowest ack per flood (ms)',
      ]),
      row(Array<string>(9).fill('---')),
      ...results.map((r) =>
        row([
          r.scenario,
          r.flood.endMs.map((ms, i) => `${r.flood.emitMs[i]}/${ms} ${r.flood.end[i]}`).join(', '),
          r.flood.codes.map((c) => `${c.ok ?? 0}/${c.rate_limited ?? 0}`).join(', '),
          `${figures(r.ack.before)} (n=${r.ack.before.n})`,
          `${figures(r.ack.during)} (n=${r.ack.during.n}, failed ${r.ack.during.failed})`,
          `${figures(r.http.before)} (n=${r.http.before.n})`,
          `${figures(r.http.during)} (n=${r.http.during.n}, failed ${r.http.during.failed})`,
          `${r.rssMb.before} → ${r.rssMb.peak}`,
          r.ackMaxPerFlood.join(', '),
        ]),
      ),
    ].join('\n'),
);
process.exit(0);
