import { ERROR_MESSAGES, type Ack } from '../../../shared/src/errors.js';
import {
  encodeRelay,
  noteAddressSchema,
  noteAwarenessSchema,
  noteDocId,
  noteJoinSchema,
  noteRoom,
  noteUpdateSchema,
  type NoteAddress,
} from '../../../shared/src/notes.js';
import type { CommandHooks } from '../commands/command.js';
import type { AppMetrics } from '../metrics/metrics.js';
import { AppError } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { AppSocket, SocketFeature } from '../realtime/io.js';
import type { MemberContext } from '../teams/access.js';
import { removalUpdate, stampAwareness } from './awareness.js';
import type { NotePresence } from './presence.js';
import type { DocRegistry, LiveDoc } from './registry.js';
import type { NoteService, ReadOnlyReason } from './service.js';
import type { NoteSync } from './sync.js';
import type { UpdateEffect } from './validate.js';

/** A note opened by one socket. */
interface OpenNote {
  address: NoteAddress;
  live: LiveDoc;
  readOnly: ReadOnlyReason;
  /** Awareness client ids this socket spoke for, removed when it goes. */
  awareness: Map<number, number>;
  lastEditAudit: number;
  /** The member context read at the join or the last re-check (for the edit audit). */
  ctx: MemberContext;
}

const EDIT_AUDIT_EVERY_MS = 10 * 60_000;

/**
 * Yjs over the app's socket.io (y-protocols sync and awareness encodings). Order of an edit:
 * check, apply to the shared document, relay to the members on this instance and publish to the
 * other instances (notes/sync.ts), store, acknowledge. The relay does not wait for the database
 * (members see each other type at once); the author's acknowledgement does, so an acknowledged
 * edit is always stored.
 */
