import type { Ack } from './errors.js';
import type { Professional } from './schemas/auth.js';

/**
 * socket.io event maps: the one contract for realtime traffic. Every client event that
 * expects an answer takes an `Ack` callback.
 */
export interface ServerToClientEvents {
  /** Sent once after the handshake: who the server authenticated. */
  'session:ready': (payload: { professional: Professional }) => void;
  /** The session ended elsewhere (sign-out); the client goes back to sign-in. */
  'session:ended': () => void;
}

export interface ClientToServerEvents {
  /** Round-trip check used by the client's connection indicator. */
  'health:ping': (ack: (result: Ack<{ at: string }>) => void) => void;
}
