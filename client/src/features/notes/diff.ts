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
 * Past this many cells the longest-common-subsequence table would cost too much memory
 * (4 M cells = 16 MB): the differing middle is then shown as removed, then added.
 */
const MAX_CELLS = 4_000_000;

/**
 * Line diff of two texts (longest common subsequence over their lines, after trimming the
 * common start and end). Within a changed stretch, removed lines come before added ones, so
 * a rewritten paragraph reads as "before" then "after".
 */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endA = before.length;
  let endB = after.length;
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (text: string): DiffLine => ({ kind: 'same', text });
  const result: DiffLine[] = before.slice(0, start).map(same);
  const a = before.slice(start, endA);
  const b = after.slice(start, endB);
  result.push(...diffMiddle(a, b));
  result.push(...before.slice(endA).map(same));
  return result;
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const removed = (text: string): DiffLine => ({ kind: 'removed', text });
  const added = (text: string): DiffLine => ({ kind: 'added', text });
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_CELLS) {
    return [...a.map(removed), ...b.map(added)];
  }
  // lcs[i * (m + 1) + j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      out.push(removed(a[i++]!));
    } else {
      out.push(added(b[j++]!));
    }
  }
  while (i < n) out.push(removed(a[i++]!));
  while (j < m) out.push(added(b[j++]!));
  return out;
}

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
