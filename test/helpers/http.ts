import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/src/events.js';

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A tiny browser stand-in for API tests: keeps cookies like a browser would, and echoes the
 * CSRF cookie in the header on writes, as the real client does.
 */
export class Agent {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    opts: {
      csrf?: boolean;
      headers?: Record<string, string>;
      raw?: string;
      /** `manual`: answer a redirect itself (its Location and cookies), as a browser sees it. */
      redirect?: 'follow' | 'manual';
    } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...this.extraHeaders, ...opts.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const csrf = this.cookies.get('escap_csrf');
    if (method !== 'GET' && opts.csrf !== false && csrf)
      headers['x-csrf-token'] = decodeURIComponent(csrf);
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const res = await fetch(path.startsWith('http') ? path : this.baseUrl + path, {
      method,
      headers,
      body: payload,
      redirect: opts.redirect ?? 'follow',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown, opts?: Parameters<Agent['request']>[3]) {
    return this.request<T>('POST', path, body, opts);
  }

  /** Fetches the session endpoint once, which hands out the CSRF cookie. */
  async init(): Promise<this> {
    await this.get('/api/session');
    return this;
  }

  /**
   * A real socket.io client carrying this agent's cookies. It does not reconnect unless asked
   * (`reconnect`: an instance lost behind a proxy), so that a test sees every disconnection.
   */
  socket(opts: { reconnect?: boolean } = {}): Socket<ServerToClientEvents, ClientToServerEvents> {
    return ioClient(this.baseUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie: this.cookieHeader() },
      reconnection: opts.reconnect ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
  }
}

export type ErrorBody = {
  error: { code: string; message: string; field?: string; retryAfter?: number };
};
