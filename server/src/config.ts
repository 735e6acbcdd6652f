import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { LedgerSettings } from '../../shared/src/rules/ledger-settings.js';
import { DOCUMENT_MIME_TYPES, type DocumentMime } from '../../shared/src/documents.js';
import { NOTE_LIMITS } from '../../shared/src/notes.js';
import { parseGridDefinition, type GridDefinition } from '../../shared/src/grid/definition.js';
import { ESCAP_UNPS_2025 } from '../../shared/src/grid/escap-unps-2025.js';
import type { RateLimitSettings } from './ratelimit/limits.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `points/seconds`: so many requests or events per window of so many seconds. */
const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^[1-9]\d{0,6}\/[1-9]\d{0,4}$/.test(v), {
      error: 'must be points/seconds, such as 30/1 (1 to 9999999 per 1 to 99999 s)',
    })
    .transform((v) => {
      const [points, seconds] = v.split('/').map(Number) as [number, number];
      return { points, seconds };
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Not z.url(): a replica set's connection string lists several hosts, which URL refuses. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/, {
      error: 'must be a mongodb:// or mongodb+srv:// connection string',
    })
    .optional(),
  /** Where the embedded database keeps its files (npm start). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Without MONGODB_URI: which embedded engine may run (docs/database.md). */
  EMBEDDED_MONGO_ENGINE: z.enum(['auto', 'mongod', 'jongodb']).default('auto'),
  /** Without MONGODB_URI: may a mongod be downloaded once? On, except in tests. */
  EMBEDDED_MONGO_DOWNLOAD: bool.optional(),
  /** Signs CSRF tokens. Required in production; a random one per process elsewhere. */
  SESSION_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Seed demo professionals. Defaults to on with the embedded database only. */
  DEMO_DATA: bool.optional(),
  /** Number of reverse proxies in front of the app (for client IPs in throttling). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  REDIS_URL: z.url().optional(),
  /** Bearer token for GET /metrics; without it, metrics answer this machine only. */
  METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  CLIENT_DIST: z.string().min(1).optional(),
  /** A JSON inclusion grid definition replacing the shipped one (docs/patient-file.md). */
  INCLUSION_GRID_FILE: z.string().min(1).optional(),
  /** How long an invitation (and its single-use link) stays valid. */
  INVITATION_TTL_DAYS: z.coerce.number().min(0.0001).max(365).default(14),
  /** Public address used in invitation links; defaults to the address of the request. */
  PUBLIC_URL: z.url().optional(),
  /** Largest single edit and largest stored note, in bytes. */
  NOTE_MAX_UPDATE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(NOTE_LIMITS.maxUpdateBytes),
  NOTE_MAX_DOC_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(NOTE_LIMITS.maxDocBytes),
  /** Stored updates of a note after which they are merged into a snapshot. */
  NOTE_COMPACT_AFTER: z.coerce.number().int().min(2).max(1_000_000).default(500),
  /** How long the note writer gathers edits before a write (ms); see docs/notes.md. */
  NOTE_WRITE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(50),
  /** Resident memory (MB) above which notes not yet in memory are refused; 0 turns it off. */
  NOTE_MEMORY_BUDGET_MB: z.coerce.number().int().min(0).max(1_000_000).default(1536),
  /** How long a note nobody has open stays in memory (ms) before it is dropped. */
  NOTE_IDLE_UNLOAD_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** Participation ledger: calendar years are counted in this IANA time zone. */
  LEDGER_TIME_ZONE: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' })
    .default('Europe/Paris'),
  /** An ESCAP counts only if the professional contributed to it that year. */
  LEDGER_REQUIRE_CONTRIBUTION: bool.default(true),
  /** ESCAPs needed for the bonus, and the two amounts (EUR). */
  LEDGER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  LEDGER_BASE_EUR: z.coerce.number().min(0).max(100_000).default(100),
  LEDGER_BONUS_EUR: z.coerce.number().min(0).max(100_000).default(100),
  /** Sign-up when the national directory does not confirm an identity: refuse, or flag "non vérifié". */
  DIRECTORY_SIGNUP: z.enum(['refuse', 'flag']).default('refuse'),
  /** Load the fictitious directory extract at start-up (on with the embedded database only). */
  DIRECTORY_SYNTHETIC: bool.optional(),
  /** A PS_LibreAcces_Personne_activite file imported at start-up, in the background. */
  DIRECTORY_FILE: z.string().min(1).optional(),
  /** Pro Santé Connect (OpenID Connect): off unless issuer and client id are set. */
  PSC_ISSUER: z.url().optional(),
  PSC_CLIENT_ID: z.string().min(1).optional(),
  PSC_CLIENT_SECRET: z.string().min(1).optional(),
  PSC_SCOPES: z.string().min(1).default('openid scope_all'),
  /** Authentication level asked of Pro Santé Connect (`eidas1`); empty asks none. */
  PSC_ACR_VALUES: z.string().default('eidas1'),
  /** Fairness limits (docs/fairness.md): on unless turned off. */
  RATE_LIMITS: bool.default(true),
  RATE_LIMIT_HTTP_USER: rate('600/60'),
  RATE_LIMIT_HTTP_IP: rate('300/60'),
  RATE_LIMIT_EVENTS_SOCKET: rate('30/1'),
  RATE_LIMIT_EVENTS_USER: rate('60/1'),
  RATE_LIMIT_EDITS_SOCKET: rate('600/10'),
  RATE_LIMIT_EDITS_USER: rate('1200/10'),
  /**
   * Every Redis key and channel of this deployment starts with it (socket.io's rooms, the notes'
   * channels, the rate limits' counters): deployments sharing one Redis stay apart.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, { error: 'letters, digits and _ : . - only (64 at most)' })
    .default('escap'),
  /** E-mail notifications: sent only when an SMTP server is configured. */
  SMTP_URL: z.url().optional(),
  SMTP_FROM: z.string().min(3).default('ESCAP <no-reply@escap.local>'),
  /**
   * The SMS gateway of the patient's access codes (docs/deployment.md, "SMS"): without it, the
   * SMS channel is refused (its codes are written to the log in development only).
   */
  SMS_URL: z.url().optional(),
  /** Sent as `Authorization: Bearer …` to SMS_URL. */
  SMS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /**
   * The Ed25519 key yearly statements are signed with (docs/ledger.md, "Signature"): its 32-byte
   * seed in base64 (`openssl rand -base64 32`). Required in production, the same on every
   * instance; elsewhere a key per start.
   */
  STATEMENT_SIGNING_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, {
      error: 'must be 32 bytes in base64 (openssl rand -base64 32)',
    })
    .optional(),
  /** Public keys (base64, comma-separated) still published after a rotation, for old statements. */
  STATEMENT_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32), {
      error: 'each key must be 32 bytes in base64',
    }),
  /** Web Push (docs/notifications.md, "Push"): unset outside production, a pair per start. */
  VAPID_PUBLIC_KEY: z.string().min(20).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).optional(),
  VAPID_SUBJECT: z.string().min(5).default('mailto:admin@escap.local'),
  /**
   * The push services the server may post to in production (the browsers' own: Chrome's,
   * Firefox's, Edge's, Safari's), as host names or their parent domains: a subscription naming
   * any other host is refused, so the server cannot be made to post to an internal address.
   */
  PUSH_SERVICE_HOSTS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z\d.-]+$/, { error: 'host names only' })).min(1))
    .default([
      'fcm.googleapis.com',
      'push.services.mozilla.com',
      'notify.windows.com',
      'push.apple.com',
    ]),
  /** Largest file a member may add, in bytes (as sent: before any re-encoding). */
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** Bytes of documents (thumbnails included) a team may store in all. */
  DOCUMENT_TEAM_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(Number.MAX_SAFE_INTEGER)
    .default(1024 * 1024 * 1024),
  /** Types accepted, read from the bytes: a comma-separated subset of the ones supported. */
  DOCUMENT_TYPES: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(DOCUMENT_MIME_TYPES)).min(1))
    .default([...DOCUMENT_MIME_TYPES]),
  /** clamd to scan every upload with (INSTREAM), as tcp://host:port; no scan without it. */
  CLAMAV_URL: z
    .string()
    .regex(/^tcp:\/\/[^\s/:]+:\d{1,5}\/?$/, { error: 'must be tcp://host:port' })
    .optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  mongodbUri: string | undefined;
  dataDir: string;
  /** Used only without MONGODB_URI. */
  embedded: { engine: 'auto' | 'mongod' | 'jongodb'; download: boolean };
  sessionSecret: string;
  sessionTtlMs: number;
  demoData: boolean;
  trustProxy: number;
  redisUrl: string | undefined;
  /** The prefix of every Redis key and channel (REDIS_PREFIX). */
  redisPrefix: string;
  metricsToken: string | undefined;
  /** Built client to serve; undefined means the API only (tests without UI). */
  clientDist: string | undefined;
  secureCookies: boolean;
  /** The inclusion grid in force: the shipped definition or INCLUSION_GRID_FILE. */
  grid: GridDefinition;
  invitationTtlMs: number;
  publicUrl: string | undefined;
  notes: {
    maxUpdateBytes: number;
    maxDocBytes: number;
    compactAfter: number;
    writeLingerMs: number;
    /** undefined: no budget (NOTE_MEMORY_BUDGET_MB=0). */
    memoryBudgetMb: number | undefined;
    idleUnloadMs: number;
  };
  ledger: LedgerSettings;
  /** undefined: no limit at all (RATE_LIMITS=false). */
  rateLimits: RateLimitSettings | undefined;
  /** undefined: no e-mail is ever sent (and nothing fails for it). */
  smtp: { url: string; from: string } | undefined;
  /** undefined: no SMS can be sent, so the patient's SMS channel is refused. */
  sms: { url: string; token: string } | undefined;
  statements: {
    /** undefined: a key per start (statements signed before a restart no longer verify). */
    signingSeed: Buffer | undefined;
    previousKeys: string[];
  };
  /** undefined: an ephemeral pair is made at start (subscriptions do not survive a restart). */
  vapid: { publicKey: string; privateKey: string; subject: string } | undefined;
  /** Hosts (and their subdomains) push subscriptions may name in production. */
  pushServiceHosts: string[];
  documents: {
    maxBytes: number;
    teamQuotaBytes: number;
    types: DocumentMime[];
    /** undefined: uploads are not scanned. */
    clamav: { host: string; port: number } | undefined;
  };
  directory: { signUp: 'refuse' | 'flag'; synthetic: boolean; file: string | undefined };
  /** undefined: Pro Santé Connect is off. */
  psc:
    | {
        issuer: string;
        clientId: string;
        clientSecret: string | undefined;
        scopes: string;
        acrValues: string;
      }
    | undefined;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once, listing every bad variable at the same time (fail fast). */