export function noteSocketFeature(deps: {
  notes: NoteService;
  registry: DocRegistry;
  presence: NotePresence;
  sync: NoteSync;
  metrics?: AppMetrics | undefined;
  hooks?: CommandHooks | undefined;
}): SocketFeature {
  const { notes, registry, presence, sync } = deps;
  const open = new WeakMap<AppSocket, Map<string, OpenNote>>();

  const close = (socket: AppSocket, docId: string) => {
    const note = open.get(socket)?.get(docId);
    if (!note) return;
    open.get(socket)?.delete(docId);
    registry.unsubscribe(note.live);
    presence.forget(note.live.id, socket.id, note.awareness.keys());
    if (note.awareness.size > 0) {
      const removal = removalUpdate(note.awareness);
      socket
        .to(noteRoom(note.address))
        .local.emit('note:awareness', { ...note.address, update: encodeRelay(removal) });
      sync.awareness(note.live.id, removal);
    }
  };

  return {
    /** Each open note's access read again; a note no longer allowed is closed for the socket. */
    async recheck(socket) {
      const who = socket.data.professional;
      for (const [docId, note] of [...(open.get(socket) ?? [])]) {
        let readOnly: ReadOnlyReason;
        try {
          ({ readOnly, ctx: note.ctx } = await notes.access(who, note.address));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          close(socket, docId);
          await socket.leave(noteRoom(note.address));
          socket.emit('note:closed', { ...note.address, reason: 'not_found' });
          continue;
        }
        if (readOnly && !note.readOnly)
          socket.emit('note:closed', { ...note.address, reason: readOnly });
        note.readOnly = readOnly;
      }
    },
    attach(socket, log) {
      open.set(socket, new Map());
      const who = socket.data.professional;
      const author = { id: who.id, name: `${who.firstName} ${who.lastName}` };

      socket.on('note:join', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const parsed = noteJoinSchema.safeParse(payload);
        if (!parsed.success) return fail(ack, new AppError('not_found'));
        const { message, ...address } = parsed.data;
        const docId = noteDocId(address);
        let vector: Uint8Array;
        try {
          // Checked first: a malformed join leaves what the socket has open as it is.
          vector = notes.readStep1(message);
        } catch (err) {
          return fail(ack, err, log);
        }
        notes
          .open(who, address)
          .then(async (live) => {
            await deps.hooks?.checkpoint?.('note.join.loaded');
            close(socket, docId);
            // In the room first, then access read again: a removal or a closure committed
            // while the note was loading took no socket out of the room, since this one was
            // not in it yet; the second read sees it. One committed after it finds the socket
            // in the room and takes it out. The socket may write only once this is settled,
            // and the sync answer is computed once it is in the room, so no edit falls between.
            await socket.join(noteRoom(address));
            let readOnly: ReadOnlyReason;
            let ctx: MemberContext;
            try {
              ({ readOnly, ctx } = await notes.access(who, address));
            } catch (err) {
              await socket.leave(noteRoom(address));
              throw err;
            }
            const messages = notes.syncReply(live, vector);
            // Gone meanwhile: its disconnect already closed what it had open.
            if (!socket.connected) return;
            open.get(socket)?.set(docId, {
              address,
              live,
              readOnly,
              awareness: new Map(),
              lastEditAudit: 0,
              ctx,
            });
            registry.subscribe(live);
            ack({ ok: true, data: { readOnly: readOnly !== undefined, messages } });
            // Who is already here: the last state of everyone else, on every instance.
            for (const update of presence.snapshot(docId, socket.id)) {
              socket.emit('note:awareness', { ...address, update });
            }
          })
          .catch((err: unknown) => fail(ack, err, log));
      });

      socket.on('note:update', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const since = process.hrtime.bigint();
        const parsed = noteUpdateSchema.safeParse(payload);
        if (!parsed.success) return fail(ack, new AppError('invalid_update'));
        const { update: raw, ...address } = parsed.data;
        const note = open.get(socket)?.get(noteDocId(address));
        // The room is the right to write: removal and closure take the socket out of it.
        if (!note || !socket.rooms.has(noteRoom(address)))
          return fail(ack, new AppError('not_joined'));
        if (note.readOnly) return fail(ack, new AppError(note.readOnly));
        // The copy this socket opened was dropped (a failed write): as if not joined, so the
        // client opens the note again, on the reloaded copy, and sends what that one lacks.
        // Going on with the old copy split the note in two: its edits were stored and relayed,
        // but the copy newcomers got never saw them.
        if (note.live.evicted) {
          close(socket, noteDocId(address));
          return fail(ack, new AppError('not_joined'));
        }
        const update = new Uint8Array(raw);
        let effect: UpdateEffect;
        try {
          effect = notes.apply(note.live, update, socket.id);
        } catch (err) {
          return fail(ack, err, log);
        }
        if (!effect.changed) {
          // Nothing new (a reconnecting client's sync re-sends what the server has): nothing to
          // store or relay; acknowledged once what the document holds is in the database.
          notes
            .flushed(note.live)
            .then(() => ack({ ok: true, data: { stored: true } }))
            .catch((err: unknown) => fail(ack, err, log));
          return;
        }
        // Encoded once for the whole room of this instance; the others relay it to theirs.
        socket
          .to(noteRoom(address))
          .local.emit('note:update', { ...address, update: encodeRelay(update), author });
        sync.published(note.live, update, author);
        notes
          .store(note.live, update, who)
          .then((at) => {
            ack({ ok: true, data: { stored: true } });
            deps.metrics?.acknowledged('note:update', since);
            return afterStore(note, effect, at);
          })
          .catch((err: unknown) => fail(ack, err, log));
      });

      const afterStore = async (note: OpenNote, effect: UpdateEffect, at: Date) => {
        await notes.recordActivity(note.live, effect, who, at);
        const now = Date.now();
        if (now - note.lastEditAudit > EDIT_AUDIT_EVERY_MS) {
          note.lastEditAudit = now;
          await notes.auditEdit(note.ctx, note.address);
        }
      };

      socket.on('note:awareness', (payload) => {
        const parsed = noteAwarenessSchema.safeParse(payload);
        if (!parsed.success) return;
        const { update, ...address } = parsed.data;
        const note = open.get(socket)?.get(noteDocId(address));
        if (!note || !socket.rooms.has(noteRoom(address))) return;
        const stamped = stampAwareness(new Uint8Array(update), author);
        if (!stamped) return;
        // A socket speaks only for the awareness client ids it introduced: it may not move or
        // remove someone else's cursor.
        if (!presence.claim(note.live.id, socket.id, stamped.clients.keys())) return;
        const relayed = encodeRelay(stamped.update);
        presence.remember(note.live.id, socket.id, relayed);
        for (const [client, clock] of stamped.clients) note.awareness.set(client, clock);
        socket.to(noteRoom(address)).local.emit('note:awareness', { ...address, update: relayed });
        sync.awareness(note.live.id, stamped.update);
      });

      socket.on('note:leave', (payload) => {
        const parsed = noteAddressSchema.safeParse(payload);
        if (!parsed.success) return;
        close(socket, noteDocId(parsed.data));
        void socket.leave(noteRoom(parsed.data));
      });

      socket.on('disconnect', () => {
        for (const docId of [...(open.get(socket)?.keys() ?? [])]) close(socket, docId);
      });
    },
  };
}

function fail<T>(ack: (r: Ack<T>) => void, err: unknown, log?: Logger): void {
  if (err instanceof AppError) {
    ack({ ok: false, error: { code: err.code, message: err.message } });
    return;
  }
  log?.error({ err: safeError(err) }, 'note event failed');
  ack({ ok: false, error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error } });
}
