import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

describe('coalesce', () => {
  it('runs a burst of calls as the one in flight plus one more', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const reload = coalesce(async () => {
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const first = reload();
    void reload();
    void reload();
    release();
    // One turn of the event loop: the in-process promises settle, the queued call starts.
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await first;
    expect(runs).toBe(2);
    const later = reload();
    release();
    await later;
    expect(runs).toBe(3);
  });
});
