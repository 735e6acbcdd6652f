// `npm run bench:instances`: two server processes (the real entry point) on one database and
// one Redis, editors on instance A and observers on instance B and on A itself:
//   1. live: edit latency from A's editor to an observer on B (cross-instance) and to one on A
//      (same instance), p50/p95/p99 in ms, side by side;
//   2. Redis lost: Redis is killed while editors on both instances go on typing; acknowledged
//      edits meanwhile, then the time from Redis being back to both instances serving every
//      acknowledged edit.
// tsx bench/instances/run.ts [--pairs 10] [--edits 100] [--interval 20] [--outage 3]
// MONGODB_URI selects a real MongoDB; else the stand-in (printed).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io as ioClient, type Socket } from 'socket.io-client';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { decodeRelay, NOTE_FRAGMENT } from '../../shared/src/notes.js';
import { startDatabase } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';
import { severeInclusion } from '../flood/grid.js';

const { values: opt } = parseArgs({
  options: {
    pairs: { type: 'string', default: '10' },
    edits: { type: 'string', default: '100' },
    interval: { type: 'string', default: '20' },
    outage: { type: 'string', default: '3' },
  },
});
const PAIRS = Number(opt.pairs);
const EDITS = Number(opt.edits);
const INTERVAL = Number(opt.interval);
const OUTAGE_S = Number(opt.outage);

/** Nearest-rank percentiles of latencies in ms. */
function summarize(lat: number[]) {
  const s = [...lat].sort((x, y) => x - y);
  const at = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  return { samples: s.length, p50: at(50), p95: at(95), p99: at(99) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
}

function startServer(port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret',
    },
    stdio: 'ignore',
  });
}

const ready = (base: string) =>
  fetch(`${base}/api/ready`)
    .then((r) => r.status)
    .catch(() => 0);

/** A signed-in browser stand-in: cookies and the CSRF header. */
class Browser {
  cookies = new Map<string, string>();
  constructor(public base: string) {}
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  on(base: string): Browser {
    const b = new Browser(base);
    b.cookies = new Map(this.cookies);
    return b;
  }
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { cookie: this.header() };
    const csrf = this.cookies.get('escap_csrf');
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      this.cookies.set(k!, v ?? '');
    }
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}

let rpps = 10_000_000_000 + Math.floor(Math.random() * 1e8);
async function signUp(base: string, profession: string): Promise<Browser> {
  const b = new Browser(base);
  await b.call('GET', '/api/session');
  const n = String(rpps++);
  await b.call('POST', '/api/auth/signup', {
    rpps: n,
    profession,
    firstName: 'Banc',
    lastName: 'Essai',
    email: `bench.${n}@exemple.fr`,
    password: 'un mot de passe solide',
  });
  return b;
}

/** A note client speaking the wire protocol, timing when each token arrives. */
class Note {
  doc = new Y.Doc();
  socket: Socket;
  arrivals = new Map<string, number>();
  constructor(
    browser: Browser,
    private teamId: string,
  ) {
    this.socket = ioClient(browser.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: browser.header() },
      forceNew: true,
    });
    this.socket.on('note:update', (p: { teamId: string; update: string }) => {
      if (p.teamId !== this.teamId) return;
      const before = this.text();
      Y.applyUpdate(this.doc, decodeRelay(p.update), 'remote');
      const now = performance.now();
      for (const token of this.text().split(' ')) {
        if (token && !this.arrivals.has(token) && !before.includes(token))
          this.arrivals.set(token, now);
      }
    });
  }
  /** The note's text: the editor's fragment holds paragraphs of text. */
  text(): string {
    return this.doc
      .getXmlFragment(NOTE_FRAGMENT)
      .toArray()
      .map((p) => {
        const text = (p as Y.XmlElement).get(0) as Y.XmlText | undefined;
        return text ? String(text) : '';
      })
      .join('\n');
  }
  async join(): Promise<void> {
    await new Promise<void>((r) => this.socket.once('session:ready', () => r()));
    const enc = encoding.createEncoder();
    syncProtocol.writeSyncStep1(enc, this.doc);
    const ack = (await this.socket.emitWithAck('note:join', {
      teamId: this.teamId,
      doc: 'plan',
      message: encoding.toUint8Array(enc),
    })) as { ok: boolean; data: { messages: ArrayBuffer[] } };
    if (!ack.ok) throw new Error('join refused');
    const dec = decoding.createDecoder(new Uint8Array(ack.data.messages[0]!));
    syncProtocol.readSyncMessage(dec, encoding.createEncoder(), this.doc, 'remote');
  }
  /** Types a token; resolves when the server acknowledged it (stored). */
  async type(token: string): Promise<boolean> {
    let update: Uint8Array | undefined;
    const grab = (u: Uint8Array, origin: unknown) => origin !== 'remote' && (update = u);
    this.doc.on('update', grab);
    this.doc.transact(() => {
      const fragment = this.doc.getXmlFragment(NOTE_FRAGMENT);
      let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
      if (!paragraph) {
        paragraph = new Y.XmlElement('paragraph');
        fragment.push([paragraph]);
        paragraph.push([new Y.XmlText()]);
      }
      const text = paragraph.get(0) as Y.XmlText;
      text.insert(text.length, `${token} `);
    });
    this.doc.off('update', grab);
    const ack = (await this.socket
      .timeout(10_000)
      .emitWithAck('note:update', { teamId: this.teamId, doc: 'plan', update })
      .catch(() => ({ ok: false }))) as { ok: boolean };
    return ack.ok;
  }
  close(): void {
    this.socket.close();
  }
}

