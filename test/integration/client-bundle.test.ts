import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = path.resolve('client/dist');

/** Every file of the built client (what any visitor can download). */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/**
 * Secrets never reach the client: the built bundle (`npm run build`, which `npm test` runs
 * first) names no server setting that holds one, and carries no key, connection string or
 * server-only module. The client talks to the server's API; nothing in it is configured with
 * a secret.
 */
describe('client bundle', () => {
  it('holds no secret setting, key, connection string or server-only module', () => {
    expect(existsSync(DIST), 'client/dist: npm test builds the client before the tests').toBe(true);
    const all = files(DIST).filter((f) => /\.(js|mjs|html|json|webmanifest|css|map)$/.test(f));
    expect(all.some((f) => f.endsWith('.js'))).toBe(true);
    const forbidden = [
      'SESSION_SECRET',
      'STATEMENT_SIGNING_KEY',
      'VAPID_PRIVATE_KEY',
      'PSC_CLIENT_SECRET',
      'SMS_TOKEN',
      'METRICS_TOKEN',
      'MONGODB_URI',
      'REDIS_URL',
      'SMTP_URL',
      'mongodb://',
      'PRIVATE KEY-----',
      '@node-rs/argon2',
      'mongoose',
    ];
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      for (const word of forbidden)
        expect(text.includes(word), `${path.relative(DIST, file)} contains ${word}`).toBe(false);
    }
  });
});
