import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('gives working defaults with no settings (npm start on a fresh machine)', () => {
    const config = parseConfig({}, '/srv/escap');
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      mongodbUri: undefined,
      dataDir: '/srv/escap/data',
      demoData: true,
      secureCookies: false,
      sessionTtlMs: 12 * 3600_000,
    });
    expect(config.sessionSecret).toHaveLength(64);
  });

  it('gathers note writes 50 ms, unloads idle notes after 30 s and budgets memory by default; 0 turns either off', () => {
    expect(parseConfig({}).notes).toMatchObject({
      writeLingerMs: 50,
      memoryBudgetMb: 1536,
      idleUnloadMs: 30_000,
    });
    expect(parseConfig({ NOTE_IDLE_UNLOAD_MS: '500' }).notes.idleUnloadMs).toBe(500);
    expect(() => parseConfig({ NOTE_IDLE_UNLOAD_MS: '-1' })).toThrow(ConfigError);
    expect(
      parseConfig({ NOTE_WRITE_LINGER_MS: '0', NOTE_MEMORY_BUDGET_MB: '0' }).notes,
    ).toMatchObject({ writeLingerMs: 0, memoryBudgetMb: undefined });
    expect(() => parseConfig({ NOTE_WRITE_LINGER_MS: '5000' })).toThrow(ConfigError);
  });

  it('downloads a mongod for npm start but never in tests, unless told', () => {
    expect(parseConfig({}).embedded).toEqual({ engine: 'auto', download: true });
    expect(parseConfig({ NODE_ENV: 'test' }).embedded.download).toBe(false);
    expect(parseConfig({ NODE_ENV: 'test', EMBEDDED_MONGO_DOWNLOAD: '1' }).embedded.download).toBe(
      true,
    );
    expect(parseConfig({ EMBEDDED_MONGO_DOWNLOAD: '0' }).embedded.download).toBe(false);
    expect(parseConfig({ EMBEDDED_MONGO_ENGINE: 'jongodb' }).embedded.engine).toBe('jongodb');
    expect(() => parseConfig({ EMBEDDED_MONGO_ENGINE: 'sqlite' })).toThrow(/EMBEDDED_MONGO_ENGINE/);
  });

  it("accepts a replica set's connection string with several hosts", () => {
    const uri = 'mongodb://db1:27017,db2:27017,db3:27017/escap?replicaSet=rs0';
    expect(parseConfig({ MONGODB_URI: uri }).mongodbUri).toBe(uri);
    expect(
      parseConfig({ MONGODB_URI: 'mongodb+srv://cluster0.example.net/escap' }).mongodbUri,
    ).toBe('mongodb+srv://cluster0.example.net/escap');
    expect(() => parseConfig({ MONGODB_URI: 'http://db:27017' })).toThrow(/MONGODB_URI/);
  });

  it('turns demo data off by default with a real MongoDB', () => {
    expect(parseConfig({ MONGODB_URI: 'mongodb://db:27017/escap' }).demoData).toBe(false);
    expect(
      parseConfig({ MONGODB_URI: 'mongodb://db:27017/escap', DEMO_DATA: 'true' }).demoData,
    ).toBe(true);
  });

  it('limits rates by default, as points per seconds, and can be turned off', () => {
    const limits = parseConfig({}).rateLimits;
    expect(limits?.events.socket).toEqual({ points: 30, seconds: 1 });
    expect(limits?.http.ip).toEqual({ points: 300, seconds: 60 });
    expect(parseConfig({ RATE_LIMIT_EDITS_SOCKET: '50/5' }).rateLimits?.edits.socket).toEqual({
      points: 50,
      seconds: 5,
    });
    expect(parseConfig({ RATE_LIMITS: 'false' }).rateLimits).toBeUndefined();
    for (const bad of ['0/1', '10', '10/0', '1.5/1', '-1/1'])
      expect(() => parseConfig({ RATE_LIMIT_HTTP_IP: bad })).toThrow(/RATE_LIMIT_HTTP_IP/);
  });

  it('lists every bad variable at once', () => {
    try {
      parseConfig({
        PORT: 'abc',
        NODE_ENV: 'staging',
        MONGODB_URI: 'not a url',
        SESSION_SECRET: 'short',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(problems.sort()).toEqual(['MONGODB_URI', 'NODE_ENV', 'PORT', 'SESSION_SECRET']);
    }
  });

  it('requires a session secret, a statement signing key and a real database in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(
      /SESSION_SECRET[\s\S]*STATEMENT_SIGNING_KEY[\s\S]*MONGODB_URI/,
    );
    const config = parseConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      STATEMENT_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
      MONGODB_URI: 'mongodb://mongo:27017/escap?replicaSet=rs0',
    });
    expect(config.secureCookies).toBe(true);
    expect(config.logLevel).toBe('info');
  });

  it('statement keys: 32-byte seeds and public keys in base64, refused otherwise', () => {
    const seed = Buffer.alloc(32, 1);
    expect(parseConfig({ STATEMENT_SIGNING_KEY: seed.toString('base64') }).statements).toEqual({
      signingSeed: seed,
      previousKeys: [],
    });
    expect(() => parseConfig({ STATEMENT_SIGNING_KEY: 'c2hvcnQ=' })).toThrow(
      /STATEMENT_SIGNING_KEY/,
    );
    const keys = [Buffer.alloc(32, 2), Buffer.alloc(32, 3)].map((k) => k.toString('base64'));
    expect(
      parseConfig({ STATEMENT_PREVIOUS_KEYS: keys.join(', ') }).statements.previousKeys,
    ).toEqual(keys);
    expect(() => parseConfig({ STATEMENT_PREVIOUS_KEYS: 'abc' })).toThrow(
      /STATEMENT_PREVIOUS_KEYS/,
    );
  });

  it('is quiet in tests', () => {
    expect(parseConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it('documents: 20 MB a file, a team quota, the types read from the bytes, ClamAV when set', () => {
    expect(parseConfig({}).documents).toEqual({
      maxBytes: 20 * 1024 * 1024,
      teamQuotaBytes: 1024 * 1024 * 1024,
      types: [
        'image/jpeg',
        'image/png',
        'image/webp',
        'image/heic',
        'image/heif',
        'application/pdf',
      ],
      clamav: undefined,
    });
    const narrowed = parseConfig({
      DOCUMENT_TYPES: 'application/pdf, image/jpeg',
      CLAMAV_URL: 'tcp://clamav:3310',
    }).documents;
    expect(narrowed.types).toEqual(['application/pdf', 'image/jpeg']);
    expect(narrowed.clamav).toEqual({ host: 'clamav', port: 3310 });
    expect(() => parseConfig({ DOCUMENT_TYPES: 'text/html' })).toThrow(/DOCUMENT_TYPES/);
    expect(() => parseConfig({ CLAMAV_URL: 'http://clamav:3310' })).toThrow(/CLAMAV_URL/);
  });

  it('Pro Santé Connect: off when unset, both issuer and client id or neither, https and PUBLIC_URL in production', () => {
    expect(parseConfig({}).psc).toBeUndefined();
    expect(
      parseConfig({
        PSC_ISSUER: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet',
        PSC_CLIENT_ID: 'escap',
      }).psc,
    ).toMatchObject({ clientId: 'escap', scopes: 'openid scope_all', acrValues: 'eidas1' });
    expect(() => parseConfig({ PSC_ISSUER: 'https://psc.example' })).toThrow(/PSC_CLIENT_ID/);
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      STATEMENT_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
      MONGODB_URI: 'mongodb://db:27017/escap',
    };
    expect(() =>
      parseConfig({ ...production, PSC_ISSUER: 'http://psc.example', PSC_CLIENT_ID: 'escap' }),
    ).toThrow(/PUBLIC_URL[\s\S]*PSC_ISSUER: must be https/);
  });

  it('e-mail links never take the request host in production: PUBLIC_URL is required with SMTP', () => {
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      STATEMENT_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
      MONGODB_URI: 'mongodb://db:27017/escap',
    };
    expect(() => parseConfig({ ...production, SMTP_URL: 'smtp://mail:25' })).toThrow(/PUBLIC_URL/);
    expect(
      parseConfig({ ...production, SMTP_URL: 'smtp://mail:25', PUBLIC_URL: 'https://escap.fr' })
        .publicUrl,
    ).toBe('https://escap.fr');
  });

  it('the SMS gateway: URL and token together, https and PUBLIC_URL in production', () => {
    const token = 't'.repeat(16);
    expect(parseConfig({}).sms).toBeUndefined();
    expect(parseConfig({ SMS_URL: 'http://sms:8080/send', SMS_TOKEN: token }).sms).toEqual({
      url: 'http://sms:8080/send',
      token,
    });
    expect(() => parseConfig({ SMS_URL: 'http://sms:8080/send' })).toThrow(/SMS_TOKEN/);
    expect(() => parseConfig({ SMS_TOKEN: token })).toThrow(/SMS_URL/);
    expect(() => parseConfig({ SMS_URL: 'http://sms', SMS_TOKEN: 'short' })).toThrow(/SMS_TOKEN/);
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      STATEMENT_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
      MONGODB_URI: 'mongodb://db:27017/escap',
      SMS_TOKEN: token,
    };
    expect(() => parseConfig({ ...production, SMS_URL: 'https://sms.example.fr/send' })).toThrow(
      /PUBLIC_URL/,
    );
    expect(() =>
      parseConfig({
        ...production,
        SMS_URL: 'http://sms:8080/send',
        PUBLIC_URL: 'https://escap.fr',
      }),
    ).toThrow(/SMS_URL: must be https/);
    expect(
      parseConfig({
        ...production,
        SMS_URL: 'https://sms.example.fr/send',
        PUBLIC_URL: 'https://escap.fr',
      }).sms?.url,
    ).toBe('https://sms.example.fr/send');
  });

  it('the directory: refuse by default, the fictitious extract with the embedded database only', () => {
    expect(parseConfig({}).directory).toEqual({
      signUp: 'refuse',
      synthetic: true,
      file: undefined,
    });
    expect(parseConfig({ MONGODB_URI: 'mongodb://db:27017/escap' }).directory.synthetic).toBe(
      false,
    );
    expect(parseConfig({ DIRECTORY_SIGNUP: 'flag' }).directory.signUp).toBe('flag');
    expect(() => parseConfig({ DIRECTORY_SIGNUP: 'maybe' })).toThrow(/DIRECTORY_SIGNUP/);
  });
});
