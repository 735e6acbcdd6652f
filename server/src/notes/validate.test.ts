import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { applyAndDescribe, checkUpdate, MAX_CLOCK } from './validate.js';

const MAX = 64 * 1024;

/** The error code checkUpdate throws, or 'ok'. */
function verdict(doc: Y.Doc, update: Uint8Array, max = MAX): string {
  try {
    checkUpdate(doc, update, max);
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

/** Runs `change` on `doc` and returns the update it made. */
function edit(doc: Y.Doc, change: (text: Y.Text) => void): Uint8Array {
  const sv = Y.encodeStateVector(doc);
  doc.transact(() => change(doc.getText('t')));
  return Y.encodeStateAsUpdate(doc, sv);
}
const copy = (doc: Y.Doc) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(doc));
  return d;
};
/** A server with "hello" from one client, and a client synced with it. */
function synced(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  const author = new Y.Doc();
  Y.applyUpdate(
    server,
    edit(author, (t) => t.insert(0, 'hello')),
  );
  return { server, client: copy(server) };
}

describe('checkUpdate', () => {
  it('accepts the edits of a synced client, one after the other, and repeats of known ones', () => {
    const { server, client } = synced();
    for (const change of [
      (t: Y.Text) => t.insert(5, ' world'),
      (t: Y.Text) => t.delete(0, 1),
      (t: Y.Text) => t.format(0, 2, { bold: true }),
    ]) {
      const update = edit(client, change);
      expect(verdict(server, update)).toBe('ok');
      Y.applyUpdate(server, update);
    }
    // Sent again (a resync after a lost ack): idempotent, accepted.
    expect(verdict(server, Y.encodeStateAsUpdate(client))).toBe('ok');
  });

  it('refuses empty, oversized and unparsable updates with their own codes', () => {
    const { server, client } = synced();
    expect(verdict(server, new Uint8Array(0))).toBe('invalid_update');
    const big = edit(client, (t) => t.insert(0, 'x'.repeat(2000)));
    expect(verdict(server, big, 1024)).toBe('update_too_large');
    expect(verdict(server, big, 4096)).toBe('ok');
    expect(verdict(server, new Uint8Array([1, 2, 3, 4, 5]))).toBe('invalid_update');
    expect(verdict(server, big.slice(0, big.length - 3))).toBe('invalid_update');
    expect(verdict(server, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]))).toBe('invalid_update');
  });

  it('refuses an update depending on clocks the server never saw', () => {
    // The client's own earlier edit is missing (a gap in its clocks).
    const { server, client } = synced();
    edit(client, (t) => t.insert(0, 'jamais envoyé '));
    expect(
      verdict(
        server,
        edit(client, (t) => t.insert(0, '!')),
      ),
    ).toBe('invalid_update');

    // Another client's edit is missing: inserted next to it (its origin is unknown).
    const a = synced();
    const b = copy(a.client);
    const sv = Y.encodeStateVector(b);
    const hidden = edit(a.client, (t) => t.insert(5, ' caché'));
    Y.applyUpdate(b, hidden);
    const next = edit(b, (t) => t.insert(11, ' après'));
    expect(verdict(a.server, next)).toBe('invalid_update');
    // With the missing edit in the same update, it is whole again.
    expect(verdict(a.server, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a.server)))).toBe('ok');
    expect(verdict(a.server, Y.encodeStateAsUpdate(b, sv))).toBe('ok');

    // Deleting items the server does not have.
    const c = copy(b);
    expect(
      verdict(
        a.server,
        edit(c, (t) => t.delete(5, 6)),
      ),
    ).toBe('invalid_update');
  });

  it('refuses items whose parent the server never saw', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const hiddenMap = edit(client, () => client.getMap('m').set('inner', new Y.Text()));
    const inner = client.getMap('m').get('inner') as Y.Text;
    const sv = Y.encodeStateVector(client);
    client.transact(() => inner.insert(0, 'dedans'));
    const update = Y.encodeStateAsUpdate(client, sv);
    expect(verdict(server, update)).toBe('invalid_update');
    Y.applyUpdate(server, hiddenMap);
    expect(verdict(server, update)).toBe('ok');
  });

  it('refuses declared ranges beyond any real clock', () => {
    const server = new Y.Doc();
    const gc = (len: number) => {
      const e = encoding.createEncoder();
      for (const n of [1, 1, 42, 0]) encoding.writeVarUint(e, n);
      encoding.writeUint8(e, 0); // a GC range
      encoding.writeVarUint(e, len);
      encoding.writeVarUint(e, 0);
      return encoding.toUint8Array(e);
    };
    expect(verdict(server, gc(10))).toBe('ok');
    expect(verdict(server, gc(MAX_CLOCK + 1))).toBe('invalid_update');
    expect(verdict(server, gc(2 ** 52))).toBe('invalid_update');
  });

  it('leaves nothing pending in a document that applies only accepted updates', () => {
    const { server, client } = synced();
    const other = copy(client);
    const updates = [
      edit(client, (t) => t.insert(0, 'a')),
      edit(other, (t) => t.insert(5, 'b')),
      edit(client, (t) => t.delete(1, 2)),
    ];
    Y.applyUpdate(other, updates[0]!);
    updates.push(edit(other, (t) => t.insert(1, 'c')));
    for (const u of updates) {
      if (verdict(server, u) === 'ok') Y.applyUpdate(server, u);
    }
    expect(server.store.pendingStructs).toBeNull();
    expect(server.store.pendingDs).toBeNull();
  });
});

