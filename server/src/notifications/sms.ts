import type { Logger } from '../logger.js';
import { BackgroundQueue } from './background-queue.js';

/** Beyond this many SMS waiting (gateway down), new ones are dropped rather than kept in memory. */
const MAX_QUEUED = 1000;
/** Shutdown waits this long for queued SMS, then drops the rest. */
const CLOSE_WAIT_MS = 5_000;
/** One gateway request may take this long: a gateway that does not answer must not hold the queue. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface Sms {
  /** E.164: `+33612345678`. */
  to: string;
  text: string;
}

/**
 * The one way out for SMS (the patient's access codes, docs/patient-access.md): `send` only
 * queues, no caller waits for the gateway, and a failure is logged (no number, no text) and
 * dropped. An SMS carries no health data.
 */
export interface SmsSender {
  /** `kind` names the SMS in logs (never its number or text). */
  send(kind: string, sms: Sms): void;
  /** Resolves once every queued SMS was sent or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** False when SMS go nowhere (no gateway outside development): the SMS channel is refused. */
  readonly delivers: boolean;
}

export interface SmsSettings {
  url: string;
  token: string;
}

/**
 * Posts each SMS to the deployment's gateway (docs/deployment.md, "SMS"): `POST SMS_URL` with
 * `Authorization: Bearer SMS_TOKEN` and the JSON `{ "to": "+336…", "text": "…" }`; any 2xx
 * means accepted. One at a time, in order, each request bounded in time.
 */
export class HttpSmsSender implements SmsSender {
  readonly delivers = true;
  private readonly queue: BackgroundQueue<{ kind: string; sms: Sms }>;

  constructor(
    private readonly settings: SmsSettings,
    logger: Logger,
  ) {
    this.queue = new BackgroundQueue({
      name: 'sms',
      max: MAX_QUEUED,
      closeWaitMs: CLOSE_WAIT_MS,
      work: (item) => this.sendNow(item.sms),
      describe: (item) => ({ kind: item.kind }),
      logger,
    });
  }

  send(kind: string, sms: Sms): void {
    this.queue.push({ kind, sms });
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async sendNow(sms: Sms): Promise<void> {
    const res = await fetch(this.settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.settings.token}`,
      },
      body: JSON.stringify({ to: sms.to, text: sms.text }),
      redirect: 'error',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    // The body is not read: a gateway may echo the number or the text back.
    await res.body?.cancel();
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

/**
 * Development without a gateway (`npm start`): the SMS is written to the server's log instead,
 * so that a person trying the app can read the code. Never used in production or tests.
 */
export class LogSmsSender implements SmsSender {
  readonly delivers = true;

  constructor(private readonly logger: Logger) {}

  send(_kind: string, sms: Sms): void {
    this.logger.info(
      `\n  SMS NOT SENT (development, SMS_URL is not set): what it says\n` +
        `  To: ${sms.to}\n\n  ${sms.text}\n`,
    );
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** No gateway outside development: nothing can be sent, so the SMS channel is refused. */
export class NullSmsSender implements SmsSender {
  readonly delivers = false;
  send(): void {}
  idle(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
