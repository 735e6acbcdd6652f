import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { createClient } from 'redis';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MessageView } from '../../shared/src/chat.js';
import type { Ack } from '../../shared/src/errors.js';
import { openConnection } from '../../server/src/db/connection.js';
import type { TestApp } from '../helpers/app.js';
import { WireNote } from '../helpers/noteWire.js';
import { until } from '../helpers/processes.js';
import { databaseUri, freePort, ServerProcess } from '../helpers/serverProcess.js';
import {
  createTeam,
  inviteAndAccept,
  LiveClient,
  signUpPro,
  type ClientSocket,
  type Pro,
} from '../teamFactories.js';

/**
 * The reverse proxy's own configuration, for real: Debian's nginx runs deploy/nginx/nginx.conf
 * (the file docker-compose.yml mounts) in front of two server processes on one database and
 * one Redis; only the listening address and the instances' addresses are replaced. Clients
 * connect as a browser does (long-polling first, then the upgrade to WebSocket, which only
 * works if the proxy keeps a session on one instance), chat and co-edit a note; then the
 * instance holding one of them is killed and the clients carry on through the other.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function findNginx(): string | undefined {
  const candidates = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx'];
  const found = candidates.find((p) => p && existsSync(p));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

async function redisAvailable(): Promise<boolean> {
  const client = createClient({
    url: REDIS_URL,
    socket: { reconnectStrategy: false, connectTimeout: 1000 },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.quit();
    return true;
  } catch {
    return false;
  }
}

const nginxPath = findNginx();
const hasRedis = await redisAvailable();
const skip = !nginxPath
  ? "no nginx (Debian's nginx package: apt-get install -y nginx; .ci/run installs it)"
  : !hasRedis
    ? `no Redis at ${REDIS_URL}`
    : undefined;
if (skip) console.warn(`[proxy] skipped: ${skip}`);

/**
 * The repository's nginx files in a directory of their own: nginx.conf listening on `port`,
 * upstreams.conf naming the given instances instead of the compose services (Debian's nginx
 * predates the `resolve` parameter, which only the Docker network needs).
 */
function proxyConfig(port: number, instances: number[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'escap-nginx-'));
  const main = readFileSync('deploy/nginx/nginx.conf', 'utf8');
  const listen = /^(\s*)listen 8080;$/m;
  if (!listen.test(main)) throw new Error('deploy/nginx/nginx.conf: no `listen 8080;` to replace');
  writeFileSync(path.join(dir, 'nginx.conf'), main.replace(listen, `$1listen 127.0.0.1:${port};`));

  let upstreams = readFileSync('deploy/nginx/upstreams.conf', 'utf8').replace(/^resolver .*$/m, '');
  instances.forEach((instancePort, i) => {
    const server = new RegExp(`server app${i + 1}:3000 resolve`, 'g');
    if (!server.test(upstreams)) throw new Error(`upstreams.conf: no app${i + 1}`);
    upstreams = upstreams.replace(server, `server 127.0.0.1:${instancePort}`);
  });
  if (/server app\d/.test(upstreams)) throw new Error('upstreams.conf names more instances');
  writeFileSync(path.join(dir, 'upstreams.conf'), upstreams);
  return dir;
}

