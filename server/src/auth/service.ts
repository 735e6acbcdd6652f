import { hash, verify } from '@node-rs/argon2';
import { Types, type Connection } from 'mongoose';
import {
  ROLES,
  type Professional,
  type Role,
  type SignIn,
  type SignUp,
} from '../../../shared/src/schemas/auth.js';
import { normalizeRpps, RPPS_PATTERN } from '../../../shared/src/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { transaction } from '../db/transaction.js';
import { AppError, conflict } from '../http/errors.js';
import type { AuthModels, ProfessionalDoc } from './model.js';
import type { LoginThrottle } from './throttle.js';
import { hashToken, newSessionToken } from './tokens.js';

// argon2id with the OWASP minimum (19 MiB, t=2, p=1): @node-rs/argon2 defaults to argon2id.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface AuthSession {
  /** Cookie value, given to the client once. */
  token: string;
  /** Stored id (hash of the token); also names the session's socket.io room. */
  id: string;
  professional: Professional;
}

export interface AuthServiceDeps {
  db: Connection;
  models: AuthModels;
  throttle: LoginThrottle;
  sessionTtlMs: number;
  now?: () => number;
}

const isRole = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r);

export function toProfessional(doc: ProfessionalDoc): Professional {
  return {
    id: String(doc._id),
    rpps: doc.rpps,
    profession: doc.profession,
    firstName: doc.firstName,
    lastName: doc.lastName,
    email: doc.email,
    demo: doc.demo ?? false,
    roles: (doc.roles ?? []).filter(isRole),
  };
}

export class AuthService {
  private readonly now: () => number;
  // Verified against when the identifier is unknown, so both paths cost the same (no user enumeration by timing).
  private readonly dummyHash: Promise<string>;

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.dummyHash = hash('not a real password', ARGON2);
  }

  /**
   * Creates the professional and their credential, under one pre-allocated id, in one
   * transaction: an account exists with its password or not at all. The unique indexes on the
   * professional decide duplicates atomically, even under concurrent sign-ups (409
   * `rpps_taken` / `email_taken`, nothing written). The password is hashed before the
   * transaction, which must stay short.
   */
  async signUp(input: SignUp): Promise<AuthSession> {
    const { Professional, Credential } = this.deps.models;
    const id = new Types.ObjectId();
    const passwordHash = await hash(input.password, ARGON2);
    const doc = await transaction(this.deps.db, async (session) => {
      const [created] = await Professional.create(
        [
          {
            _id: id,
            rpps: input.rpps,
            email: input.email,
            profession: input.profession,
            firstName: input.firstName,
            lastName: input.lastName,
          },
        ],
        { session },
      );
      await Credential.create([{ _id: id, passwordHash }], { session });
      return created!.toObject();
    }).catch((err: unknown) => {
      throw duplicateError(err) ?? err;
    });
    return this.openSession(doc);
  }

  /** Checks the password, throttled per identifier and IP; the same error for unknown account and wrong password. */
  async signIn(input: SignIn, ip: string): Promise<AuthSession> {
    const identifier = normalizeIdentifier(input.identifier);
    await this.deps.throttle.check(identifier, ip);

    const { Professional, Credential } = this.deps.models;
    const filter = RPPS_PATTERN.test(identifier) ? { rpps: identifier } : { email: identifier };
    const professional = await Professional.findOne(filter).lean<ProfessionalDoc>();
    const credential = professional ? await Credential.findById(professional._id).lean() : null;
    const ok = await verify(credential?.passwordHash ?? (await this.dummyHash), input.password);
    if (!professional || !credential || !ok) {
      await this.deps.throttle.recordFailure(identifier, ip);
      throw new AppError('invalid_credentials');
    }
    await this.deps.throttle.recordSuccess(identifier, ip);
    return this.openSession(professional);
  }

  async signOut(sessionId: string): Promise<void> {
    await this.deps.models.Session.deleteOne({ _id: sessionId });
  }

  /** Resolves a cookie token to its live session, or undefined. */
  async resolve(
    token: string | undefined,
  ): Promise<{ id: string; professional: Professional } | undefined> {
    if (!token || token.length > 200) return undefined;
    const id = hashToken(token);
    const session = await this.deps.models.Session.findById(id).lean();
    // Expiry is checked here too: stand-in databases do not run TTL indexes.
    if (!session || session.expiresAt.getTime() <= this.now()) return undefined;
    const professional = await this.deps.models.Professional.findById(
      session.professionalId,
    ).lean<ProfessionalDoc>();
    if (!professional) return undefined;
    return { id, professional: toProfessional(professional) };
  }

  private async openSession(doc: ProfessionalDoc): Promise<AuthSession> {
    const { token, id } = newSessionToken();
    await this.deps.models.Session.create({
      _id: id,
      professionalId: doc._id,
      expiresAt: new Date(this.now() + this.deps.sessionTtlMs),
    });
    return { token, id, professional: toProfessional(doc) };
  }
}

export function normalizeIdentifier(identifier: string): string {
  const trimmed = identifier.trim().toLowerCase();
  const asRpps = normalizeRpps(trimmed);
  return RPPS_PATTERN.test(asRpps) ? asRpps : trimmed;
}

/** Maps a unique-index violation to the field it concerns. */
function duplicateError(err: unknown): AppError | undefined {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; message?: string };
  if (!isDuplicateKey(err)) return undefined;
  const key = e.keyPattern
    ? Object.keys(e.keyPattern)[0]
    : /index: (\w+)_1/.exec(e.message ?? '')?.[1];
  if (key === 'email') return conflict('email_taken', 'email');
  return conflict('rpps_taken', 'rpps');
}
