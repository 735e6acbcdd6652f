import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_AWARENESS_BYTES, removalUpdate, stampAwareness } from './awareness.js';

const who = { id: '6650a1b2c3d4e5f6a7b8c9d0', name: 'Camille Lefèvre' };
const created: awarenessProtocol.Awareness[] = [];
afterEach(() => {
  for (const a of created.splice(0)) a.destroy();
});
function awareness(): awarenessProtocol.Awareness {
  const a = new awarenessProtocol.Awareness(new Y.Doc());
  created.push(a);
  return a;
}
/** What a receiver shows after applying an update. */
function received(update: Uint8Array): Map<number, Record<string, unknown>> {
  const a = awareness();
  awarenessProtocol.applyAwarenessUpdate(a, update, 'remote');
  return a.getStates();
}
/** An awareness update written by hand: [clientId, clock, JSON] entries. */
function raw(entries: Array<[number, number, string]>, trailing: number[] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const [client, clock, json] of entries) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  for (const b of trailing) encoding.writeUint8(e, b);
  return encoding.toUint8Array(e);
}

describe('stampAwareness', () => {
  it('replaces the user the client claims with the session’s, keeping the rest', () => {
    const a = awareness();
    a.setLocalState({
      user: { id: 'someone-else', name: 'Dr Imposteur', color: '#12ab34', role: 'admin' },
      cursor: { anchor: 3, head: 7 },
    });
    const stamped = stampAwareness(awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]), who);
    expect(stamped).toBeDefined();
    expect(stamped!.clients).toEqual(new Map([[a.clientID, 1]]));
    expect(received(stamped!.update).get(a.clientID)).toEqual({
      user: { id: who.id, name: who.name, color: '#12ab34' },
      cursor: { anchor: 3, head: 7 },
    });
  });

  it('adds the user when missing and replaces a colour that is not #rrggbb', () => {
    const update = raw([
      [1, 4, '{"cursor":null}'],
      [2, 1, '{"user":{"color":"red; background:url(x)"}}'],
      [3, 2, '{"user":"texte"}'],
    ]);
    const states = received(stampAwareness(update, who)!.update);
    for (const id of [1, 2, 3])
      expect(states.get(id)?.user).toEqual({ id: who.id, name: who.name, color: '#1f6feb' });
    expect(states.get(1)?.cursor).toBeNull();
  });

  it('keeps a removal (null state) a removal, and non-object states become removals', () => {
    const a = awareness();
    awarenessProtocol.applyAwarenessUpdate(a, raw([[9, 1, '{"user":{}}']]), 'remote');
    expect(a.getStates().has(9)).toBe(true);
    for (const json of ['null', '[1,2]', '"texte"', '42']) {
      const stamped = stampAwareness(raw([[9, 2, json]]), who);
      expect(stamped?.update).toEqual(raw([[9, 2, 'null']]));
    }
    awarenessProtocol.applyAwarenessUpdate(a, raw([[9, 2, 'null']]), 'remote');
    expect(a.getStates().has(9)).toBe(false);
  });

  it('rejects what does not parse: bad JSON, truncation, trailing bytes, too many or too big', () => {
    const good = raw([[1, 1, '{}']]);
    expect(stampAwareness(good, who)).toBeDefined();
    expect(stampAwareness(raw([[1, 1, '{pas du json']]), who)).toBeUndefined();
    expect(stampAwareness(good.slice(0, good.length - 1), who)).toBeUndefined();
    expect(stampAwareness(new Uint8Array(0), who)).toBeUndefined();
    expect(stampAwareness(raw([[1, 1, '{}']], [0]), who)).toBeUndefined();
    const many = Array.from({ length: 17 }, (_, i): [number, number, string] => [i, 1, '{}']);
    expect(stampAwareness(raw(many), who)).toBeUndefined();
    expect(stampAwareness(raw(many.slice(0, 16)), who)?.clients.size).toBe(16);
    const big = raw([[1, 1, JSON.stringify({ note: 'x'.repeat(MAX_AWARENESS_BYTES) })]]);
    expect(stampAwareness(big, who)).toBeUndefined();
    // A count far beyond the bytes.
    expect(stampAwareness(new Uint8Array([0xff, 0xff, 0xff, 0x7f]), who)).toBeUndefined();
  });

  it('reports the client ids and clocks it speaks for', () => {
    const stamped = stampAwareness(
      raw([
        [11, 5, '{}'],
        [12, 1, 'null'],
      ]),
      who,
    );
    expect(stamped?.clients).toEqual(
      new Map([
        [11, 5],
        [12, 1],
      ]),
    );
  });
});

describe('removalUpdate', () => {
  it('removes the states of a gone socket on every receiver, past their last clock', () => {
    const a = awareness();
    awarenessProtocol.applyAwarenessUpdate(
      a,
      raw([
        [21, 3, '{"user":{}}'],
        [22, 7, '{"user":{}}'],
        [23, 1, '{"user":{}}'],
      ]),
      'remote',
    );
    const update = removalUpdate(
      new Map([
        [21, 3],
        [22, 7],
      ]),
    );
    expect(update).toEqual(
      raw([
        [21, 4, 'null'],
        [22, 8, 'null'],
      ]),
    );
    awarenessProtocol.applyAwarenessUpdate(a, update, 'remote');
    expect([...a.getStates().keys()].filter((id) => id !== a.clientID)).toEqual([23]);
  });

  it('is an empty update for no client', () => {
    expect(removalUpdate(new Map())).toEqual(new Uint8Array([0]));
  });
});
