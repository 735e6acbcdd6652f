import { diffArrays } from 'diff';

/** A line of a comparison: kept, only in the newer text, or only in the older one. */
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Unchanged lines left out of a comparison, to keep the changes in view. */
export interface DiffGap {
  kind: 'skipped';
  count: number;
}

export type DiffRow = DiffLine | DiffGap;

/**
 * Past this many line edits the texts are mostly different: Myers' algorithm would cost
 * time in proportion to edits × lines, so the differing stretch is shown as removed, then
 * added, which is then what it nearly is.
 */
const MAX_EDITS = 5_000;

/**
 * Line diff of two texts, by jsdiff (Myers' O(ND) algorithm: fast when the texts are alike,
 * whatever their length). Within a changed stretch, removed lines come before added ones, so
 * a rewritten paragraph reads as "before" then "after".
 */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const changes = diffArrays([...before], [...after], { maxEditLength: MAX_EDITS });
  if (!changes) return [...before.map(removed), ...after.map(added)];
  const result: DiffLine[] = [];
  let removedRun: DiffLine[] = [];
  let addedRun: DiffLine[] = [];
  const flush = () => {
    result.push(...removedRun, ...addedRun);
    removedRun = [];
    addedRun = [];
  };
  for (const change of changes) {
    if (change.removed) removedRun.push(...change.value.map(removed));
    else if (change.added) addedRun.push(...change.value.map(added));
    else {
      flush();
      result.push(...change.value.map(same));
    }
  }
  flush();
  return result;
}

const same = (text: string): DiffLine => ({ kind: 'same', text });
const removed = (text: string): DiffLine => ({ kind: 'removed', text });
const added = (text: string): DiffLine => ({ kind: 'added', text });

/**
 * Keeps `context` unchanged lines around each change and replaces longer unchanged runs by
 * a count. No change at all gives an empty list.
 */
export function collapseUnchanged(lines: readonly DiffLine[], context = 2): DiffRow[] {
  if (lines.every((line) => line.kind === 'same')) return [];
  const keep = lines.map((line) => line.kind !== 'same');
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length - 1, index + context);
    for (let k = from; k <= to; k++) keep[k] = true;
  });
  const rows: DiffRow[] = [];
  let run: DiffLine[] = [];
  // A gap of one line takes as much room as the line: the line is shown instead.
  const flush = () => {
    if (run.length === 1) rows.push(run[0]!);
    else if (run.length > 1) rows.push({ kind: 'skipped', count: run.length });
    run = [];
  };
  lines.forEach((line, index) => {
    if (keep[index]) {
      flush();
      rows.push(line);
    } else {
      run.push(line);
    }
  });
  flush();
  return rows;
}

/** How many lines a comparison adds and removes. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'added') added++;
    else if (line.kind === 'removed') removed++;
  }
  return { added, removed };
}
