import { Types, type Model } from 'mongoose';
import type { NotificationView } from '../../../../shared/src/notifications.js';
import {
  messagePushPayload,
  pushPayload,
  type PushEvent,
  type PushPayload,
} from '../../../../shared/src/push.js';
import { pushAllowed } from '../../../../shared/src/rules/push.js';
import { safeError, type Logger } from '../../logger.js';
import { BackgroundQueue } from '../background-queue.js';
import type { NotificationSink } from '../service.js';
import type { PushSubscriptionDoc } from './model.js';
import type { PushSettingsStore } from './preferences.js';

/** Beyond this many pushes waiting (a push service down), new ones are dropped. */
const MAX_QUEUED = 1000;
/** A push service that does not answer must not hold the queue. */
const TIMEOUT_MS = 10_000;
/** Shutdown waits this long for queued pushes, then drops the rest. */
const CLOSE_WAIT_MS = 5_000;

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** One push to send: to whom (or how to find them when it is sent), about what. */
interface PushJob {
  event: PushEvent;
  teamId: string | null;
  payload: PushPayload;
  /** When it happened: quiet hours are those of that moment, not of a late send. */
  at: Date;
  recipients: string[] | (() => Promise<string[]>);
}

/**
 * Sends each notification, and each new discussion message, as a Web Push to every subscribed
 * browser of its recipients whose settings let it through (`pushAllowed`: the event is on,
 * the team not muted, not their quiet hours). Queuing only: the write that caused it never
 * waits for a push service. The payload is a generic sentence and a path, never health data.
 * A push service answering 404 or 410 says the subscription is gone: its row is deleted.
 */
export class PushSink implements NotificationSink {
  private readonly queue: BackgroundQueue<PushJob>;

  constructor(
    private readonly deps: {
      PushSubscription: Model<PushSubscriptionDoc>;
      settings: PushSettingsStore;
      vapid: VapidKeys;
      logger: Logger;
      now: () => Date;
    },
  ) {
    this.queue = new BackgroundQueue({
      name: 'push',
      max: MAX_QUEUED,
      closeWaitMs: CLOSE_WAIT_MS,
      work: (job) => this.sendJob(job),
      describe: (job) => ({ kind: job.event }),
      logger: deps.logger,
    });
  }

  deliver(recipientId: string, view: NotificationView): void {
    this.queue.push({
      event: view.kind,
      teamId: view.teamId,
      payload: pushPayload(view),
      at: this.deps.now(),
      recipients: [recipientId],
    });
  }

  /**
   * A message stored in a team's discussion: its current members but the author and those it
   * mentions (they get the mention's push), read when the push is sent.
   */
  messageSent(m: {
    teamId: string;
    authorId: string;
    mentions: string[];
    members: () => Promise<string[]>;
  }): void {
    const skip = new Set([m.authorId, ...m.mentions]);
    this.queue.push({
      event: 'message',
      teamId: m.teamId,
      payload: messagePushPayload(m.teamId),
      at: this.deps.now(),
      recipients: async () => (await m.members()).filter((id) => !skip.has(id)),
    });
  }

  /** Resolves once every queued push was sent or given up. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Waits a little for queued pushes (a slow push service must not hold shutdown). */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async sendJob(job: PushJob): Promise<void> {
    const recipients =
      typeof job.recipients === 'function' ? await job.recipients() : job.recipients;
    if (recipients.length === 0) return;
    const subscriptions = await this.deps.PushSubscription.find({
      professionalId: { $in: recipients.map((id) => new Types.ObjectId(id)) },
    }).lean<PushSubscriptionDoc[]>();
    if (subscriptions.length === 0) return;
    const settings = await this.deps.settings.forRecipients([
      ...new Set(subscriptions.map((s) => String(s.professionalId))),
    ]);
    const { at } = job;
    const allowed = subscriptions.filter((s) => {
      const own = settings.get(String(s.professionalId));
      if (!own) return true;
      const teamMuted = job.teamId != null && own.mutedTeamIds.has(job.teamId);
      return pushAllowed(own.preferences, job.event, { teamMuted, at });
    });
    const body = JSON.stringify(job.payload);
    await Promise.all(allowed.map((s) => this.sendOne(s, body, job.event)));
  }

  private async sendOne(s: PushSubscriptionDoc, body: string, kind: string): Promise<void> {
    // web-push encrypts (RFC 8291, aes128gcm) and signs (VAPID, RFC 8292); the request goes
    // through fetch, which bounds the wait and also reaches a local push service in tests
    // (web-push's own sender speaks https only).
    // Loaded at the first push sent, not at start (docs/notes.md, "Memory").
    const { default: webpush } = await import('web-push');
    const request = webpush.generateRequestDetails(
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
      body,
      { vapidDetails: this.deps.vapid, TTL: 24 * 3600 },
    );
    let status: number;
    try {
      const res = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      // No endpoint in the log: it identifies a browser.
      this.deps.logger.warn({ err: safeError(err), kind }, 'push service unreachable');
      return;
    }
    if (status === 404 || status === 410) {
      await this.deps.PushSubscription.deleteOne({ _id: s._id });
    } else if (status >= 300) {
      this.deps.logger.warn({ kind, status }, 'push refused by the push service');
    }
  }
}
