import { io, type Socket } from 'socket.io-client';
import { createContext } from 'svelte';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/src/events.js';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'connecting' | 'connected' | 'offline';

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
  #socket: AppSocket | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly hooks: ConnectionHooks) {}

  get socket(): AppSocket | null {
    return this.#socket;
  }

  /** Opens the connection on the same origin (the session cookie authenticates it). */
  open(): void {
    if (this.#socket) return;
    const socket: AppSocket = io({ withCredentials: true });
    this.#socket = socket;
    this.status = 'connecting';

    socket.on('connect', () => {
      this.status = 'connected';
    });
    socket.on('disconnect', (reason) => {
      this.status = 'offline';
      // The server closed this socket on purpose: socket.io will not reconnect by itself.
      if (reason === 'io server disconnect') this.#recheck(socket);
    });
    socket.on('connect_error', () => {
      this.status = 'offline';
      // `active` is false when the handshake middleware refused us (no automatic retry).
      if (!socket.active) this.#recheck(socket);
    });
    socket.on('session:ended', () => {
      this.close();
      this.hooks.onSessionEnded();
    });
  }

  close(): void {
    clearTimeout(this.#retryTimer);
    this.#socket?.disconnect();
    this.#socket?.removeAllListeners();
    this.#socket = null;
    this.status = 'offline';
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
