import { io, type Socket } from 'socket.io-client';
import { createContext, tick, untrack } from 'svelte';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/src/events.js';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** `degraded`: connected, but this server is cut from the others (their edits come late). */
export type ConnectionStatus = 'connecting' | 'connected' | 'degraded' | 'offline';

/** Server events a page may listen to (the session events stay with the connection). */
type RelayedEvent = 'team:changed' | 'team:left' | 'invitation:received' | 'invitation:closed';

export type Listeners = { [E in RelayedEvent]?: ServerToClientEvents[E] } & {
  /**
   * The socket (re)connected. Events sent while it was offline are lost: pages reload what
   * they show. Also called on the first connection, which may come after a page's first load.
   */
  connect?: () => void;
};

export interface ConnectionHooks {
  /** The server ended the session (sign-out elsewhere, revocation). */
  onSessionEnded: () => void;
  /**
   * The server refused or dropped the connection for good: asks whether the session is still
   * valid. When it is, the connection is retried after a pause.
   */
  verifySession: () => Promise<boolean>;
}

// A refused handshake while the session looks valid must not turn into a tight retry loop.
const RETRY_AFTER_REFUSAL_MS = 5_000;

/** The realtime connection of the signed-in professional. */
export class Connection {
  status = $state<ConnectionStatus>('offline');
  // Reactive, so that pages can follow the socket (a note syncs over whichever exists); raw,
  // since a socket is an object to keep, not to proxy.
  #socket = $state.raw<AppSocket | null>(null);
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #listeners: Listeners[] = [];
  /** First loads of pages waiting for the connection being opened to succeed or fail. */
  #settling: (() => void)[] = [];

  constructor(private readonly hooks: ConnectionHooks) {}

  get socket(): AppSocket | null {
    return this.#socket;
  }

  /** Connected to the server, linked to the others or not. */
  get online(): boolean {
    return this.status === 'connected' || this.status === 'degraded';
  }

  /** Opens the connection on the same origin (the session cookie authenticates it). */
  open(): void {
    // Called from an effect, which must not depend on the socket it creates.
    untrack(() => this.#open());
  }

  #open(): void {
    if (this.#socket) return;
    const socket: AppSocket = io({ withCredentials: true });
    this.#socket = socket;
    this.status = 'connecting';

    socket.on('connect', () => {
      this.status = 'connected';
      for (const listeners of this.#listeners) listeners.connect?.();
      this.#settle();
    });
    // Sent at connection while degraded, and whenever the server's link changes.
    socket.on('realtime:state', ({ state }) => {
      if (socket.connected) this.status = state === 'degraded' ? 'degraded' : 'connected';
    });
    // One relay per event, so listeners survive the socket being replaced (sign-out, sign-in).
    socket.on('team:changed', (payload) => this.#relay('team:changed', payload));
    socket.on('team:left', (payload) => this.#relay('team:left', payload));
    socket.on('invitation:received', (payload) => this.#relay('invitation:received', payload));
    socket.on('invitation:closed', (payload) => this.#relay('invitation:closed', payload));
    socket.on('disconnect', (reason) => {
      this.status = 'offline';
      // The server closed this socket on purpose: socket.io will not reconnect by itself.
      if (reason === 'io server disconnect') this.#recheck(socket);
    });
    socket.on('connect_error', () => {
      this.status = 'offline';
      this.#settle();
      // `active` is false when the handshake middleware refused us (no automatic retry).
      if (!socket.active) this.#recheck(socket);
    });
    socket.on('session:ended', () => {
      this.close();
      this.hooks.onSessionEnded();
    });
  }

  /** Listens to server events for as long as the caller wants; returns the unsubscriber. */
  subscribe(listeners: Listeners): () => void {
    this.#listeners = [...this.#listeners, listeners];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listeners);
    };
  }

  /**
   * Loads what a page shows once the connection is settled (connected, or failed to), then
   * again at every reconnection (events sent while offline are lost); listens to `listeners`
   * meanwhile. Returns the unsubscriber. A page opened while the connection is being made
   * loads once, after it, rather than before it and again at it: every load of team data is
   * an audited read, and a visit is one.
   */
  follow(load: () => void, listeners: Omit<Listeners, 'connect'> = {}): () => void {
    let loaded = false;
    const first = () => {
      if (loaded) return;
      loaded = true;
      load();
    };
    const unsubscribe = this.subscribe({
      ...listeners,
      connect: () => (loaded ? load() : first()),
    });
    // After the pending effects: the app opens the connection in one, maybe after this page.
    void tick().then(() => {
      if (this.status === 'connecting') this.#settling.push(first);
      else first();
    });
    return unsubscribe;
  }

  #settle(): void {
    const waiting = this.#settling;
    this.#settling = [];
    for (const first of waiting) first();
  }

  #relay<E extends RelayedEvent>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    for (const listeners of this.#listeners) {
      const listener = listeners[event] as
        ((payload: Parameters<ServerToClientEvents[E]>[0]) => void) | undefined;
      listener?.(payload);
    }
  }

  close(): void {
    untrack(() => this.#close());
  }

  #close(): void {
    clearTimeout(this.#retryTimer);
    this.#socket?.disconnect();
    this.#socket?.removeAllListeners();
    this.#socket = null;
    this.status = 'offline';
    this.#settle();
  }

  #recheck(socket: AppSocket): void {
    clearTimeout(this.#retryTimer);
    this.hooks.verifySession().then(
      (stillSignedIn) => {
        if (!stillSignedIn || this.#socket !== socket) return;
        this.#retryTimer = setTimeout(() => {
          if (this.#socket === socket && !socket.connected) socket.connect();
        }, RETRY_AFTER_REFUSAL_MS);
      },
      () => undefined,
    );
  }
}

const [getConnection, setConnection] = createContext<Connection>();
export { getConnection, setConnection };
