import { Types, type Model } from 'mongoose';
import webpush from 'web-push';
import type { NotificationView } from '../../../../shared/src/notifications.js';
import { pushPayload } from '../../../../shared/src/push.js';
import { safeError, type Logger } from '../../logger.js';
import type { NotificationSink } from '../service.js';
import type { PushSubscriptionDoc } from './model.js';

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

/**
 * Sends each notification as a Web Push to every subscribed browser of its recipient.
 * `deliver` only queues: the write that caused the notification never waits for a push
 * service. The payload is `pushPayload` (a generic sentence and a path), never health data.
 * A push service answering 404 or 410 says the subscription is gone: its row is deleted.
 */
export class PushSink implements NotificationSink {
  private readonly queue: { recipientId: string; view: NotificationView }[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly deps: {
      PushSubscription: Model<PushSubscriptionDoc>;
      vapid: VapidKeys;
      logger: Logger;
    },
  ) {}

  deliver(recipientId: string, view: NotificationView): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.deps.logger.warn({ kind: view.kind }, 'push dropped: queue full');
      return;
    }
    this.queue.push({ recipientId, view });
    this.running ??= this.drain();
  }

  /** Resolves once every queued push was sent or given up. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Waits a little for queued pushes (a slow push service must not hold shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
    });
    const done = await Promise.race([this.idle().then(() => true), waited]);
    clearTimeout(timer);
    if (!done) {
      this.deps.logger.warn({ dropped: this.queue.length }, 'pushes dropped at shutdown');
      this.queue.length = 0;
    }
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        await this.sendAll(next.recipientId, next.view).catch((err: unknown) => {
          this.deps.logger.error({ err: safeError(err), kind: next?.view.kind }, 'push failed');
        });
      }
    } finally {
      this.running = undefined;
    }
  }

  private async sendAll(recipientId: string, view: NotificationView): Promise<void> {
    const subscriptions = await this.deps.PushSubscription.find({
      professionalId: new Types.ObjectId(recipientId),
    }).lean<PushSubscriptionDoc[]>();
    if (subscriptions.length === 0) return;
    const body = JSON.stringify(pushPayload(view));
    await Promise.all(subscriptions.map((s) => this.sendOne(s, body, view.kind)));
  }

  private async sendOne(s: PushSubscriptionDoc, body: string, kind: string): Promise<void> {
    // web-push encrypts (RFC 8291, aes128gcm) and signs (VAPID, RFC 8292); the request goes
    // through fetch, which bounds the wait and also reaches a local push service in tests
    // (web-push's own sender speaks https only).
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
