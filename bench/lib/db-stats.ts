// Database work counted by the driver's command monitoring, for the benchmark's servers that
// persist (escap, hocuspocus-db): commands sent and documents written do not depend on the
// engine's speed, so they compare the two designs even on the stand-in (bench/README.md).
//
// The counters are served as JSON on 127.0.0.1:BENCH_STATS_PORT; bench.js reads them at the
// start and the end of each measured window.
import { createServer } from 'node:http';
import type { Connection } from 'mongoose';

type MongoClient = ReturnType<Connection['getClient']>;

export interface DbStats {
  commands: number;
  docsWritten: number;
  byCommand: Record<string, number>;
}

/** Write commands and how many documents each one writes. */
function written(name: string, cmd: Record<string, unknown>): number {
  const n = (k: string) => (Array.isArray(cmd[k]) ? (cmd[k] as unknown[]).length : 0);
  switch (name) {
    case 'insert':
      return n('documents');
    case 'update':
      return n('updates');
    case 'delete':
      return n('deletes');
    case 'findAndModify':
      return 1;
    default:
      return 0;
  }
}

/** Counts what the client sends; the client must have been opened with monitorCommands. */
export function countCommands(client: MongoClient): DbStats {
  const stats: DbStats = { commands: 0, docsWritten: 0, byCommand: {} };
  client.on('commandStarted', (e) => {
    stats.commands++;
    // By command and collection ("insert noteupdates"): where the work goes.
    const target = (e.command as Record<string, unknown>)[e.commandName];
    const key = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
    stats.byCommand[key] = (stats.byCommand[key] ?? 0) + 1;
    stats.docsWritten += written(e.commandName, e.command);
  });
  return stats;
}

/** Serves the counters when the harness asked for them (BENCH_STATS_PORT set). */
export function serveStats(stats: DbStats): void {
  const port = Number(process.env.BENCH_STATS_PORT ?? 0);
  if (!port) return;
  createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
  })
    .listen(port, '127.0.0.1')
    .unref();
}
