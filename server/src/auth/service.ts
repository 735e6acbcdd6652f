import { hash, verify } from '@node-rs/argon2';
import { Types, type Connection } from 'mongoose';
import {
  ROLES,
  RPPS_CHECKS,
  type Professional,
  type Role,
  type RppsCheck,
  type SignIn,
  type SignUp,
} from '../../../shared/src/schemas/auth.js';
import { normalizeRpps, RPPS_PATTERN } from '../../../shared/src/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { judgePassword } from '../../../shared/src/password.js';
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

/** Checks a sign-up's RPPS identity against the national directory (directory/signup.ts). */
export interface SignUpCheck {
  /** How the identity was checked (null: no directory loaded); throws to refuse the sign-up. */
  check(
    input: Pick<SignUp, 'rpps' | 'firstName' | 'lastName' | 'profession'>,
  ): Promise<RppsCheck | null>;
}

export interface AuthServiceDeps {
  db: Connection;
  models: AuthModels;
  throttle: LoginThrottle;
  sessionTtlMs: number;
  signUpCheck?: SignUpCheck | undefined;
  now?: () => number;
}

/** Refuses a weak new password with the estimator's French advice (shared/src/password.ts). */
export async function assertStrongPassword(
  password: string,
  account: { firstName?: string; lastName?: string; email?: string; rpps?: string },
): Promise<void> {
  const userInputs = [account.firstName, account.lastName, account.rpps, account.email]
    .filter((s): s is string => Boolean(s))
    .flatMap((s) => [s, ...s.split(/[@.\s_-]+/)]);
  const verdict = await judgePassword(password, userInputs);
  if (!verdict.ok)
    throw new AppError('weak_password', { field: 'password', message: verdict.message });
}

const isRole = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r);
const isRppsCheck = (r: unknown): r is RppsCheck => (RPPS_CHECKS as readonly unknown[]).includes(r);

/** Hashes a password (before any transaction: hashing takes tens of milliseconds). */
export const hashPassword = (password: string) => hash(password, ARGON2);

export function toProfessional(doc: ProfessionalDoc): Professional {
  return {
    id: String(doc._id),
    rpps: doc.rpps,
    profession: doc.profession,
    firstName: doc.firstName,
    lastName: doc.lastName,
    email: doc.email,
    demo: doc.demo ?? false,
    emailVerified: doc.emailVerifiedAt != null,
    rppsCheck: isRppsCheck(doc.rppsCheck) ? doc.rppsCheck : null,
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
    await assertStrongPassword(input.password, input);
    const rppsCheck = (await this.deps.signUpCheck?.check(input)) ?? null;
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
            rppsCheck,
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

  /** Ends every session of the professional ("sign out everywhere", a password reset). */
  async endAllSessions(professionalId: string): Promise<void> {
    await this.deps.models.Session.deleteMany({
      professionalId: new Types.ObjectId(professionalId),
    });
  }

  /** Signs in a professional already authenticated otherwise (Pro Santé Connect). */
  async openSessionFor(professionalId: Types.ObjectId): Promise<AuthSession> {
    const doc =
      await this.deps.models.Professional.findById(professionalId).lean<ProfessionalDoc>();
    if (!doc) throw new AppError('unauthenticated');
    return this.openSession(doc);
  }

  /**
   * Checks a professional's password, throttled like a sign-in (Pro Santé Connect links an
   * existing account only after it). The same error for no password and a wrong one.
   */
  async checkPassword(professionalId: Types.ObjectId, password: string, ip: string): Promise<void> {
    const key = `id:${String(professionalId)}`;
    await this.deps.throttle.check(key, ip);
    const credential = await this.deps.models.Credential.findById(professionalId).lean();
    const ok = await verify(credential?.passwordHash ?? (await this.dummyHash), password);
    if (!credential || !ok) {
      await this.deps.throttle.recordFailure(key, ip);
      throw new AppError('invalid_credentials', { field: 'password' });
    }
    await this.deps.throttle.recordSuccess(key, ip);
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
