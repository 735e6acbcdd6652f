import type { Connection, Model } from 'mongoose';
import { createECDH } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Notifications } from '../service.js';
import { registerPushSubscriptionModel, type PushSubscriptionDoc } from './model.js';
import { PushSettingsStore, registerPushSettingsModels } from './preferences.js';
import { PushSink, type VapidKeys } from './sink.js';

export interface Push {
  PushSubscription: Model<PushSubscriptionDoc>;
  sink: PushSink;
  settings: PushSettingsStore;
  publicKey: string;
}

/**
 * Web Push for every notification. Without VAPID keys in the settings, a pair is made for
 * this start only: the app works (`npm start` needs no setting), but browsers subscribed with
 * the previous pair stop receiving after a restart, and every instance has its own pair.
 */
export function buildPush(deps: {
  db: Connection;
  config: Pick<Config, 'vapid'>;
  notifications: Notifications;
  logger: Logger;
  now: () => Date;
}): Push {
  let vapid: VapidKeys;
  if (deps.config.vapid) {
    vapid = deps.config.vapid;
  } else {
    vapid = { ...vapidKeyPair(), subject: 'mailto:admin@escap.local' };
    deps.logger.warn(
      'VAPID keys not set: an ephemeral pair for this start, push subscriptions will not survive a restart',
    );
  }
  const PushSubscription = registerPushSubscriptionModel(deps.db);
  const settings = new PushSettingsStore({
    ...registerPushSettingsModels(deps.db),
    now: deps.now,
  });
  const sink = new PushSink({
    PushSubscription,
    settings,
    vapid,
    logger: deps.logger,
    now: deps.now,
  });
  deps.notifications.addSink(sink);
  return { PushSubscription, sink, settings, publicKey: vapid.publicKey };
}

/**
 * A VAPID key pair (RFC 8292: P-256), encoded as web-push reads it: the public key as the
 * uncompressed point (65 bytes), the private key as its 32 bytes, both base64url. Made here
 * rather than by web-push so that web-push loads only when a push is sent.
 */
export function vapidKeyPair(): { publicKey: string; privateKey: string } {
  const curve = createECDH('prime256v1');
  curve.generateKeys();
  const fixed = (b: Buffer, n: number) => Buffer.concat([Buffer.alloc(n - b.length), b]);
  return {
    publicKey: fixed(curve.getPublicKey(), 65).toString('base64url'),
    privateKey: fixed(curve.getPrivateKey(), 32).toString('base64url'),
  };
}
