import { describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A writer that records its batches and waits to be released, like a database round trip. */
function slowWriter() {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  const write = async (batch: number[]): Promise<(string | Error)[]> => {
    batches.push(batch);
    await new Promise<void>((resolve) => (release = resolve));
    return batch.map((n) => (n < 0 ? new Error(`refused ${n}`) : `stored ${n}`));
  };
  const next = async () => {
    // In process only: the writer is called within a few turns of the event loop.
    while (!release) await new Promise((r) => setTimeout(r, 1));
    const r = release;
    release = undefined;
    r();
  };
  return { batches, write, next };
}

describe('GroupCommit', () => {
  it('groups what arrives during a write into the next batch, in arrival order', async () => {
    const w = slowWriter();
    const group = new GroupCommit(w.write);
    const first = group.push(1);
    const later = [group.push(2), group.push(3)];
    await w.next();
    expect(await first).toBe('stored 1');
    await w.next();
    expect(await Promise.all(later)).toEqual(['stored 2', 'stored 3']);
    expect(w.batches).toEqual([[1], [2, 3]]);
  });

  it('fails one item for its Error, the whole batch for a throw, and keeps going', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, string>(async (batch) => {
      batches.push(batch);
      await Promise.resolve();
      if (batch.includes(99)) throw new Error('database down');
      return batch.map((n) => (n < 0 ? new Error(`refused ${n}`) : `stored ${n}`));
    });
    // 1 starts a write; -1 and 2 arrive during it and share the next batch.
    const first = await Promise.allSettled([group.push(1), group.push(-1), group.push(2)]);
    expect(first.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      'stored 1',
      'Error: refused -1',
      'stored 2',
    ]);
    // 99 makes its batch throw; 5, arriving meanwhile, is written in the next one.
    const second = await Promise.allSettled([group.push(99), group.push(5)]);
    expect(second.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      'Error: database down',
      'stored 5',
    ]);
    expect(batches).toEqual([[1], [-1, 2], [99], [5]]);
  });

  it('flush waits for everything queued so far', async () => {
    const w = slowWriter();
    const group = new GroupCommit(w.write);
    const done: string[] = [];
    void group.push(1).then((r) => done.push(r));
    const flushed = group.flush().then(() => done.push('flushed'));
    await w.next();
    await flushed;
    expect(done).toEqual(['stored 1', 'flushed']);
  });

  it('with a linger, an idle writer gathers what arrives within it into one write', async () => {
    vi.useFakeTimers();
    try {
      const batches: number[][] = [];
      const group = new GroupCommit<number, string>(
        async (batch) => {
          batches.push(batch);
          await Promise.resolve();
          return batch.map((n) => `stored ${n}`);
        },
        { lingerMs: 50 },
      );
      const settled: string[] = [];
      const track = (p: Promise<string>) => void p.then((r) => settled.push(r));
      track(group.push(1));
      await vi.advanceTimersByTimeAsync(20);
      track(group.push(2));
      await vi.advanceTimersByTimeAsync(29);
      // Nothing is written, nor acknowledged, before the linger is over.
      expect(batches).toEqual([]);
      expect(settled).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await group.flush();
      expect(batches).toEqual([[1, 2]]);
      expect(settled).toEqual(['stored 1', 'stored 2']);
      // The next item after a quiet spell waits for a linger of its own.
      track(group.push(3));
      await vi.advanceTimersByTimeAsync(49);
      expect(batches).toEqual([[1, 2]]);
      await vi.advanceTimersByTimeAsync(1);
      await group.flush();
      expect(batches).toEqual([[1, 2], [3]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
