import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/src/events.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { AuthService } from '../auth/service.js';
import { SESSION_COOKIE, parseCookies } from '../http/cookies.js';
import { safeError, type Logger } from '../logger.js';

export interface SocketData {
  professional: Professional;
  sessionId: string;
  /** Rooms of the features (teams...) computed during the handshake, joined on connection. */
  rooms: string[];
}

export type AppServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type AppSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** What a feature adds to every socket: the rooms to join, and its event handlers. */
export interface SocketFeature {
  rooms?(professional: Professional): Promise<string[]>;
  attach?(socket: AppSocket, log: Logger): void;
  /** Reads the socket's rights again from the database (Redis away: realtime/degraded.ts). */
  recheck?(socket: AppSocket): Promise<void>;
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  team: (id: string) => `team:${id}`,
};

/**
 * socket.io authenticates in the handshake with the same session cookie as the HTTP API
 * (same origin, so the browser sends it). A socket without a live session is refused before
 * it can join any room.
 */
export function createSocketServer(
  httpServer: HttpServer,
  auth: Pick<AuthService, 'resolve'>,
  logger: Logger,
  features: SocketFeature[],
  maxMessageBytes: number,
): AppServer {
  const io: AppServer = new Server(httpServer, {
    serveClient: false,
    // The largest message is a note edit, sent as base64 (4 characters per 3 bytes): its limit
    // so encoded, plus room for the envelope.
    maxHttpBufferSize: Math.ceil(maxMessageBytes / 3) * 4 + 64 * 1024,
  });

  io.use((socket, next) => {
    const token = parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE];
    auth
      .resolve(token)
      .then(async (found) => {
        if (!found) return next(new Error('unauthenticated'));
        socket.data.professional = found.professional;
        socket.data.sessionId = found.id;
        // Rooms are computed before the connection completes, so no event is missed in between.
        const featureRooms = await Promise.all(
          features.map((f) => (f.rooms ? f.rooms(found.professional) : Promise.resolve([]))),
        );
        socket.data.rooms = featureRooms.flat();
        next();
      })
      .catch((err: unknown) => {
        logger.error({ err: safeError(err) }, 'socket handshake failed');
        next(new Error('internal_error'));
      });
  });

  io.on('connection', (socket) => {
    // The upgrade request (its headers, raw headers, parser state) would stay referenced for
    // the socket's whole life: the handshake is read (cookie above, into `socket.handshake`),
    // nothing reads the request again, and a few kB per socket add up with thousands open.
    (socket.conn as { request: unknown }).request = null;
    const { professional, sessionId } = socket.data;
    const log = logger.child({ socketId: socket.id, userId: professional.id });
    void socket.join([rooms.user(professional.id), rooms.session(sessionId), ...socket.data.rooms]);
    // A removal committed after the handshake read the rooms, and dispatched before this join,
    // took no socket out of them: read them again now that the socket is in, and leave what
    // is no longer granted. (A later removal finds the socket in the room and takes it out.)
    recheckRooms(socket, features).catch((err: unknown) => {
      log.error({ err: safeError(err) }, 'socket rooms re-check failed');
      socket.disconnect(true);
    });
    log.debug('socket connected');
    socket.emit('session:ready', { professional });

    socket.on('health:ping', (ack) => {
      if (typeof ack === 'function') ack({ ok: true, data: { at: new Date().toISOString() } });
    });
    for (const feature of features) feature.attach?.(socket, log);
    socket.on('disconnect', (reason) => log.debug({ reason }, 'socket disconnected'));
  });

  return io;
}

/**
 * Brings the socket's feature rooms (teams) in line with what the database grants now. Run
 * after the join at connection, and while Redis is away.
 */
export async function recheckRooms(socket: AppSocket, features: SocketFeature[]): Promise<void> {
  const granted = new Set(
    (
      await Promise.all(
        features.map((f) => (f.rooms ? f.rooms(socket.data.professional) : Promise.resolve([]))),
      )
    ).flat(),
  );
  const held = [...socket.rooms].filter((r) => r.startsWith('team:'));
  for (const room of new Set([...socket.data.rooms, ...held]))
    if (!granted.has(room)) await socket.leave(room);
  // And joins those granted meanwhile (an accepted invitation, a new consent).
  for (const room of granted) if (!socket.rooms.has(room)) await socket.join(room);
  socket.data.rooms = [...granted];
}

/** Ends every live socket of a session (sign-out), on every instance when Redis links them. */
export function endSessionSockets(io: AppServer, sessionId: string): void {
  const room = rooms.session(sessionId);
  io.to(room).emit('session:ended');
  io.in(room).disconnectSockets(true);
}
