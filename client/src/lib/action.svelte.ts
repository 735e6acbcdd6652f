import { errorText } from './api.js';

/** A user action in progress: busy while it runs, its French error message when it failed. */
export class Action {
  busy = $state(false);
  error = $state<string | null>(null);

  /** Runs the task unless already running; true when it succeeded. */
  async run(task: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await task();
      return true;
    } catch (error) {
      this.error = errorText(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.error = null;
  }
}