describe('applyAndDescribe', () => {
  /** Applies `change` made on a synced copy of `server` to `server`, described. */
  const applied = (server: Y.Doc, change: (text: Y.Text) => void) =>
    applyAndDescribe(server, edit(copy(server), change), 'test');

  it('gives the text an edit inserts and how much it deletes', () => {
    const server = new Y.Doc();
    expect(applied(server, (t) => t.insert(0, 'Pansement J+2'))).toEqual({
      inserted: 'Pansement J+2',
      deleted: 0,
      changed: true,
    });
    expect(server.getText('t').toJSON()).toBe('Pansement J+2');
    expect(applied(server, (t) => t.delete(0, 3))).toEqual({
      inserted: '',
      deleted: 3,
      changed: true,
    });
    expect(
      applied(server, (t) => {
        t.insert(0, 'Dr ');
        t.delete(5, 2);
      }),
    ).toEqual({ inserted: 'Dr ', deleted: 2, changed: true });
    // Typed then erased in one go: nothing inserted, nothing that existed deleted.
    expect(
      applied(server, (t) => {
        t.insert(0, 'oups');
        t.delete(0, 4);
      }),
    ).toMatchObject({ inserted: '', deleted: 0 });
    expect(applied(server, (t) => t.format(0, 2, { bold: true }))).toEqual({
      inserted: '',
      deleted: 0,
      changed: true,
    });
  });

  it('credits nobody with what the document already had (a resync, a repeat)', () => {
    const server = new Y.Doc();
    const author = copy(server);
    for (const change of [(t: Y.Text) => t.insert(0, 'Glycémie'), (t: Y.Text) => t.delete(0, 3)])
      applyAndDescribe(server, edit(author, change), 'author');
    // A newcomer's copy answers the server's step 1: its whole delete set, nothing new.
    const newcomer = copy(server);
    const resync = Y.encodeStateAsUpdate(newcomer, Y.encodeStateVector(server));
    expect(applyAndDescribe(server, resync, 'newcomer')).toEqual({
      inserted: '',
      deleted: 0,
      changed: false,
    });
    expect(applyAndDescribe(server, Y.encodeStateAsUpdate(author), 'again')).toMatchObject({
      inserted: '',
      changed: false,
    });
    // A resync with one new word and everyone's past deletions: only the word is theirs.
    newcomer.getText('t').insert(0, 'ok ');
    const mixed = Y.encodeStateAsUpdate(newcomer, Y.encodeStateVector(server));
    expect(applyAndDescribe(server, mixed, 'newcomer')).toEqual({
      inserted: 'ok ',
      deleted: 0,
      changed: true,
    });
  });

  it('reads rich text of the editor (XML fragment), ignoring formatting and elements', () => {
    const server = new Y.Doc();
    const doc = copy(server);
    const sv = Y.encodeStateVector(doc);
    doc.transact(() => {
      const fragment = doc.getXmlFragment('prosemirror');
      const p = new Y.XmlElement('paragraph');
      fragment.push([p]);
      const text = new Y.XmlText();
      p.push([text]);
      text.insert(0, 'Glycémie ');
      text.insert(9, 'à jeun', { bold: true });
    });
    expect(applyAndDescribe(server, Y.encodeStateAsUpdate(doc, sv), 'x')).toEqual({
      inserted: 'Glycémie à jeun',
      deleted: 0,
      changed: true,
    });
  });
});

describe('applyAndDescribe: excerpts', () => {
  it('keeps the words of different paragraphs apart', () => {
    const server = new Y.Doc();
    const author = new Y.Doc();
    const fragment = author.getXmlFragment('prosemirror');
    const paragraph = (text: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    };
    fragment.insert(0, [paragraph('Objectifs'), paragraph('Surveillance glycémie')]);
    const effect = applyAndDescribe(server, Y.encodeStateAsUpdate(author), 'author');
    expect(effect.inserted).toBe('Objectifs Surveillance glycémie');
    expect(effect.changed).toBe(true);
  });
});
