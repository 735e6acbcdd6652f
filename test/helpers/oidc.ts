import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Claims of one test identity, as Pro Santé Connect gives them (docs/identity.md). */
export interface PscClaims {
  SubjectNameID: string;
  preferred_username?: string;
  given_name: string;
  family_name: string;
  email?: string;
  SubjectRefPro: {
    exercices: { codeProfession: string; nomDExercice?: string; prenomDExercice?: string }[];
  };
}

/** A PSC-like identity for an RPPS number and a TRE_G15 profession code. */
export function pscIdentity(
  rpps: string,
  code: string,
  names: { first: string; last: string } = { first: 'Zoé', last: 'LEFÈVRE' },
): PscClaims {
  return {
    SubjectNameID: `8${rpps}`,
    preferred_username: `8${rpps}`,
    given_name: names.first,
    family_name: names.last,
    SubjectRefPro: {
      exercices: [{ codeProfession: code, nomDExercice: names.last, prenomDExercice: names.first }],
    },
  };
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Identities by login (the `sub`). */
  accounts: Map<string, PscClaims>;
  /** Registers the app's client with its redirect address (known once the app listens). */
  register(redirectUri: string): void;
  /**
   * Plays the user at the provider: from the authorization address to the redirect back to
   * the app (login form, then consent), as a browser would; returns that redirect's address.
   */
  authorize(authorizationUrl: string, login: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (node-oidc-provider) on 127.0.0.1, port 0: authorization code with
 * PKCE required, the PSC scope `scope_all` with PSC's claim names, ID tokens valid 60 s.
 */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, PscClaims>();
  const clientId = 'escap-test';
  const clientSecret = 'a-test-client-secret-of-some-length';

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        pkce: { methods: ['S256'], required: () => true },
        scopes: ['openid', 'scope_all'],
        claims: {
          openid: ['sub'],
          scope_all: [
            'SubjectNameID',
            'SubjectRefPro',
            'preferred_username',
            'given_name',
            'family_name',
            'email',
          ],
        },
        acrValues: ['eidas1'],
        findAccount: (_ctx, id) => {
          const claims = accounts.get(id);
          if (!claims) return undefined;
          return { accountId: id, claims: () => ({ sub: id, ...claims }) };
        },
        ttl: {
          IdToken: 60,
          AccessToken: 600,
          AuthorizationCode: 60,
          Interaction: 600,
          Session: 600,
          Grant: 600,
        },
        cookies: { keys: ['oidc-test-cookie-key'] },
        features: { devInteractions: { enabled: true } },
      });
      // The library warns that its development keys and interactions are not for production.
      const callback = provider.callback();
      handler = (req, res) => void callback(req, res);
    },
    async authorize(authorizationUrl, login) {
      const jar = new Map<string, string>();
      const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const keep = (res: Response) => {
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
      };
      let url = authorizationUrl;
      for (let step = 0; step < 12; step++) {
        if (!url.startsWith(issuer)) return url;
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader() } });
        keep(res);
        const location = res.headers.get('location');
        if (location) {
          url = new URL(location, url).href;
          continue;
        }
        const html = await res.text();
        const action = /action="([^"]+)"/.exec(html)?.[1];
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        if (!action || !prompt) throw new Error(`unexpected provider page: ${html.slice(0, 500)}`);
        const form = new URLSearchParams({ prompt, login, password: 'any' });
        const posted = await fetch(new URL(action, url), {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
        keep(posted);
        const next = posted.headers.get('location');
        if (!next) throw new Error(`provider did not redirect: ${posted.status}`);
        url = new URL(next, url).href;
      }
      throw new Error('too many steps at the provider');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