class Nginx {
  private child: ChildProcess | undefined;
  output = '';
  private readonly stopOnExit = () => this.child?.kill('SIGTERM');

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(binary: string): Promise<void> {
    // Not a daemon: it is this process's child, and goes with it.
    const child = spawn(
      binary,
      [
        '-p',
        `${this.dir}/`,
        '-c',
        path.join(this.dir, 'nginx.conf'),
        '-e',
        'stderr',
        '-g',
        'daemon off;',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    process.once('exit', this.stopOnExit);
    await until(
      () => `nginx answers through to an instance (log: ${this.output})`,
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${this.output}`);
        return fetch(`${this.baseUrl}/api/health`)
          .then((r) => r.ok)
          .catch(() => false);
      },
      15_000,
    );
  }

  /** SIGTERM: the master stops its workers, then itself. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    process.off('exit', this.stopOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A browser-like client through the proxy: polling first, then the upgrade; reconnects. */
function browserSocket(baseUrl: string, pro: Pro): LiveClient {
  const socket = ioClient(baseUrl, {
    extraHeaders: { cookie: pro.agent.cookieHeader() },
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  }) as ClientSocket;
  return new LiveClient(socket);
}

const readyCount = (c: LiveClient) => c.received.filter((r) => r.event === 'session:ready').length;

/** Connected (the n-th time) and upgraded to WebSocket through the proxy. */
async function upgraded(c: LiveClient, times: number): Promise<void> {
  await until(
    () => `connection ${times} of ${c.socket.id ?? '?'} over WebSocket`,
    () =>
      readyCount(c) >= times &&
      c.socket.connected &&
      c.socket.io.engine?.transport.name === 'websocket',
    20_000,
  );
}

async function chat(from: LiveClient, to: LiveClient, teamId: string, text: string) {
  const ack = (await from.socket.timeout(10_000).emitWithAck('chat:send', {
    teamId,
    clientId: randomBytes(8).toString('hex'),
    text,
  })) as Ack<MessageView>;
  expect(ack.ok).toBe(true);
  await to.waitFor('chat:message', (m) => m.text === text);
}

/**
 * Sends an edit as the client's provider does: a `not_joined` answer (the instance dropped its
 * copy of the note, or the socket moved to another instance) means open the note again, then
 * send what the server still lacks.
 */
async function store(note: WireNote, update: Uint8Array): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ack = await note.send(update, 10_000);
    if (ack.ok) return;
    if (ack.error.code !== 'not_joined') throw new Error(`edit refused: ${ack.error.code}`);
    expect(await note.join()).toMatchObject({ ok: true });
  }
  throw new Error('edit refused 3 times as not_joined');
}

/** One edit each, stored, and both documents the same with both edits. */
async function coEdit(a: WireNote, b: WireNote, round: string) {
  const fromA = `[A ${round}]`;
  const fromB = `[B ${round}]`;
  await store(a, a.append(fromA));
  await store(b, b.append(fromB));
  await until(
    () => `both notes hold ${fromA} and ${fromB} (A: ${a.text()}, B: ${b.text()})`,
    () => a.text() === b.text() && a.text().includes(fromA) && a.text().includes(fromB),
  );
}

describe.skipIf(skip !== undefined)('through nginx, in front of two instances', () => {
  const dbName = `escap_proxy_${randomBytes(6).toString('hex')}`;
  let db: Connection;
  let servers: ServerProcess[] = [];
  let nginx: Nginx;
  let dir: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    db = await openConnection(inject('mongoUri'), { dbName });
    const env = {
      MONGODB_URI: databaseUri(dbName),
      REDIS_URL,
      REDIS_PREFIX: `escap-test:${dbName}`,
      TRUST_PROXY: '1',
      // Which instance holds a socket is read from its log ('socket connected').
      LOG_LEVEL: 'debug',
    };
    servers = [new ServerProcess(await freePort(), env), new ServerProcess(await freePort(), env)];
    await Promise.all(servers.map((s) => s.start()));
    const port = await freePort();
    dir = proxyConfig(
      port,
      servers.map((s) => s.port),
    );
    nginx = new Nginx(dir, port);
    await nginx.start(nginxPath!);
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await nginx?.stop();
    await Promise.all(servers.map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  it('chat and a shared note work through it, and carry on when an instance dies', async () => {
    // Everything goes through the proxy: sign-ups, the team, invitations, sockets. One request
    // after the other: two processes on the stand-in database must not run transactions at
    // the same time (docs/database.md), which a real MongoDB does.
    const through = { baseUrl: nginx.baseUrl } as TestApp;
    const creator = await signUpPro(through, { profession: 'medecin' });
    const nurse = await signUpPro(through, { profession: 'infirmier' });
    const pharmacist = await signUpPro(through, { profession: 'pharmacien' });
    const { team } = await createTeam(creator);
    await inviteAndAccept(creator, team.id, nurse);
    await inviteAndAccept(creator, team.id, pharmacist);
    const a = browserSocket(nginx.baseUrl, creator);
    const b = browserSocket(nginx.baseUrl, nurse);
    clients.push(a, b);
    await Promise.all([upgraded(a, 1), upgraded(b, 1)]);

    await chat(a, b, team.id, 'Bonjour depuis le proxy');
    await chat(b, a, team.id, 'Bien reçu');
    const noteA = new WireNote(a, team.id);
    const noteB = new WireNote(b, team.id);
    expect(await noteA.join()).toMatchObject({ ok: true });
    expect(await noteB.join()).toMatchObject({ ok: true });
    await coEdit(noteA, noteB, 'avant');

    // Kill -9 the instance holding the creator's socket.
    const holder = servers.find((s) => s.log.includes(`"socketId":"${a.socket.id}"`));
    expect(holder).toBeDefined();
    const bWasThere = holder!.log.includes(`"socketId":"${b.socket.id}"`);
    await holder!.kill();

    // socket.io reconnects through nginx, which sends it to the instance left.
    await upgraded(a, 2);
    await upgraded(b, bWasThere ? 2 : 1);
    const survivor = servers.find((s) => s !== holder)!;
    expect(survivor.log).toContain(`"socketId":"${a.socket.id}"`);

    await chat(a, b, team.id, 'Toujours là après la panne');
    await chat(b, a, team.id, 'Moi aussi');
    // A reconnected note client opens the note again (as the provider does on connect).
    expect(await noteA.join()).toMatchObject({ ok: true });
    if (bWasThere) expect(await noteB.join()).toMatchObject({ ok: true });
    await coEdit(noteA, noteB, 'après');
    // And HTTP goes on as well.
    expect((await creator.agent.get(`/api/teams/${team.id}`)).status).toBe(200);
  });
});