export function parseConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const result = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = result.data;
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required in production');
  }
  if (e.NODE_ENV === 'production' && !e.STATEMENT_SIGNING_KEY) {
    problems.push(
      'STATEMENT_SIGNING_KEY: required in production (yearly statements are signed with it; openssl rand -base64 32)',
    );
  }
  if (e.NODE_ENV === 'production' && !e.MONGODB_URI) {
    problems.push(
      'MONGODB_URI: required in production (the embedded database is for trying the app)',
    );
  }
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY)) {
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both or neither');
  }
  if (e.NODE_ENV === 'production' && e.SMTP_URL && !e.PUBLIC_URL) {
    problems.push(
      'PUBLIC_URL: required in production when SMTP_URL is set (links in e-mails never take the request host)',
    );
  }
  if (Boolean(e.SMS_URL) !== Boolean(e.SMS_TOKEN)) {
    problems.push('SMS_URL and SMS_TOKEN: set both or neither');
  }
  if (e.NODE_ENV === 'production' && e.SMS_URL && !e.PUBLIC_URL) {
    problems.push(
      'PUBLIC_URL: required in production when SMS_URL is set (the SMS says where to type the code)',
    );
  }
  if (e.NODE_ENV === 'production' && e.SMS_URL?.startsWith('http:')) {
    problems.push('SMS_URL: must be https in production (the SMS carries an access code)');
  }
  if (Boolean(e.PSC_ISSUER) !== Boolean(e.PSC_CLIENT_ID)) {
    problems.push('PSC_ISSUER, PSC_CLIENT_ID: Pro Santé Connect needs both (or neither)');
  }
  if (e.NODE_ENV === 'production' && e.PSC_ISSUER && !e.PUBLIC_URL) {
    problems.push(
      'PUBLIC_URL: required in production with Pro Santé Connect (its redirect address)',
    );
  }
  if (e.NODE_ENV === 'production' && e.PSC_ISSUER?.startsWith('http:')) {
    problems.push('PSC_ISSUER: must be https in production');
  }
  const grid = e.INCLUSION_GRID_FILE
    ? loadGridFile(path.resolve(cwd, e.INCLUSION_GRID_FILE), problems)
    : ESCAP_UNPS_2025;
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    // A test run must never need the internet: no download unless asked for.
    embedded: {
      engine: e.EMBEDDED_MONGO_ENGINE,
      download: e.EMBEDDED_MONGO_DOWNLOAD ?? e.NODE_ENV !== 'test',
    },
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    demoData: e.DEMO_DATA ?? !e.MONGODB_URI,
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    metricsToken: e.METRICS_TOKEN,
    clientDist: e.CLIENT_DIST ? path.resolve(cwd, e.CLIENT_DIST) : undefined,
    secureCookies: e.NODE_ENV === 'production',
    grid,
    invitationTtlMs: e.INVITATION_TTL_DAYS * 24 * 3600_000,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    notes: {
      maxUpdateBytes: e.NOTE_MAX_UPDATE_BYTES,
      maxDocBytes: e.NOTE_MAX_DOC_BYTES,
      compactAfter: e.NOTE_COMPACT_AFTER,
      writeLingerMs: e.NOTE_WRITE_LINGER_MS,
      memoryBudgetMb: e.NOTE_MEMORY_BUDGET_MB || undefined,
      idleUnloadMs: e.NOTE_IDLE_UNLOAD_MS,
    },
    ledger: {
      timeZone: e.LEDGER_TIME_ZONE,
      requireContribution: e.LEDGER_REQUIRE_CONTRIBUTION,
      threshold: e.LEDGER_THRESHOLD,
      baseAmount: e.LEDGER_BASE_EUR,
      bonusAmount: e.LEDGER_BONUS_EUR,
    },
    rateLimits: e.RATE_LIMITS
      ? {
          http: { professional: e.RATE_LIMIT_HTTP_USER, ip: e.RATE_LIMIT_HTTP_IP },
          events: {
            socket: e.RATE_LIMIT_EVENTS_SOCKET,
            professional: e.RATE_LIMIT_EVENTS_USER,
          },
          edits: {
            socket: e.RATE_LIMIT_EDITS_SOCKET,
            professional: e.RATE_LIMIT_EDITS_USER,
          },
          redisPrefix: `${e.REDIS_PREFIX}:rl`,
        }
      : undefined,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
    sms: e.SMS_URL && e.SMS_TOKEN ? { url: e.SMS_URL, token: e.SMS_TOKEN } : undefined,
    statements: {
      signingSeed: e.STATEMENT_SIGNING_KEY
        ? Buffer.from(e.STATEMENT_SIGNING_KEY, 'base64')
        : undefined,
      previousKeys: e.STATEMENT_PREVIOUS_KEYS,
    },
    vapid:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? {
            publicKey: e.VAPID_PUBLIC_KEY,
            privateKey: e.VAPID_PRIVATE_KEY,
            subject: e.VAPID_SUBJECT,
          }
        : undefined,
    pushServiceHosts: e.PUSH_SERVICE_HOSTS,
    documents: {
      maxBytes: e.DOCUMENT_MAX_BYTES,
      teamQuotaBytes: e.DOCUMENT_TEAM_QUOTA_BYTES,
      types: [...new Set(e.DOCUMENT_TYPES)],
      clamav: e.CLAMAV_URL ? clamavAddress(e.CLAMAV_URL) : undefined,
    },
    directory: {
      signUp: e.DIRECTORY_SIGNUP,
      synthetic: e.DIRECTORY_SYNTHETIC ?? !e.MONGODB_URI,
      file: e.DIRECTORY_FILE ? path.resolve(cwd, e.DIRECTORY_FILE) : undefined,
    },
    psc:
      e.PSC_ISSUER && e.PSC_CLIENT_ID
        ? {
            issuer: e.PSC_ISSUER,
            clientId: e.PSC_CLIENT_ID,
            clientSecret: e.PSC_CLIENT_SECRET,
            scopes: e.PSC_SCOPES,
            acrValues: e.PSC_ACR_VALUES,
          }
        : undefined,
  };
}

function clamavAddress(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** A deployment's grid definition: read once at start-up; any problem stops the server. */
function loadGridFile(file: string, problems: string[]): GridDefinition {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`INCLUSION_GRID_FILE: cannot read ${file} as JSON (${(error as Error).message})`);
    return ESCAP_UNPS_2025;
  }
  const parsed = parseGridDefinition(data);
  if (parsed.ok) return parsed.grid;
  problems.push(...parsed.problems.map((p) => `INCLUSION_GRID_FILE: ${p}`));
  return ESCAP_UNPS_2025;
}
