import type { Model } from 'mongoose';

/**
 * Runs a few programs (a load, a compaction, a store…) against the real database one database
 * operation at a time, in an order the test chooses. Each program talks to the database
 * through models wrapped by `models(program, …)`: every operation they start waits at a gate
 * until the scheduler lets it go, and the next one is let go only once it has completed and
 * every program is blocked again (at a gate, or finished). So a schedule is a sequence of
 * choices among the operations waiting, and replaying the same choices replays the same run,
 * whatever the machine's speed: nothing here depends on time except the deadline that turns a
 * program stuck elsewhere into an error.
 */
export class Interleaving {
  private readonly waiting: Gate[] = [];
  private readonly running = new Map<string, boolean>();
  /** The operations in the order they were let go, as `program:operation collection`. */
  readonly trace: string[] = [];

  constructor(private readonly choose: (waiting: string[]) => number) {}

  /** The models as a program sees them: the same, with every database operation gated. */
  models<M extends object>(program: string, models: M): M {
    const out: Record<string, unknown> = {};
    for (const [key, model] of Object.entries(models))
      out[key] = this.gated(program, model as AnyModel);
    return out as M;
  }

  /** Starts the programs and lets their operations go one by one; resolves with their results. */
  async run<T extends Record<string, () => Promise<unknown>>>(
    programs: T,
  ): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
    const results: Record<string, unknown> = {};
    const failures: unknown[] = [];
    for (const [name, program] of Object.entries(programs)) {
      this.running.set(name, true);
      program().then(
        (r) => {
          results[name] = r;
          this.running.set(name, false);
        },
        (err: unknown) => {
          failures.push(err);
          this.running.set(name, false);
        },
      );
    }
    for (;;) {
      await this.settled();
      if (failures.length > 0) throw failures[0];
      if (this.waiting.length === 0) break;
      this.waiting.sort((a, b) => a.label.localeCompare(b.label));
      const labels = this.waiting.map((g) => g.label);
      const index = this.choose(labels);
      const [gate] = this.waiting.splice(index, 1);
      if (!gate) throw new Error(`no operation ${index} among ${labels.join(', ')}`);
      this.trace.push(gate.label);
      await gate.go();
    }
    return results as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
  }

  /**
   * Every program is finished or waits at a gate. Checked at each turn of the event loop
   * (a completed operation's caller goes on in microtasks), with a deadline for a program
   * blocked on something that is not gated.
   */
  private async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const blocked = [...this.running].every(
        ([name, running]) => !running || this.waiting.some((g) => g.program === name),
      );
      if (blocked) return;
      if (Date.now() > deadline)
        throw new Error(`programs neither finished nor gated: ${[...this.running].join(', ')}`);
    }
  }

  private gate<R>(program: string, label: string, operation: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({
        program,
        label: `${program}:${label}`,
        // The scheduler waits for the operation itself, not for its caller's reaction.
        go: () =>
          operation()
            .then(resolve, reject)
            .catch(() => undefined),
      });
    });
  }

  private gated(program: string, model: AnyModel): AnyModel {
    const collection = model.collection.collectionName;
    const gateQuery = <Q extends { exec: (...args: unknown[]) => Promise<unknown> }>(
      method: string,
      query: Q,
    ): Q => {
      const exec = query.exec.bind(query);
      query.exec = (...args: unknown[]) =>
        this.gate(program, `${method} ${collection}`, () => exec(...args));
      return query;
    };
    const wrapped: Record<string, unknown> = {
      find: (...args: Parameters<AnyModel['find']>) => gateQuery('find', model.find(...args)),
      deleteMany: (...args: Parameters<AnyModel['deleteMany']>) =>
        gateQuery('deleteMany', model.deleteMany(...args)),
      create: (...args: unknown[]) =>
        this.gate(program, `create ${collection}`, () =>
          (model.create as (...a: unknown[]) => Promise<unknown>)(...args),
        ),
      insertMany: (...args: unknown[]) =>
        this.gate(program, `insertMany ${collection}`, () =>
          (model.insertMany as (...a: unknown[]) => Promise<unknown>)(...args),
        ),
    };
    return new Proxy(model, {
      get: (target, prop, receiver) =>
        typeof prop === 'string' && prop in wrapped
          ? wrapped[prop]
          : (Reflect.get(target, prop, receiver) as unknown),
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model of any schema
type AnyModel = Model<any>;

interface Gate {
  program: string;
  label: string;
  go(): Promise<void>;
}

/**
 * Every schedule of `run`, depth first: each run gets a `choose` that replays a prefix of
 * choices and takes the first operation after it; the next prefix moves the last choice that
 * had an untried alternative. Returns how many schedules ran.
 */
export async function everySchedule(
  run: (choose: (waiting: string[]) => number) => Promise<void>,
  limit = 10_000,
): Promise<number> {
  let prefix: number[] = [];
  for (let count = 1; count <= limit; count++) {
    const widths: number[] = [];
    const path: number[] = [];
    await run((waiting) => {
      const depth = path.length;
      const choice = depth < prefix.length ? prefix[depth]! : 0;
      widths.push(waiting.length);
      path.push(choice);
      return choice;
    });
    let depth = path.length - 1;
    while (depth >= 0 && path[depth]! + 1 >= widths[depth]!) depth--;
    if (depth < 0) return count;
    prefix = [...path.slice(0, depth), path[depth]! + 1];
  }
  throw new Error(`more than ${limit} schedules`);
}
