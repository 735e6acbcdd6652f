import { describe, expect, it } from 'vitest';
import { collapseUnchanged, diffLines, diffStats, type DiffLine } from './diff.js';

const same = (text: string): DiffLine => ({ kind: 'same', text });
const added = (text: string): DiffLine => ({ kind: 'added', text });
const removed = (text: string): DiffLine => ({ kind: 'removed', text });

describe('diffLines', () => {
  it('keeps identical texts unchanged', () => {
    expect(diffLines(['a', 'b'], ['a', 'b'])).toEqual([same('a'), same('b')]);
    expect(diffLines([], [])).toEqual([]);
  });

  it('shows lines added and removed in place', () => {
    expect(diffLines(['Titre', 'Pansement J+2', 'Fin'], ['Titre', 'Fin', 'Kiné mardi'])).toEqual([
      same('Titre'),
      removed('Pansement J+2'),
      same('Fin'),
      added('Kiné mardi'),
    ]);
  });

  it('shows a rewritten line as the old one then the new one', () => {
    expect(diffLines(['a', 'Insuline 10 UI', 'c'], ['a', 'Insuline 12 UI', 'c'])).toEqual([
      same('a'),
      removed('Insuline 10 UI'),
      added('Insuline 12 UI'),
      same('c'),
    ]);
  });

  it('handles an empty side', () => {
    expect(diffLines([], ['x', 'y'])).toEqual([added('x'), added('y')]);
    expect(diffLines(['x'], [])).toEqual([removed('x')]);
  });

  it('finds the common lines between changes (longest common subsequence)', () => {
    const result = diffLines(['a', 'b', 'c', 'd', 'e'], ['b', 'x', 'd', 'e', 'f']);
    expect(result).toEqual([
      removed('a'),
      same('b'),
      removed('c'),
      added('x'),
      same('d'),
      same('e'),
      added('f'),
    ]);
    expect(diffStats(result)).toEqual({ added: 2, removed: 2 });
  });

  it('keeps repeated lines apart', () => {
    expect(diffLines(['', 'a', ''], ['', '', 'a', ''])).toEqual([
      same(''),
      added(''),
      same('a'),
      same(''),
    ]);
  });

  it('finds the lines kept in long texts changed throughout (no size where it gives up)', () => {
    // 3,000 lines, every other one rewritten: the old table (n × m cells) gave up here and
    // showed all 3,000 as removed then added.
    const before = Array.from({ length: 3000 }, (_, i) => `ligne ${i}`);
    const after = before.map((line, i) => (i % 2 === 0 ? line : `${line} modifiée`));
    const result = diffLines(before, after);
    expect(diffStats(result)).toEqual({ added: 1500, removed: 1500 });
    expect(result.filter((line) => line.kind === 'same')).toHaveLength(1500);
    expect(result.slice(0, 4)).toEqual([
      same('ligne 0'),
      removed('ligne 1'),
      added('ligne 1 modifiée'),
      same('ligne 2'),
    ]);
  });

  it('shows one changed line in a very long note as that line only', () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `ligne ${i}`);
    const after = [...before];
    after[10_000] = 'Insuline 12 UI';
    expect(diffStats(diffLines(before, after))).toEqual({ added: 1, removed: 1 });
  });

  it('stays correct for two wholly different texts', () => {
    const before = Array.from({ length: 2100 }, (_, i) => `avant ${i}`);
    const after = Array.from({ length: 2100 }, (_, i) => `après ${i}`);
    const result = diffLines(['début', ...before, 'fin'], ['début', ...after, 'fin']);
    expect(result[0]).toEqual(same('début'));
    expect(result.at(-1)).toEqual(same('fin'));
    expect(diffStats(result)).toEqual({ added: 2100, removed: 2100 });
    expect(result.slice(1, 2101).every((line) => line.kind === 'removed')).toBe(true);
  });
});

describe('collapseUnchanged', () => {
  it('gives nothing when nothing changed', () => {
    expect(collapseUnchanged([same('a'), same('b')])).toEqual([]);
  });

  it('keeps the context around changes and counts the rest', () => {
    const lines = [...'abcdefgh'].map(same);
    lines.splice(4, 0, added('X'));
    expect(collapseUnchanged(lines, 1)).toEqual([
      { kind: 'skipped', count: 3 },
      same('d'),
      added('X'),
      same('e'),
      { kind: 'skipped', count: 3 },
    ]);
  });

  it('shows a single unchanged line rather than a gap of one', () => {
    const lines = [same('a'), removed('b'), same('c'), same('d'), same('e'), added('f')];
    expect(collapseUnchanged(lines, 1)).toEqual(lines);
  });
});
