import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/src/errors.js';
import type { MessageView } from '../../shared/src/chat.js';
import type { TestApp } from '../helpers/app.js';
import { openNote, type NoteClient } from '../helpers/notes.js';
import { docFromPieces, noteText, storedPieces, WireNote } from '../helpers/noteWire.js';
import { startDeployment, type Deployment } from '../helpers/deployment.js';
import { hasRedisServer } from '../helpers/redisServer.js';
import { FailoverProxy } from '../helpers/tcpProxy.js';
import { activeTeam, connect, type LiveClient } from '../teamFactories.js';

if (!hasRedisServer) console.warn('[instance-loss] skipped: no redis-server binary');

/**
 * `kill -9` of the instance that serves every client, while one member types and another
 * chats: they reconnect through the proxy to the other instance and go on, and nothing that
 * was acknowledged is lost, nor stored twice.
 */
describe.skipIf(!hasRedisServer)('an instance lost', () => {
  let d: Deployment;
  let proxy: FailoverProxy;
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    d = await startDeployment('instloss');
    proxy = new FailoverProxy([d.a.port, d.b.port]);
    await proxy.listen();
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy.close();
    await d.stop();
  });

  /** Sends until acknowledged, with the same client id: a retry after a reconnect never doubles. */
  async function sendSurely(chat: LiveClient, teamId: string, text: string): Promise<MessageView> {
    const clientId = randomUUID();
    for (;;) {
      const ack = (await chat.socket
        .timeout(3000)
        .emitWithAck('chat:send', { teamId, clientId, text })
        .catch(() => undefined)) as Ack<MessageView> | undefined;
      if (ack?.ok) return ack.data;
    }
  }

  it(
    'its clients go on with the other instance; nothing acknowledged is lost',
    { timeout: 90_000 },
    async () => {
      const { team, creator, nurse } = await activeTeam({ baseUrl: proxy.baseUrl } as TestApp);
      const editor: NoteClient = openNote(creator.agent, team.id, 'plan', { reconnect: true });
      const chat = await connect(nurse, { reconnect: true });
      clients.push(editor, chat);

      const typed: string[] = [];
      const sentIds: string[] = [];
      const work = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          editor.type(`t${i} `);
          typed.push(`t${i}`);
          const [message] = await Promise.all([
            sendSurely(chat, team.id, `m${i}`),
            editor.saved(30_000),
          ]);
          sentIds.push(message.id);
        }
      };
      await work(0, 5);
      // Edits and messages in flight when the instance dies.
      const during = work(5, 15);
      await d.a.kill();
      await during;
      await work(15, 20);

      // Everything acknowledged is stored once, and served by the instance that remains.
      const stored = noteText(docFromPieces((await storedPieces(d.db, team.id)).updates).doc);
      for (const t of typed) expect(stored).toContain(t);
      const served = await WireNote.open(creator, team.id);
      clients.push(served);
      for (const t of typed) expect(served.text()).toContain(t);
      const rows = await d.db
        .collection('messages')
        .find({ teamId: new Types.ObjectId(team.id) })
        .toArray();
      // Each acknowledged message once: retries after the reconnection doubled none.
      expect(rows.map((r) => String(r.text)).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `m${i}`).sort(),
      );
      expect(rows.map((r) => String(r._id)).sort()).toEqual([...sentIds].sort());
    },
  );
});
