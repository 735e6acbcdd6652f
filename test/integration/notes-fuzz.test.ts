import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/src/errors.js';
import { decodeRelay, encodeRelay, NOTE_FRAGMENT } from '../../shared/src/notes.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openNote, waitFor } from '../helpers/notes.js';
import {
  docFromPieces,
  noteText,
  sameState,
  seeded,
  storedPieces,
  WireNote,
} from '../helpers/noteWire.js';
import { activeTeam, expectStatus, signUpPro } from '../teamFactories.js';

/**
 * Limits and hostile input. A member's socket sends what no honest client would: every such
 * update gets an error ack, nothing of it is stored, the server keeps serving, and the
 * document afterwards is exactly the sum of the updates it accepted.
 */
let limited: TestApp;
let t: TestApp;
beforeAll(async () => {
  [limited, t] = await Promise.all([
    startTestApp({ env: { NOTE_MAX_UPDATE_BYTES: '4096', NOTE_MAX_DOC_BYTES: '20000' } }),
    // No compaction: every accepted update stays a row of its own, to compare one to one.
    startTestApp({ env: { NOTE_COMPACT_AFTER: '1000000' } }),
  ]);
});
afterAll(() => Promise.all([limited.close(), t.close()]));

type UpdateAck = Ack<{ stored: true }>;

/** A paragraph appended by a new client on top of `base`: independent of other such edits. */
function paragraphOn(base: Y.Doc, text: string): Uint8Array {
  const fork = new Y.Doc();
  Y.applyUpdate(fork, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(fork);
  addParagraph(fork.getXmlFragment(NOTE_FRAGMENT), text);
  return Y.encodeStateAsUpdate(fork, sv);
}
function addParagraph(fragment: Y.XmlFragment, text: string): void {
  const p = new Y.XmlElement('paragraph');
  fragment.push([p]);
  const t = new Y.XmlText();
  p.push([t]);
  t.insert(0, text);
}
const bytesOf = (pieces: Uint8Array[]) => pieces.reduce((n, p) => n + p.byteLength, 0);

describe('notes: limits', () => {
  it('an update over NOTE_MAX_UPDATE_BYTES is refused as update_too_large; nothing stored', async () => {
    const { team, creator, nurse } = await activeTeam(limited);
    const writer = await WireNote.open(creator, team.id);
    const other = await WireNote.open(nurse, team.id);
    expect(await writer.send(writer.append('Début'))).toMatchObject({ ok: true });
    other.live.clear();

    const big = paragraphOn(writer.doc, 'x'.repeat(5000));
    expect(await writer.send(big)).toMatchObject({
      ok: false,
      error: { code: 'update_too_large' },
    });
    // The same as base64 text, as the app's provider sends it: the same refusal.
    expect(
      await writer.emit('note:update', { ...writer.address, update: encodeRelay(big) }),
    ).toMatchObject({ ok: false, error: { code: 'update_too_large' } });
    expect((await storedPieces(limited.db, team.id)).updates).toHaveLength(1);
    expect(other.live.received.filter((r) => r.event === 'note:update')).toEqual([]);
    // Far past the socket's message limit the connection is dropped; the others go on.
    const huge = paragraphOn(writer.doc, 'y'.repeat(100_000));
    const dropped = new Promise((resolve) => writer.live.socket.once('disconnect', resolve));
    writer.live.socket.emit('note:update', { ...writer.address, update: huge }, () => undefined);
    await dropped;
    expect(await other.send(other.append(' suite'))).toMatchObject({ ok: true });
    const fresh = await WireNote.open(creator, team.id);
    expect(fresh.text()).toBe('Début suite');
    for (const c of [writer, other, fresh]) c.close();
  });

  it('past NOTE_MAX_DOC_BYTES edits are refused as document_too_large, bursts included', async () => {
    const { team, creator } = await activeTeam(limited);
    const writer = await WireNote.open(creator, team.id);
    const chunk = (i: number) => `${i}`.padEnd(3000, '.');

    // One at a time: accepted while the document fits.
    const acks: UpdateAck[] = [];
    for (let i = 0; i < 8; i++) {
      const update = paragraphOn(writer.doc, chunk(i));
      const ack = await writer.send(update);
      acks.push(ack);
      if (ack.ok) Y.applyUpdate(writer.doc, update);
    }
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(5);
    expect(acks.at(-1)).toMatchObject({ ok: false, error: { code: 'document_too_large' } });
    let stored = await storedPieces(limited.db, team.id);
    expect(stored.updates).toHaveLength(acks.filter((a) => a.ok).length);
    expect(bytesOf(stored.updates)).toBeLessThanOrEqual(20_000);

    // A burst on a new note, sent without waiting: edits stored together count all the same.
    const second = await activeTeam(limited);
    const burster = await WireNote.open(second.creator, second.team.id);
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => burster.send(paragraphOn(burster.doc, chunk(i)))),
    );
    const accepted = burst.filter((a) => a.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(5);
    expect(accepted).toBeLessThanOrEqual(6);
    for (const ack of burst.filter((a) => !a.ok))
      expect(ack).toMatchObject({ error: { code: 'document_too_large' } });
    stored = await storedPieces(limited.db, second.team.id);
    // Edits of one author stored together share a row (NoteStore): what counts is that the
    // stored note holds the accepted edits and nothing more.
    expect(stored.updates.length).toBeGreaterThanOrEqual(1);
    expect(stored.updates.length).toBeLessThanOrEqual(accepted);
    const rebuilt = docFromPieces(stored.updates);
    expect(rebuilt.clean).toBe(true);
    expect(rebuilt.doc.getXmlFragment(NOTE_FRAGMENT).length).toBe(accepted);
    expect(bytesOf(stored.updates)).toBeLessThanOrEqual(20_000);
    for (const c of [writer, burster]) c.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz

const bytes = (f: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder();
  f(e);
  return encoding.toUint8Array(e);
};
/** One struct of a fresh client, written by hand: info byte then what it implies. */
const struct = (client: number, clock: number, body: (e: encoding.Encoder) => void) =>
  bytes((e) => {
    encoding.writeVarUint(e, 1); // clients
    encoding.writeVarUint(e, 1); // structs of this client
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    body(e);
    encoding.writeVarUint(e, 0); // empty delete set
  });
const inRoot = (e: encoding.Encoder, info: number) => {
  encoding.writeUint8(e, info);
  encoding.writeVarUint(e, 1); // parent is a root type, by name
  encoding.writeVarString(e, NOTE_FRAGMENT);
};

/** Updates whose lengths or counts are absurd: huge prefixes, ranges to 2^50. */
function hugeLengths(knownClient: number): Uint8Array[] {
  return [
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]),
    bytes((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 2 ** 40);
      encoding.writeVarUint(e, 901);
      encoding.writeVarUint(e, 0);
    }),
    struct(902, 0, (e) => {
      inRoot(e, 4); // a string...
      encoding.writeVarUint(e, 2 ** 31); // ...of two billion characters, absent
    }),
    struct(903, 0, (e) => {
      encoding.writeUint8(e, 0); // GC range
      encoding.writeVarUint(e, 2 ** 50);
    }),
    struct(904, 0, (e) => {
      inRoot(e, 1); // deleted content
      encoding.writeVarUint(e, 2 ** 45);
    }),
    bytes((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 1); // delete set: one client
      encoding.writeVarUint(e, knownClient);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2 ** 50);
    }),
  ];
}

