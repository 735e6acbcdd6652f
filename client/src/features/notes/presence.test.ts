import { describe, expect, it } from 'vitest';
import { colorFor, othersPresent, USER_COLORS } from './presence.js';

describe('othersPresent', () => {
  const own = { clientId: 1, professionalId: 'me' };

  it('lists each other professional once, sorted by name, without us', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: 'me', name: 'Moi', color: '#0b5cad' } }],
      [2, { user: { id: 'p2', name: 'Paul Bernard', color: '#b3261e' }, cursor: null }],
      [3, { user: { id: 'p3', name: 'Camille Durand', color: '#1e7b34' } }],
      // Paul's second tab, and our own second tab.
      [4, { user: { id: 'p2', name: 'Paul Bernard', color: '#6f42c1' } }],
      [5, { user: { id: 'me', name: 'Moi', color: '#0b5cad' } }],
    ]);
    expect(othersPresent(states, own)).toEqual([
      { id: 'p3', name: 'Camille Durand', color: '#1e7b34' },
      { id: 'p2', name: 'Paul Bernard', color: '#b3261e' },
    ]);
  });

  it('skips states without a stamped user and replaces invalid colours', () => {
    const states = new Map<number, Record<string, unknown>>([
      [2, {}],
      [3, { user: { name: 'Sans id' } }],
      [4, { user: { id: 'p4', name: 'Anne Roux', color: 'red;background:url(x)' } }],
    ]);
    expect(othersPresent(states, own)).toEqual([
      { id: 'p4', name: 'Anne Roux', color: colorFor('p4') },
    ]);
  });
});

describe('colorFor', () => {
  it('is stable and taken from the palette', () => {
    expect(colorFor('64b7f0c2a1b2c3d4e5f60718')).toBe(colorFor('64b7f0c2a1b2c3d4e5f60718'));
    expect(USER_COLORS).toContain(colorFor('abc'));
  });
});
