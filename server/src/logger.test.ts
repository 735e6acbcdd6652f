import { describe, expect, it } from 'vitest';
import { safeError } from './logger.js';

describe('safeError', () => {
  it('keeps kind, code and frames but never the message, which may quote data', () => {
    const err = Object.assign(new Error('E11000 duplicate key: { ins: "185057800608491" }'), {
      code: 11000,
    });
    const logged = safeError(err);
    expect(logged).toMatchObject({ name: 'Error', code: 11000 });
    expect(JSON.stringify(logged)).not.toContain('185057800608491');
    expect(logged.frames).toContain('logger.test.ts');
  });
  it('copes with non-errors', () => {
    expect(safeError('boom')).toEqual({ name: 'string' });
  });
});