/** Updates that need operations the server never received (always refused). */
function dependsOnUnknown(base: Y.Doc, rng: () => number): Uint8Array {
  const hidden = new Y.Doc();
  Y.applyUpdate(hidden, Y.encodeStateAsUpdate(base));
  addParagraph(hidden.getXmlFragment(NOTE_FRAGMENT), 'jamais envoyé');
  const kind = Math.floor(rng() * 4);
  // The same client goes on after its hidden edit: a gap in its clocks.
  const next = kind === 0 ? hidden : new Y.Doc();
  if (next !== hidden) Y.applyUpdate(next, Y.encodeStateAsUpdate(hidden));
  const sv = Y.encodeStateVector(next);
  const fragment = next.getXmlFragment(NOTE_FRAGMENT);
  const last = fragment.get(fragment.length - 1) as Y.XmlElement;
  const text = last.get(0) as Y.XmlText;
  next.transact(() => {
    if (kind === 0 || kind === 1)
      addParagraph(fragment, 'après'); // origin unknown
    else if (kind === 2)
      text.delete(0, 3); // deletes unknown items
    else text.insert(0, 'dedans'); // inside an unknown text
  });
  return Y.encodeStateAsUpdate(next, sv);
}

/** A valid edit of a new client on top of the current state. */
function validEdit(base: Y.Doc, rng: () => number): Uint8Array {
  const fork = new Y.Doc();
  Y.applyUpdate(fork, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(fork);
  const fragment = fork.getXmlFragment(NOTE_FRAGMENT);
  const texts = fragment
    .toArray()
    .flatMap((n) => (n instanceof Y.XmlElement ? n.toArray() : []))
    .filter((n): n is Y.XmlText => n instanceof Y.XmlText && n.length > 2);
  const text = texts[Math.floor(rng() * texts.length)];
  const op = rng();
  fork.transact(() => {
    if (!text || op < 0.4) addParagraph(fragment, `p${Math.floor(rng() * 1e6)}`);
    else if (op < 0.7) text.insert(Math.floor(rng() * text.length), 'ins');
    else if (op < 0.85) text.format(0, 2, { bold: true });
    else text.delete(Math.floor(rng() * (text.length - 1)), 1);
  });
  return Y.encodeStateAsUpdate(fork, sv);
}

function mutate(update: Uint8Array, rng: () => number): Uint8Array {
  const r = rng();
  if (r < 0.35) return update.slice(0, 1 + Math.floor(rng() * (update.length - 1)));
  const out = new Uint8Array(update);
  if (r < 0.8) {
    for (let k = 0; k < 1 + Math.floor(rng() * 3); k++)
      out[Math.floor(rng() * out.length)]! ^= 1 << Math.floor(rng() * 8);
    return out;
  }
  // A varint of 2^35 spliced in somewhere: a count or a length becomes huge.
  const at = Math.floor(rng() * out.length);
  return new Uint8Array([...out.slice(0, at), 0xff, 0xff, 0xff, 0xff, 0x7f, ...out.slice(at)]);
}

describe('notes: fuzz', () => {
  it('hostile updates get an error ack, are not stored and corrupt nothing (seeded)', async () => {
    const rng = seeded(0xe5ca9);
    const { team, creator, nurse } = await activeTeam(t);
    const other = await activeTeam(t);
    const honest = await WireNote.open(creator, team.id);
    const hostile = await WireNote.open(nurse, team.id);
    const address = hostile.address;
    // The expected document: every update the server accepted, and only those.
    const oracle = new Y.Doc();
    const accepted = new Set<string>();
    // The server stores an accepted update only when it changes the document (a no-op sync is
    // acknowledged without a row): the oracle keeps those that change it.
    const accept = (update: Uint8Array) => {
      const before = Buffer.from(Y.encodeStateAsUpdate(oracle));
      Y.applyUpdate(oracle, update);
      expect(oracle.store.pendingStructs).toBeNull();
      expect(oracle.store.pendingDs).toBeNull();
      if (!before.equals(Buffer.from(Y.encodeStateAsUpdate(oracle)))) {
        accepted.add(Buffer.from(update).toString('base64'));
      }
    };
    const honestEdit = async (i: number) => {
      const update = honest.edit((f) => addParagraph(f, `Soin ${i}`));
      expect(await honest.send(update)).toEqual({ ok: true, data: { stored: true } });
      accept(update);
    };
    for (let i = 0; i < 4; i++) await honestEdit(i);

    const refused: Record<string, number> = {};
    const send = async (kind: string, payload: unknown, mayPass: boolean) => {
      const ack = (await hostile.emit('note:update', payload)) as UpdateAck;
      if (ack.ok) {
        expect({ kind, accepted: true }).toEqual({ kind, accepted: mayPass });
        accept((payload as { update: Uint8Array }).update);
      } else {
        expect(['invalid_update', 'not_joined', 'update_too_large']).toContain(ack.error.code);
        refused[ack.error.code] = (refused[ack.error.code] ?? 0) + 1;
      }
    };
    const wrongPayloads = (valid: Uint8Array): Array<[unknown, string]> => [
      ['texte', 'invalid_update'],
      [42, 'invalid_update'],
      [null, 'invalid_update'],
      [[address, valid], 'invalid_update'],
      [{ ...address }, 'invalid_update'],
      [{ ...address, update: `${Buffer.from(valid).toString('base64')}!` }, 'invalid_update'],
      [{ ...address, update: Buffer.from(valid).toString('base64').slice(1) }, 'invalid_update'],
      [{ ...address, update: '' }, 'invalid_update'],
      [{ ...address, update: 42 }, 'invalid_update'],
      [{ ...address, update: { nested: { deeper: [1, 2] } } }, 'invalid_update'],
      [{ ...address, update: [...valid] }, 'invalid_update'],
      [{ ...address, update: valid, extra: true }, 'invalid_update'],
      [{ teamId: 'pas-un-id', doc: 'plan', update: valid }, 'invalid_update'],
      [{ teamId: team.id, doc: 'autre', update: valid }, 'invalid_update'],
      [{ teamId: other.team.id, doc: 'plan', update: valid }, 'not_joined'],
      [{ teamId: team.id.toUpperCase(), doc: 'plan', update: valid }, 'not_joined'],
      [{ ...address, update: new Uint8Array(0) }, 'invalid_update'],
    ];

    for (let i = 0; i < 400; i++) {
      const r = rng();
      if (r < 0.25) {
        const junk = new Uint8Array(Math.floor(rng() * 200)).map(() => Math.floor(rng() * 256));
        await send('random bytes', { ...address, update: junk }, true);
      } else if (r < 0.6) {
        await send('mutated', { ...address, update: mutate(validEdit(oracle, rng), rng) }, true);
      } else if (r < 0.75) {
        await send('unknown clocks', { ...address, update: dependsOnUnknown(oracle, rng) }, false);
      } else if (r < 0.8) {
        const cases = hugeLengths(honest.doc.clientID);
        const update = cases[Math.floor(rng() * cases.length)]!;
        await send('huge lengths', { ...address, update }, false);
      } else if (r < 0.9) {
        const cases = wrongPayloads(validEdit(oracle, rng));
        const [payload, code] = cases[Math.floor(rng() * cases.length)]!;
        const ack = (await hostile.emit('note:update', payload)) as UpdateAck;
        expect(ack).toMatchObject({ ok: false, error: { code } });
        refused[code] = (refused[code] ?? 0) + 1;
      } else if (r < 0.95) {
        // Junk joins and awareness: answered or dropped, never relayed unstamped.
        const junk = new Uint8Array(Math.floor(rng() * 40)).map(() => Math.floor(rng() * 256));
        const ack = (await hostile.emit('note:join', {
          ...address,
          message: junk,
        })) as Ack<unknown>;
        if (!ack.ok) expect(ack.error.code).toBe('invalid_update');
        hostile.live.socket.emit('note:awareness', { ...address, update: junk });
      } else {
        await honestEdit(i);
      }
      if (i % 60 === 59) {
        // A newcomer sees exactly the accepted updates, mid-way.
        const probe = await WireNote.open(creator, team.id);
        expect(sameState(probe.doc, oracle)).toBe(true);
        probe.close();
      }
    }
    for (let i = 0; i < 3; i++) await honestEdit(1000 + i);

    // Every kind was refused somewhere, and what honest clients see is the oracle.
    expect(refused.invalid_update).toBeGreaterThan(50);
    expect(refused.not_joined).toBeGreaterThan(0);
    await waitFor(() => sameState(honest.doc, oracle), 5000);
    for (const r of honest.live.received.filter((x) => x.event === 'note:awareness')) {
      const seen = new awarenessProtocol.Awareness(new Y.Doc());
      const update = decodeRelay((r.payload as { update: string }).update);
      awarenessProtocol.applyAwarenessUpdate(seen, update, 'remote');
      for (const state of seen.getStates().values())
        expect(state).toMatchObject({ user: { id: nurse.id } });
      seen.destroy();
    }

    // Stored: exactly the accepted updates that changed the note, each applying cleanly, adding up to the oracle.
    const stored = await storedPieces(t.db, team.id);
    expect(stored.snapshots).toEqual([]);
    expect(new Set(stored.updates.map((u) => Buffer.from(u).toString('base64')))).toEqual(accepted);
    const fromStore = docFromPieces(stored.updates);
    expect(fromStore.clean).toBe(true);
    expect(sameState(fromStore.doc, oracle)).toBe(true);

    // The server still serves everyone: a provider client here, another team, a sign-up.
    const fresh = openNote(creator.agent, team.id);
    await waitFor(() => fresh.provider.synced);
    expect(fresh.text()).toBe(noteText(oracle));
    expect(sameState(fresh.doc, oracle)).toBe(true);
    fresh.close();
    const elsewhere = openNote(other.creator.agent, other.team.id);
    await waitFor(() => elsewhere.provider.synced);
    elsewhere.type('Ailleurs');
    await elsewhere.saved();
    elsewhere.close();
    expectStatus(await (await signUpPro(t)).agent.get('/api/session'), 200);
    honest.close();
    hostile.close();
  });
});
