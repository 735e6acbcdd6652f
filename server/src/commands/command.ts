import type { Connection } from 'mongoose';
import type { AuditLog, AuditRecord } from '../audit/service.js';
import { transaction, type Session } from '../db/transaction.js';
import type { OutboxMessage } from '../outbox/messages.js';
import type { Outbox } from '../outbox/service.js';

/**
 * What one attempt of a command writes with: the transaction's session, the command's time,
 * and the audit rows and side effects it collects. Rows and effects are written in the same
 * transaction when the work returns; an attempt that is retried starts from a fresh scope.
 */
export class CommandScope {
  readonly audits: AuditRecord[] = [];
  readonly effects: OutboxMessage[] = [];
  constructor(
    readonly session: Session,
    readonly now: Date,
    private readonly hooks: CommandHooks,
  ) {}

  audit(...records: AuditRecord[]): void {
    this.audits.push(...records);
  }

  /** A side effect, dispatched only once the transaction has committed. */
  emit(...messages: OutboxMessage[]): void {
    this.effects.push(...messages);
  }

  /** A named point inside the transaction where a test may pause it (race tests). */
  async checkpoint(name: string): Promise<void> {
    await this.hooks.checkpoint?.(name);
  }
}

/** Test seams; production passes none. */
export interface CommandHooks {
  /** Called at named points inside a transaction (see `CommandScope.checkpoint`). */
  checkpoint?: (name: string) => Promise<void> | void;
  /** Called when a command is invoked, before its transaction starts. */
  invoked?: (name: string) => void;
  /** False keeps committed side effects in the outbox, as if the process died after commit. */
  dispatchAfterCommit?: boolean;
}

export interface CommandDeps {
  db: Connection;
  audit: AuditLog;
  outbox: Outbox;
  now: () => Date;
  hooks?: CommandHooks;
}

/**
 * Runs state changes as commands (docs/architecture.md, "Commands"): the work checks the
 * policy, reads and writes through the scope's session; its audit rows and outbox entry are
 * written in the same transaction; after the commit the side effects are dispatched, before
 * the caller hears back, so members see the change and revoked sockets are gone by then.
 */
export class CommandRunner {
  private readonly hooks: CommandHooks;
  constructor(private readonly deps: CommandDeps) {
    this.hooks = deps.hooks ?? {};
  }

  async run<T>(name: string, work: (scope: CommandScope) => Promise<T>): Promise<T> {
    this.hooks.invoked?.(name);
    const { result, entry } = await transaction(this.deps.db, async (session) => {
      const scope = new CommandScope(session, this.deps.now(), this.hooks);
      const result = await work(scope);
      await this.deps.audit.insert(scope.audits, session, scope.now);
      const entry = await this.deps.outbox.write(scope.effects, session);
      return { result, entry };
    });
    if (this.hooks.dispatchAfterCommit !== false) {
      // Committed: `dispatch` never throws; what it could not deliver waits for a sweep.
      await this.deps.outbox.dispatch(entry);
    }
    return result;
  }
}
