import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { pushEndpointAllowed } from './routes.js';

describe('pushEndpointAllowed', () => {
  const hosts = parseConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) }).pushServiceHosts;
  const production = { production: true, hosts };

  it('in production, takes the browsers’ push services over https only', () => {
    expect(pushEndpointAllowed('https://fcm.googleapis.com/fcm/send/abc', production)).toBe(true);
    expect(
      pushEndpointAllowed('https://updates.push.services.mozilla.com/wpush/v2/abc', production),
    ).toBe(true);
    expect(pushEndpointAllowed('https://web.push.apple.com/QO0', production)).toBe(true);
    expect(
      pushEndpointAllowed('https://wns2-par02p.notify.windows.com/w/?token=1', production),
    ).toBe(true);
  });

  it('in production, refuses any other host, a look-alike, a port, credentials or http', () => {
    for (const endpoint of [
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/push',
      'https://redis:6379/',
      'https://fcm.googleapis.com.evil.example/x',
      'https://evilfcm.googleapis.com.example/x',
      'https://fcm.googleapis.com:8443/x',
      'https://user:pw@fcm.googleapis.com/x',
      'http://fcm.googleapis.com/x',
      'not a url',
    ]) {
      expect(pushEndpointAllowed(endpoint, production), endpoint).toBe(false);
    }
  });

  it('elsewhere, a local push service over http is fine (tests, development)', () => {
    const dev = { production: false, hosts };
    expect(pushEndpointAllowed('http://127.0.0.1:4000/push/1', dev)).toBe(true);
    expect(pushEndpointAllowed('ftp://127.0.0.1/x', dev)).toBe(false);
  });
});
