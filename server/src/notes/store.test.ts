import { Types } from 'mongoose';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { rowsOf, type StoredUpdate } from './store.js';

/** Edits typed into one shared text by several writers, each with its update. */
function typing(writers: number, edits: number) {
  const docs = Array.from({ length: writers }, () => new Y.Doc());
  const updates: { writer: number; update: Uint8Array }[] = [];
  for (let i = 0; i < edits; i++) {
    const writer = i % writers;
    const doc = docs[writer]!;
    for (const other of docs) if (other !== doc) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    const grab = (u: Uint8Array) => updates.push({ writer, update: u });
    doc.on('update', grab);
    doc.getText('t').insert(doc.getText('t').length, `${i};`);
    doc.off('update', grab);
  }
  return updates;
}

const textOf = (updates: Uint8Array[]) => {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toJSON();
};

describe('note rows of a write', () => {
  const teamId = new Types.ObjectId();
  const authors = [new Types.ObjectId(), new Types.ObjectId()];
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, s));
  const entry = (update: Uint8Array, writer: number, s: number): StoredUpdate => ({
    update,
    authorId: authors[writer]!,
    teamId,
    at: at(s),
  });

  it('merges each author’s edits of one document into one row holding the same content', () => {
    const edits = typing(2, 10);
    const batch = [
      ...edits.map(({ update, writer }, i) => ({ docId: 'a', entry: entry(update, writer, i) })),
      { docId: 'b', entry: entry(typing(1, 1)[0]!.update, 0, 20) },
    ];
    const rows = rowsOf(batch);
    expect(rows.map((r) => [r.docId, String(r.entry.authorId)])).toEqual([
      ['a', String(authors[0])],
      ['a', String(authors[1])],
      ['b', String(authors[0])],
    ]);
    // Each row keeps its author's last edit time.
    expect(rows.map((r) => r.entry.at)).toEqual([at(8), at(9), at(20)]);
    const stored = rows.filter((r) => r.docId === 'a').map((r) => r.entry.update);
    expect(textOf(stored)).toBe(textOf(edits.map((e) => e.update)));
    expect(textOf(stored)).toBe('0;1;2;3;4;5;6;7;8;9;');
  });

  it('leaves a lone edit as it is', () => {
    const [only] = typing(1, 1);
    const batch = [{ docId: 'a', entry: entry(only!.update, 0, 0) }];
    expect(rowsOf(batch)[0]!.entry.update).toBe(only!.update);
  });
});
