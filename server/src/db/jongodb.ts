import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { loadDevDependency } from './dev-dependency.js';
import type { DatabaseServer } from './embedded.js';

/**
 * jongodb, the in-memory stand-in, never outlives this process, however it ends (SIGKILL
 * included): it runs under a watchdog, a POSIX shell of about a megabyte that holds the read
 * end of a pipe whose only write end is ours. The kernel closes our end when this process
 * exits, for any reason; the watchdog then reads end-of-file and SIGKILLs jongodb (its data is
 * in memory: nothing to flush). A normal stop closes that end too, so both go the same way.
 * If jongodb exits first, the watchdog exits with its status.
 *
 * SIGINT, SIGTERM and SIGHUP are ignored under the watchdog (jongodb included): a Ctrl-C
 * reaches the whole terminal's process group, `timeout` or a service manager may signal every
 * process of ours, and the database must outlive the server's graceful shutdown, which ends by
 * closing the pipe. So the pipe alone decides when jongodb goes.
 *
 * Arguments: $0 the watchdog's name (for `ps`), then jongodb's path and arguments.
 */
const WATCHDOG = `# ESCAP: jongodb watchdog (server/src/db/jongodb.ts)
trap '' INT TERM HUP
exec 3<&0 0</dev/null
"$@" 3<&- &
db=$!
{ read -r line <&3; kill -KILL "$db" 2>/dev/null; } &
guard=$!
exec 3<&-
wait "$db"
status=$?
kill -KILL "$guard" 2>/dev/null
exit "$status"
`;

function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(pkg), 'bin', 'jongodb');
}

/** Starts jongodb on a free port as a single-node replica set (transactions need one). */
export async function startJongodb(logger: Logger): Promise<DatabaseServer> {
  const binary = await loadDevDependency('@jongodb/memory-server-bin-linux-x64-gnu', () =>
    Promise.resolve(jongodbBinary()),
  );
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      WATCHDOG,
      'escap-jongodb-watchdog',
      binary,
      '--host=127.0.0.1',
      '--port=0',
      '--topology-profile=singleNodeReplicaSet',
      '--replica-set-name=rs0',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  // Nothing is ever written there; an EPIPE once the watchdog is gone is of no interest.
  child.stdin?.on('error', () => undefined);
  let started = false;
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`jongodb did not start: ${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited (${signal ?? code}): ${out}`));
    });
    child.once('error', reject);
  }).catch((err: unknown) => {
    child.stdin?.destroy();
    throw err;
  });
  started = true;
  // Keep reading what jongodb prints, or it would block once the pipe is full.
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => logger.debug({ jongodb: chunk.toString().trim() }));
  }
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (started && !stopping) logger.error({ code, signal }, 'jongodb exited on its own');
  });
  return {
    uri,
    engine: 'jongodb',
    durable: false,
    stop: () => {
      stopping = true;
      return stopWatchdog(child);
    },
  };
}

/** Closes our end of the pipe (the watchdog then kills jongodb) and waits for both to end. */
function stopWatchdog(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // A watchdog that cannot be woken (never seen) must not hang the shutdown.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.destroy();
  });
}
