import { type TaskChange, type TaskView } from '../../../../shared/src/tasks.js';
import { ApiError, errorText } from '../../lib/api.js';
import { coalesce } from '../../lib/coalesce.js';
import { listTasks } from './api.js';
import { applyChange, parisToday } from './task-list.js';

/** The tasks of one team, kept up to date by `task:changed`. */
export class TaskList {
  tasks = $state<TaskView[]>([]);
  state = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  loadError = $state<string | null>(null);
  /** The Paris day: what "overdue" is measured against. */
  today = $state(parisToday());

  constructor(readonly teamId: string) {}

  readonly refresh = coalesce(async () => {
    try {
      this.tasks = await listTasks(this.teamId);
      this.today = parisToday();
      this.state = 'ready';
      this.loadError = null;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') this.state = 'not_found';
      else {
        this.loadError = errorText(error);
        if (this.state === 'loading') this.state = 'error';
      }
    }
  });

  apply(change: TaskChange): void {
    if (change.teamId === this.teamId) this.tasks = applyChange(this.tasks, change);
  }

  /** An answer to the actor's own write (it may come before or after its event). */
  put(task: TaskView): void {
    this.apply({ teamId: this.teamId, task });
  }
}
