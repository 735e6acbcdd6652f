import { createECDH, randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { vapidKeyPair } from './index.js';

describe('VAPID key pair made without web-push', () => {
  it('is a P-256 pair web-push accepts and signs with', () => {
    const keys = vapidKeyPair();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    // The public key is the private key's point.
    const curve = createECDH('prime256v1');
    curve.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    expect(curve.getPublicKey().toString('base64url')).toBe(keys.publicKey);
    // A browser's subscription keys, and the request web-push builds with ours.
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const request = webpush.generateRequestDetails(
      {
        endpoint: 'https://push.example/abc',
        keys: {
          p256dh: browser.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
      },
      'bonjour',
      { vapidDetails: { subject: 'mailto:admin@escap.local', ...keys }, TTL: 60 },
    );
    expect(request.headers.Authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${keys.publicKey}$`),
    );
  });
});
