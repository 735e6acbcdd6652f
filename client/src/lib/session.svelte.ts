import { createContext } from 'svelte';
import { z } from 'zod';
import {
  professionalSchema,
  type Professional,
  type SignIn,
  type SignUp,
} from '../../../shared/src/schemas/auth.js';
import { ApiError, request } from './api.js';

const SESSION_ENDED_NOTICE = 'Votre session a pris fin. Veuillez vous reconnecter.';

const sessionResponse = z.object({ professional: professionalSchema.nullable() });
const professionalResponse = z.object({ professional: professionalSchema });

/** Who is signed in, as the server sees it (the session cookie is httpOnly). */
export class Session {
  professional = $state<Professional | null>(null);
  /** True until the first answer of `GET /api/session`. */
  loading = $state(true);
  /** Why the session could not be loaded (the server is unreachable, for instance). */
  loadError = $state<string | null>(null);
  /** Told on the sign-in page after the server ended the session. */
  notice = $state<string | null>(null);

  readonly signedIn = $derived(this.professional !== null);
  #signingOut = false;

  async load(): Promise<void> {
    try {
      const { professional } = await request('GET', '/api/session', { schema: sessionResponse });
      this.professional = professional;
      this.loadError = null;
    } catch (error) {
      this.loadError = error instanceof ApiError ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  async signIn(identifier: string, password: string): Promise<void> {
    const body: SignIn = { identifier, password };
    const { professional } = await request('POST', '/api/auth/signin', {
      body,
      schema: professionalResponse,
    });
    this.professional = professional;
    this.notice = null;
  }

  /** The server signs the new account in. */
  async signUp(input: SignUp): Promise<void> {
    const { professional } = await request('POST', '/api/auth/signup', {
      body: input,
      schema: professionalResponse,
    });
    this.professional = professional;
  }

  async signOut(): Promise<void> {
    this.#signingOut = true;
    try {
      await request('POST', '/api/auth/signout');
    } catch (error) {
      // Already over on the server (expired, ended elsewhere): nothing left to sign out of.
      if (!(error instanceof ApiError && error.code === 'unauthenticated')) throw error;
    } finally {
      this.#signingOut = false;
    }
    this.clear();
  }

  /**
   * The server ended the session (`session:ended`). Our own sign-out triggers it too, possibly
   * before its HTTP answer arrives: only an ending decided elsewhere deserves a notice.
   */
  ended(): void {
    this.clear(this.#signingOut ? null : SESSION_ENDED_NOTICE);
  }

  /** Forgets the professional locally; `notice` explains why on the sign-in page. */
  clear(notice: string | null = null): void {
    this.professional = null;
    this.notice = notice;
  }
}

const [getSession, setSession] = createContext<Session>();
export { getSession, setSession };
