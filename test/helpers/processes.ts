import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Linux process tree, read from /proc. A process is named by its pid AND its start time, so
 * that a pid reused by the system after a process ended is never taken for it (nor killed).
 */
export interface ProcessId {
  pid: number;
  /** Clock ticks since boot (field 22 of /proc/<pid>/stat). */
  start: string;
  /** The program it runs (`/proc/<pid>/exe`), '' if unreadable. */
  exe: string;
}

interface Stat {
  state: string;
  ppid: number;
  start: string;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

function exeOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

/** Every process below `root` (children, their children...), not `root` itself. */
export function descendants(root: number): ProcessId[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const found: ProcessId[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const stat = readStat(pid);
    if (!stat) continue;
    found.push({ pid, start: stat.start, exe: exeOf(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Still running: same process (pid and start time) and not a zombie awaiting its reaper. */
export function isRunning(p: ProcessId): boolean {
  const stat = readStat(p.pid);
  return stat !== undefined && stat.start === p.start && stat.state !== 'Z';
}

/** SIGKILL, only if it is still that very process. */
export function killIfRunning(p: ProcessId): void {
  if (!isRunning(p)) return;
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    // Ended in between.
  }
}

/** Polls `check` until true; throws with `what` (read then) after `timeoutMs`. */
export async function until(
  what: string | (() => string),
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