async function main(): Promise<void> {
  const logger = createLogger('warn', false);
  const database = await startDatabase({
    uri: process.env.MONGODB_URI,
    engine: 'jongodb',
    logger,
  });
  const dbName = `escap_bench_instances_${randomBytes(4).toString('hex')}`;
  const uri = database.uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${dbName}`);
  const redisPort = await freePort();
  let redis = startRedis(redisPort);
  const env = { MONGODB_URI: uri, REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  const [pa, pb] = [await freePort(), await freePort()];
  const a = startServer(pa, env);
  const b = startServer(pb, env);
  const A = `http://127.0.0.1:${pa}`;
  const B = `http://127.0.0.1:${pb}`;
  const procs = [a, b];
  try {
    await until(async () => (await ready(A)) === 200 && (await ready(B)) === 200);
    console.log(
      `engine: ${database.engine}; ${PAIRS} teams, ${EDITS} edits each, every ${INTERVAL} ms`,
    );

    // One team per pair: the editor (médecin, on A), an observer on B and one on A.
    const teams = await Promise.all(
      Array.from({ length: PAIRS }, async () => {
        const doctor = await signUp(A, 'medecin');
        const nurse = await signUp(A, 'infirmier');
        const pharmacist = await signUp(A, 'pharmacien');
        const { team } = await doctor.call<{ team: { id: string } }>('POST', '/api/teams', {
          patient: {
            identity: {
              birthName: 'BANC',
              firstNames: 'Essai',
              sex: 'F',
              birthDate: '1950-01-01',
              birthPlaceCode: '75056',
            },
          },
          inclusion: severeInclusion(),
          consent: { date: new Date().toISOString().slice(0, 10), method: 'oral' },
          medecinTraitant: { self: true },
        });
        for (const who of [nurse, pharmacist]) {
          const me = await who.call<{ professional: { rpps: string } }>('GET', '/api/session');
          const { invitation } = await doctor.call<{ invitation: { id: string } }>(
            'POST',
            `/api/teams/${team.id}/invitations`,
            { invitee: { rpps: me.professional.rpps } },
          );
          await who.call('POST', `/api/invitations/${invitation.id}/accept`);
        }
        const editor = new Note(doctor, team.id);
        const remote = new Note(nurse.on(B), team.id);
        const local = new Note(pharmacist, team.id);
        await Promise.all([editor.join(), remote.join(), local.join()]);
        return { id: team.id, doctor, nurse, editor, remote, local };
      }),
    );

    // 1. Live latency, cross-instance and same-instance.
    const sent = new Map<string, number>();
    await Promise.all(
      teams.map(async (t, i) => {
        for (let k = 0; k < EDITS; k++) {
          const token = `t${i}x${k}`;
          sent.set(token, performance.now());
          await t.editor.type(token);
          await sleep(INTERVAL);
        }
      }),
    );
    await until(() =>
      teams.every((t) => t.remote.arrivals.size >= EDITS && t.local.arrivals.size >= EDITS),
    );
    const lat = (which: 'remote' | 'local') =>
      summarize(
        teams.flatMap((t) => [...t[which].arrivals].map(([tok, at]) => at - sent.get(tok)!)),
      );
    const cross = lat('remote');
    const same = lat('local');
    const f = (x: number) => x.toFixed(1);
    console.log(
      `cross-instance (A → B): p50 ${f(cross.p50)} / p95 ${f(cross.p95)} / p99 ${f(cross.p99)} ms (${cross.samples})`,
    );
    console.log(
      `same instance  (A → A): p50 ${f(same.p50)} / p95 ${f(same.p95)} / p99 ${f(same.p99)} ms (${same.samples})`,
    );
    console.log(
      `ratio cross / same: p50 ${(cross.p50 / same.p50).toFixed(2)}, p99 ${(cross.p99 / same.p99).toFixed(2)}`,
    );

    // 2. Redis lost while editors on both instances type; then back.
    const typers = teams.map((t) => ({ onA: t.editor, onB: t.remote, acked: [] as string[] }));
    redis.kill('SIGKILL');
    await until(async () => (await ready(A)) === 503 && (await ready(B)) === 503);
    const outageStart = performance.now();
    let refused = 0;
    await Promise.all(
      typers.map(async (t, i) => {
        let k = 0;
        while (performance.now() - outageStart < OUTAGE_S * 1000) {
          for (const [note, side] of [
            [t.onA, 'a'],
            [t.onB, 'b'],
          ] as const) {
            const token = `o${i}${side}${k}`;
            if (await note.type(token)) t.acked.push(token);
            else refused++;
          }
          k++;
          await sleep(INTERVAL);
        }
      }),
    );
    redis = startRedis(redisPort);
    const back = performance.now();
    await until(async () => (await ready(A)) === 200 && (await ready(B)) === 200);
    const linked = performance.now() - back;
    // Newcomers on both instances: time until each serves every acknowledged edit.
    await until(async () => {
      for (const base of [A, B]) {
        for (const t of teams.slice(0, 3)) {
          const probe = new Note(t.nurse.on(base), t.id);
          await probe.join();
          const text = probe.text();
          probe.close();
          const mine = typers[teams.indexOf(t)]!.acked;
          if (!mine.every((tok) => text.includes(tok))) return false;
        }
      }
      return true;
    });
    const converged = performance.now() - back;
    const acked = typers.reduce((n, t) => n + t.acked.length, 0);
    console.log(
      `Redis lost for ${OUTAGE_S} s: ${acked} edits acknowledged meanwhile, ${refused} refused; ` +
        `back: ready again after ${f(linked)} ms, every acknowledged edit served by both after ${f(converged)} ms`,
    );
    for (const t of teams) for (const n of [t.editor, t.remote, t.local]) n.close();
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    redis.kill('SIGKILL');
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
