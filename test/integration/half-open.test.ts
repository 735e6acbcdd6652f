import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sent } from '../helpers/chat.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { eventually, WireNote } from '../helpers/noteWire.js';
import { activeTeam, liveClients } from '../teamFactories.js';

const HELD = 500;

/**
 * A child process that opens `count` connections to the server and leaves each one in the
 * middle of a WebSocket upgrade (the request line and a header, never the blank line that
 * ends them): half-open sockets a slow or hostile client leaves behind. Prints HELD once all
 * are connected and written, then holds them until it is killed.
 */
function holdHalfOpen(port: number, count: number): ChildProcess {
  const script = `
    const net = require('node:net');
    let ready = 0;
    const sockets = [];
    for (let i = 0; i < ${count}; i++) {
      const s = net.connect(${port}, '127.0.0.1', () => {
        s.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n', () => {
          if (++ready === ${count}) console.log('HELD');
        });
      });
      s.on('error', () => {});
      sockets.push(s);
    }
    setInterval(() => {}, 1000);
  `;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Connections the server holds right now. */
const connections = (t: TestApp) =>
  new Promise<number>((resolve, reject) =>
    t.app.httpServer.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );

describe('500 half-open sockets', () => {
  let t: TestApp;
  let holder: ChildProcess | undefined;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    holder?.kill('SIGKILL');
    await t.close();
  });
  const live = liveClients();

  it('held by a client, they leave the server serving its members, and go when it goes', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const port = Number(new URL(t.baseUrl).port);
    const idle = await connections(t);
    holder = holdHalfOpen(port, HELD);
    const [line] = (await once(holder.stdout!, 'data')) as [Buffer];
    expect(line.toString().trim()).toBe('HELD');
    await eventually(async () => (await connections(t)) >= idle + HELD);

    // Meanwhile the members work as usual: a note edit relayed and stored, a message.
    const writer = await WireNote.open(creator, team.id);
    const reader = await WireNote.open(nurse, team.id);
    expect(await writer.send(writer.append('Pansement refait'))).toMatchObject({ ok: true });
    await eventually(() => Promise.resolve(reader.text() === 'Pansement refait'));
    const [a, b] = await Promise.all([live(creator), live(nurse)]);
    const m = await sent(a, team.id, 'Vu ce matin');
    await b.waitFor('chat:message', (p) => p.id === m.id);
    writer.close();
    reader.close();

    // The client goes: so do its sockets.
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    await eventually(async () => (await connections(t)) < idle + 10);
  });
});
