import {
  calendarDay,
  sortTasks,
  type TaskChange,
  type TaskView,
} from '../../../../shared/src/tasks.js';

export type TaskFilter = { who: 'mine' | 'all'; status: 'open' | 'done' };

/** Keeps the newer of two views of a task (events and answers may arrive in any order). */
export function newer(a: TaskView | undefined, b: TaskView): TaskView {
  return a && a.version > b.version ? a : b;
}

/** A task list after a live change: the task replaced, added or removed. */
export function applyChange(tasks: readonly TaskView[], change: TaskChange): TaskView[] {
  if ('deletedId' in change) return tasks.filter((t) => t.id !== change.deletedId);
  const current = tasks.find((t) => t.id === change.task.id);
  if (!current) return [...tasks, change.task];
  const kept = newer(current, change.task);
  return tasks.map((t) => (t.id === kept.id ? kept : t));
}

/** What a filter shows, overdue first (sortTasks). */
export function visible(
  tasks: readonly TaskView[],
  filter: TaskFilter,
  meId: string,
  today: string,
): TaskView[] {
  return sortTasks(
    tasks.filter(
      (t) => t.status === filter.status && (filter.who === 'all' || t.assignee.id === meId),
    ),
    today,
  );
}

/** Today in Paris: due days are French calendar days, whatever the browser's zone. */
export const parisToday = (): string => calendarDay(new Date());
