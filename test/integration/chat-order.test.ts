import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandHooks } from '../../server/src/commands/command.js';
import { send } from '../helpers/chat.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { activeTeam, connect } from '../teamFactories.js';

/**
 * One socket's messages are stored in the order it sent them, whatever the order in which
 * their asynchronous checks finish (server/src/chat/socket.ts). The first message is held
 * after its checks; the second is sent meanwhile. It either waits behind the first (then the
 * hold ends: `chat.send.queued`) or, without the queue, overtakes it and is stored first (then
 * the hold ends when the second is acknowledged, and the order is wrong).
 */
let release: (() => void) | undefined;
let reachedHold: () => void;
const holding = new Promise<void>((r) => (reachedHold = r));
let heldOnce = false;
const hooks: CommandHooks = {
  checkpoint: async (name) => {
    if (name === 'chat.send.queued') release?.();
    if (name !== 'chat.send.checked' || heldOnce) return;
    heldOnce = true;
    const held = new Promise<void>((r) => (release = r));
    reachedHold();
    await held;
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ hooks });
});
afterAll(() => t.close());

describe('chat: order of one socket’s messages', () => {
  it('a message sent while the previous one is being checked is stored after it', async () => {
    const { team, creator } = await activeTeam(t);
    const client = await connect(creator);
    try {
      const first = send(client, team.id, 'Premier message');
      // The second leaves only once the first is held after its checks.
      await holding;
      const second = send(client, team.id, 'Second message').then((ack) => {
        release?.();
        return ack;
      });
      const acks = await Promise.all([first, second]);
      expect(acks.map((a) => a.ok)).toEqual([true, true]);
      const stored = await t.db
        .collection('messages')
        .find({ text: { $in: ['Premier message', 'Second message'] } })
        .sort({ _id: 1 })
        .toArray();
      expect(stored.map((m) => String(m.text))).toEqual(['Premier message', 'Second message']);
    } finally {
      client.close();
    }
  });
});
