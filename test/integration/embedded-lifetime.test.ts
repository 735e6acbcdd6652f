import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canConnect } from '../../server/src/db/mongod.js';
import {
  descendants,
  isRunning,
  killIfRunning,
  until,
  type ProcessId,
} from '../helpers/processes.js';
import { freePort } from '../helpers/serverProcess.js';

/**
 * The embedded stand-in never outlives the server: the real entry point runs in a child
 * process on jongodb (EMBEDDED_MONGO_ENGINE=jongodb), and whether it is stopped by SIGTERM or
 * killed by SIGKILL, every process it started ends and jongodb's port closes
 * (server/src/db/jongodb.ts).
 */
interface Running {
  proc: ChildProcess;
  log: () => string;
  /** jongodb's port, from the server's log. */
  dbPort: number;
}

let server: ChildProcess | undefined;
let started: ProcessId[] = [];
let dataDir: string | undefined;

afterEach(() => {
  // Whatever happened, nothing of ours is left running.
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  server = undefined;
  for (const p of started) killIfRunning(p);
  started = [];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function startServer(): Promise<Running> {
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), 'escap-lifetime-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_MONGO_ENGINE: 'jongodb',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    NODE_ENV: 'test',
    SESSION_SECRET: 'lifetime-test-secret-lifetime-test-secret',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'false',
  };
  delete env.MONGODB_URI;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = proc;
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await until(
    () => `the server answers (log: ${log})`,
    async () => {
      if (proc.exitCode !== null) throw new Error(`server exited: ${log}`);
      return fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    30_000,
  );
  const match = /"uri":"mongodb:\/\/127\.0\.0\.1:(\d+)[^"]*","msg":"embedded jongodb started"/.exec(
    log,
  );
  if (!match?.[1]) throw new Error(`no jongodb address in the log: ${log}`);
  return { proc, log: () => log, dbPort: Number(match[1]) };
}

/** The processes the server started, with exactly one jongodb among them. */
function processesOf(running: Running): { all: ProcessId[]; jongodb: ProcessId } {
  const all = descendants(running.proc.pid as number);
  started = all;
  const jongodb = all.filter((p) => path.basename(p.exe) === 'jongodb');
  expect(jongodb, running.log()).toHaveLength(1);
  return { all, jongodb: jongodb[0] as ProcessId };
}

async function expectAllGone(all: ProcessId[], dbPort: number): Promise<void> {
  await until('every process the server started has ended', () => !all.some(isRunning));
  await until(
    `jongodb's port ${dbPort} is closed`,
    async () => (await canConnect('127.0.0.1', dbPort, 2000)) === 'ECONNREFUSED',
  );
}

describe('the embedded stand-in lives no longer than the server', () => {
  it('ends with kill -9 of the server', { timeout: 60_000 }, async () => {
    const running = await startServer();
    const { all, jongodb } = processesOf(running);
    expect(isRunning(jongodb)).toBe(true);
    expect(await canConnect('127.0.0.1', running.dbPort, 2000)).toBe('ok');

    const exited = new Promise((resolve) => running.proc.once('exit', resolve));
    running.proc.kill('SIGKILL');
    await exited;

    await expectAllGone(all, running.dbPort);
  });

  it('ends with a graceful SIGTERM of the server, which exits 0', { timeout: 60_000 }, async () => {
    const running = await startServer();
    const { all } = processesOf(running);

    const exited = new Promise<number | null>((resolve) =>
      running.proc.once('exit', (code) => resolve(code)),
    );
    running.proc.kill('SIGTERM');
    expect(await exited, running.log()).toBe(0);
    expect(running.log()).not.toContain('jongodb exited on its own');

    await expectAllGone(all, running.dbPort);
  });
});
