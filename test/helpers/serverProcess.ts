import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { inject } from 'vitest';
import { until } from './processes.js';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The test run's database server, with `dbName` in the path (the entry point reads it there). */
export function databaseUri(dbName: string): string {
  return inject('mongoUri').replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${dbName}`);
}

/**
 * The real server entry point in a process of its own, on a database that outlives it (the test
 * run's), so that a test can `kill -9` it and start it again on the same data.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Whether the process ended by itself (a crash); false while it runs or after `kill`. */
  get exited(): boolean {
    return this.crashed;
  }
  private crashed = false;

  async start(): Promise<void> {
    this.output = '';
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        NODE_ENV: 'test',
        SESSION_SECRET: 'process-test-secret-process-test-secret',
        LOG_LEVEL: 'silent',
        DEMO_DATA: 'false',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = proc;
    this.crashed = false;
    proc.once('exit', () => {
      if (this.child === proc) this.crashed = true;
    });
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    await until(
      () => `the server answers (log: ${this.output})`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`server exited: ${this.output}`);
        return fetch(`${this.baseUrl}/api/ready`)
          .then((r) => r.ok)
          .catch(() => false);
      },
      30_000,
    );
  }

  /** SIGKILL: no shutdown code runs, as when the machine or the container dies. */
  async kill(): Promise<void> {
    const proc = this.child;
    this.child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }
}
