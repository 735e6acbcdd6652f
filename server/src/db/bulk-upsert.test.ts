import { describe, expect, it } from 'vitest';
import { bulkUpsert } from './bulk-upsert.js';

type Op = { entry: string; n: number; upsert: boolean };

/** A bulk writer that fails the first call with a duplicate key at `failAt`, then `then`. */
function fakeModel(failAt: number, then: (ops: Op[]) => unknown = () => undefined) {
  const calls: Op[][] = [];
  return {
    calls,
    bulkWrite(ops: Op[]) {
      calls.push(ops);
      if (calls.length === 1)
        return Promise.reject(
          Object.assign(new Error('E11000'), { code: 11000, writeErrors: [{ index: failAt }] }),
        );
      const outcome = then(ops);
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve();
    },
  };
}

// Entries with different numbers of operations: a has 1, b has 3, c has 2.
const sizes: Record<string, number> = { a: 1, b: 3, c: 2 };
const ops = (entry: string, upsert: boolean): Op[] =>
  Array.from({ length: sizes[entry]! }, (_, n) => ({ entry, n, upsert }));

describe('bulkUpsert', () => {
  it('writes everything in one ordered bulk write when nothing races', async () => {
    const calls: Op[][] = [];
    await bulkUpsert(
      { bulkWrite: (o: Op[]) => (calls.push(o), Promise.resolve()) },
      ['a', 'b'],
      ops,
    );
    expect(calls.map((c) => c.map((o) => o.entry))).toEqual([['a', 'b', 'b', 'b']]);
  });

  it('after a duplicate key, rewrites from the entry that holds the failed operation on', async () => {
    // Operation 3 is b's last: a was written, b and c are written again one by one.
    const model = fakeModel(3);
    await bulkUpsert(model, ['a', 'b', 'c'], ops);
    expect(model.calls.slice(1).map((c) => [c[0]!.entry, c.length, c[0]!.upsert])).toEqual([
      ['b', 3, true],
      ['c', 2, true],
    ]);
  });

  it('writes an entry that loses again without its upsert; other errors fail the call', async () => {
    const dup = Object.assign(new Error('E11000'), { code: 11000 });
    const again = fakeModel(4, (o) => (o[0]!.entry === 'c' && o[0]!.upsert ? dup : undefined));
    await bulkUpsert(again, ['a', 'b', 'c'], ops);
    expect(again.calls.slice(1).map((c) => [c[0]!.entry, c[0]!.upsert])).toEqual([
      ['c', true],
      ['c', false],
    ]);
    const broken = fakeModel(0, () => new Error('réseau'));
    await expect(bulkUpsert(broken, ['a'], ops)).rejects.toThrow('réseau');
  });
});
