import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
// openid-client is loaded at the first Pro Santé Connect sign-in, not at start (each use
// imports it: Node keeps the module once loaded).
import type * as Oidc from 'openid-client';
import type { AuthModels, ProfessionalDoc } from '../auth/model.js';
import type { AuthService, AuthSession } from '../auth/service.js';
import { hashToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { isDuplicateKey } from '../db/errors.js';
import { transaction } from '../db/transaction.js';
import { AppError } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import { identityOf, type PscIdentity } from './claims.js';
import type { PscLoginDoc, PscModels } from './model.js';

export const LOGIN_TTL_MS = 10 * 60_000;

export type PscSettings = NonNullable<Config['psc']>;

export interface PscDeps {
  settings: PscSettings;
  /** http issuers are allowed outside production only (the tests' local provider). */
  allowHttp: boolean;
  db: Connection;
  models: PscModels;
  auth: AuthModels;
  authService: AuthService;
  logger: Logger;
  now: () => Date;
}

/** Where the browser goes once the provider answered. */
export type CallbackOutcome =
  | { kind: 'signed_in'; session: AuthSession; invitation: string | null }
  | { kind: 'link' | 'email'; invitation: string | null };

/**
 * Pro Santé Connect sign-in (docs/identity.md, "Pro Santé Connect"): OpenID Connect,
 * authorization code with PKCE (S256), state and nonce, through openid-client. The provider's
 * metadata is discovered on first use and kept; a failed discovery is retried next time.
 */
export class ProSanteConnect {
  private discovered: Promise<Oidc.ServerMetadata> | undefined;

  constructor(private readonly deps: PscDeps) {}

  private async server(): Promise<Oidc.ServerMetadata> {
    const oidc = await import('openid-client');
    this.discovered ??= oidc
      .discovery(
        new URL(this.deps.settings.issuer),
        this.deps.settings.clientId,
        this.deps.settings.clientSecret,
        undefined,
        this.deps.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .then((config) => config.serverMetadata());
    try {
      return await this.discovered;
    } catch (err) {
      this.discovered = undefined;
      this.deps.logger.warn({ err: safeError(err) }, 'Pro Santé Connect discovery failed');
      throw new AppError('psc_unavailable');
    }
  }

  /**
   * A client configuration whose clock is the app's: token lifetimes are judged at the time
   * every other rule of the app reads (tests move it to see an expired token refused).
   */
  private async configuration(): Promise<Oidc.Configuration> {
    const oidc = await import('openid-client');
    const skew = Math.round((this.deps.now().getTime() - Date.now()) / 1000);
    const { clientId, clientSecret } = this.deps.settings;
    const config = new oidc.Configuration(
      await this.server(),
      clientId,
      { ...(clientSecret ? { client_secret: clientSecret } : {}), [oidc.clockSkew]: skew },
      clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    );
    if (this.deps.allowHttp) oidc.allowInsecureRequests(config);
    return config;
  }

  /** Starts a sign-in: returns the provider's address and the browser's binding value. */
  async start(
    redirectUri: string,
    invitation: string | null,
  ): Promise<{ url: string; browserKey: string }> {
    const config = await this.configuration();
    const oidc = await import('openid-client');
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const browserKey = randomBytes(32).toString('base64url');
    await this.deps.models.Login.create({
      _id: hashToken(browserKey),
      stage: 'authorizing',
      state,
      nonce,
      codeVerifier,
      invitation,
      expiresAt: new Date(this.deps.now().getTime() + LOGIN_TTL_MS),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.deps.settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.deps.settings.acrValues ? { acr_values: this.deps.settings.acrValues } : {}),
    });
    return { url: url.href, browserKey };
  }

  /**
   * The provider sent the browser back. The sign-in under way is used up first (a replayed
   * callback finds nothing), then openid-client checks the state, exchanges the code with the
   * PKCE verifier and validates the ID token (signature, issuer, audience, nonce, expiry).
   */
  async callback(browserKey: string | undefined, currentUrl: URL): Promise<CallbackOutcome> {
    const now = this.deps.now();
    const login = browserKey
      ? await this.deps.models.Login.findOneAndUpdate(
          { _id: hashToken(browserKey), stage: 'authorizing', expiresAt: { $gt: now } },
          { $set: { stage: 'exchanging' } },
          { returnDocument: 'before' },
        ).lean<PscLoginDoc>()
      : null;
    if (!login) throw new AppError('psc_failed');
    let identity: PscIdentity;
    let subject: string;
    try {
      const config = await this.configuration();
      const oidc = await import('openid-client');
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new AppError('psc_failed');
      subject = claims.sub;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, subject);
      identity = identityOf({ ...claims, ...info });
    } catch (err) {
      await this.deps.models.Login.deleteOne({ _id: login._id });
      if (err instanceof AppError && err.code !== 'psc_failed') throw err;
      this.deps.logger.warn({ err: safeError(err) }, 'Pro Santé Connect sign-in refused');
      throw new AppError('psc_failed');
    }

    const { Professional } = this.deps.auth;
    const linked = await this.deps.models.Link.findById(subject).lean();
    if (linked) {
      await this.refresh(linked.professionalId, identity);
      await this.deps.models.Login.deleteOne({ _id: login._id });
      const session = await this.deps.authService.openSessionFor(linked.professionalId);
      return { kind: 'signed_in', session, invitation: login.invitation ?? null };
    }
    const existing = await Professional.findOne({ rpps: identity.rpps }).lean<ProfessionalDoc>();
    // An account with this RPPS links only after its password (whoever made it may not be
    // this professional, and the session would give their teams); a new one needs an address.
    const stage = existing ? 'link' : 'email';
    await this.deps.models.Login.updateOne(
      { _id: login._id },
      {
        $set: {
          stage,
          subject,
          identity: { ...identity, email: identity.email ?? '' },
          professionalId: existing?._id ?? null,
        },
      },
    );
    return { kind: stage, invitation: login.invitation ?? null };
  }

  /** The step a pending sign-in waits for, for its page. */
  async pending(browserKey: string | undefined) {
    const login = await this.findPending(browserKey);
    if (!login) return null;
    return {
      stage: login.stage as 'link' | 'email',
      firstName: login.identity!.firstName!,
      lastName: login.identity!.lastName!,
      email: login.identity!.email || null,
      invitation: login.invitation ?? null,
    };
  }

  /** Links the existing account with the same RPPS, once its password is given. */
  async link(browserKey: string | undefined, password: string, ip: string): Promise<AuthSession> {
    const login = await this.findPending(browserKey, 'link');
    if (!login?.professionalId || !login.subject) throw new AppError('psc_failed');
    await this.deps.authService.checkPassword(login.professionalId, password, ip);
    await this.finish(login, login.professionalId);
    await this.refresh(login.professionalId, toIdentity(login));
    return this.deps.authService.openSessionFor(login.professionalId);
  }

  /** Creates the account of a professional new to ESCAP, with the address they give. */
  async create(browserKey: string | undefined, email: string): Promise<AuthSession> {
    const login = await this.findPending(browserKey, 'email');
    if (!login?.subject) throw new AppError('psc_failed');
    const identity = toIdentity(login);
    const id = new Types.ObjectId();
    const { Professional } = this.deps.auth;
    await transaction(this.deps.db, async (session) => {
      await Professional.create(
        [
          {
            _id: id,
            rpps: identity.rpps,
            email,
            profession: identity.profession,
            firstName: identity.firstName,
            lastName: identity.lastName,
            rppsCheck: 'psc',
          },
        ],
        { session },
      );
      await this.deps.models.Link.create([{ _id: login.subject!, professionalId: id }], {
        session,
      });
    }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
      const e = err as { keyPattern?: Record<string, unknown>; message?: string };
      const key = e.keyPattern ? Object.keys(e.keyPattern)[0] : e.message;
      throw new AppError(String(key).includes('email') ? 'email_taken' : 'rpps_taken', {
        field: 'email',
      });
    });
    await this.deps.models.Login.deleteOne({ _id: login._id });
    return this.deps.authService.openSessionFor(id);
  }

  private async finish(login: PscLoginDoc, professionalId: Types.ObjectId): Promise<void> {
    try {
      await this.deps.models.Link.create({ _id: login.subject!, professionalId });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Already linked (to this subject: a double submit) or to another subject: refused.
      const same = await this.deps.models.Link.findById(login.subject).lean();
      if (String(same?.professionalId) !== String(professionalId)) throw new AppError('psc_failed');
    }
    await this.deps.models.Login.deleteOne({ _id: login._id });
  }

  /** The provider's identity is authoritative: the account follows it at each sign-in. */
  private async refresh(professionalId: Types.ObjectId, identity: PscIdentity): Promise<void> {
    await this.deps.auth.Professional.updateOne(
      { _id: professionalId },
      {
        $set: {
          profession: identity.profession,
          firstName: identity.firstName,
          lastName: identity.lastName,
          rppsCheck: 'psc',
        },
      },
    );
  }

  private async findPending(browserKey: string | undefined, stage?: 'link' | 'email') {
    if (!browserKey) return null;
    const login = await this.deps.models.Login.findOne({
      _id: hashToken(browserKey),
      stage: stage ?? { $in: ['link', 'email'] },
      expiresAt: { $gt: this.deps.now() },
    }).lean<PscLoginDoc>();
    return login?.identity ? login : null;
  }
}

function toIdentity(login: PscLoginDoc): PscIdentity {
  const i = login.identity!;
  return {
    rpps: i.rpps!,
    profession: i.profession as PscIdentity['profession'],
    firstName: i.firstName!,
    lastName: i.lastName!,
    email: i.email || null,
  };
}
