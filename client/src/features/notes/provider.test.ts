import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Ack, ErrorCode } from '../../../../shared/src/errors.js';
import { decodeRelay, encodeRelay } from '../../../../shared/src/notes.js';
import type { NoteJoinView } from '../../../../shared/src/views.js';
import { NoteProvider, type NoteSocket } from './provider.js';

const address = { teamId: 'a'.repeat(24), doc: 'plan' as const };

type Listener = (...args: never[]) => void;
type Answer = (payload: Record<string, unknown>) => Ack<unknown> | undefined;

/**
 * The part of socket.io the provider uses, in memory. `answers` replies to acknowledged
 * events (undefined: no answer yet); everything emitted is recorded in `sent`.
 */
class FakeSocket {
  connected = true;
  sent: Array<{ event: string; payload: Record<string, unknown> }> = [];
  answers: Record<string, Answer> = {};
  /** Events whose acknowledgement times out (the server is slow). */
  slow = new Set<string>();
  private listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener) {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
  }

  off(event: string, listener: Listener) {
    this.listeners.get(event)?.delete(listener);
  }

  emit(event: string, payload: Record<string, unknown>) {
    this.sent.push({ event, payload });
  }

  timeout() {
    return {
      emit: (
        event: string,
        payload: Record<string, unknown>,
        ack: (e: Error | null, r?: unknown) => void,
      ) => {
        this.sent.push({ event, payload });
        if (this.slow.has(event))
          return queueMicrotask(() => ack(new Error('operation has timed out')));
        const answer = this.answers[event]?.(payload);
        if (answer) queueMicrotask(() => ack(null, answer));
      },
    };
  }

  /** A server event reaching the client. */
  receive(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => void)(...args);
  }

  count(event: string) {
    return this.sent.filter((s) => s.event === event).length;
  }

  asNoteSocket() {
    return this as unknown as NoteSocket;
  }
}

/** The server's answer to a join: its step 2 for the client's step 1, then its own step 1. */
function joinAnswer(server: Y.Doc): Answer {
  return (payload) => {
    const step2 = encoding.createEncoder();
    syncProtocol.writeSyncStep2(step2, server, stateVectorOf(payload.message as Uint8Array));
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, server);
    const data: NoteJoinView = {
      readOnly: false,
      messages: [encoding.toUint8Array(step2), encoding.toUint8Array(step1)],
    };
    return { ok: true, data };
  };
}

function stateVectorOf(step1: Uint8Array): Uint8Array {
  // step 1 = [messageYjsSyncStep1, stateVector as varUint8Array]
  const length = step1[1]!;
  return step1.slice(2, 2 + length);
}

const refuse =
  (code: ErrorCode): Answer =>
  () => ({ ok: false, error: { code, message: code } });

/** The (client, clock) pairs of the awareness updates sent so far, in order. */
function sentAwareness(socket: FakeSocket): Array<{ client: number; clock: number }> {
  const out: Array<{ client: number; clock: number }> = [];
  for (const { event, payload } of socket.sent) {
    if (event !== 'note:awareness') continue;
    // Sent as base64 text (one WebSocket frame).
    const decoder = decoding.createDecoder(decodeRelay(payload.update as string));
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      decoding.readVarString(decoder);
      out.push({ client, clock });
    }
  }
  return out;
}

/** Lets the fake socket's answers (microtasks, all in process) run: no real event waited for. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('NoteProvider', () => {
  it('joins, syncs both ways, and reports saved once its edit is acknowledged', async () => {
    const server = new Y.Doc();
    server.getText('t').insert(0, 'serveur ');
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(server);
    socket.answers['note:update'] = () => ({ ok: true, data: { stored: true } });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hors ligne ');
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await flush();
    expect(provider.synced).toBe(true);
    expect(doc.getText('t').toJSON()).toContain('serveur');
    // What the server lacked (the offline edit) went with the sync.
    expect(socket.count('note:update')).toBe(1);
    expect(provider.status).toBe('saved');
    provider.destroy();
  });

  it('keeps sending when an acknowledgement is slow, and re-syncs alongside', async () => {
    vi.useFakeTimers();
    const server = new Y.Doc();
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(server);
    socket.answers['note:update'] = () => ({ ok: true, data: { stored: true } });
    const doc = new Y.Doc();
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.status).toBe('saved');

    socket.slow.add('note:update');
    doc.getText('t').insert(0, 'lent ');
    await vi.advanceTimersByTimeAsync(0);
    // The next edit still goes out at once: the note stays joined.
    doc.getText('t').insert(5, 'mais envoyé');
    expect(socket.count('note:update')).toBe(2);
    await vi.advanceTimersByTimeAsync(0);
    // Not confirmed yet: "saving", not "saved" and not "connecting".
    expect(provider.status).toBe('saving');

    socket.slow.clear();
    const joins = socket.count('note:join');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(socket.count('note:join')).toBe(joins + 1);
    expect(provider.status).toBe('saved');
    provider.destroy();
  });

  it('sends only its own awareness state, never a remote one it timed out', async () => {
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(new Y.Doc());
    const doc = new Y.Doc();
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await flush();
    provider.awareness.setLocalStateField('user', { name: 'Moi', color: '#0b5cad' });
    const sentBefore = socket.count('note:awareness');
    // A remote state, then its local removal (what the 30 s timeout does).
    const other = new awarenessProtocol.Awareness(new Y.Doc());
    other.setLocalStateField('user', { name: 'Autre' });
    socket.receive('note:awareness', {
      ...address,
      update: encodeRelay(awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID])),
    });
    const afterArrival = socket.count('note:awareness');
    awarenessProtocol.removeAwarenessStates(provider.awareness, [other.clientID], 'timeout');
    expect(socket.count('note:awareness')).toBe(afterArrival);
    expect(new Set(sentAwareness(socket).map((s) => s.client))).toEqual(new Set([doc.clientID]));
    // Arrivals are not answered (the server sends newcomers who is here): no N² storm.
    expect(afterArrival).toBe(sentBefore);
    other.destroy();
    provider.destroy();
  });

  it('comes back with a clock past the removal the server sent when its socket went', async () => {
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(new Y.Doc());
    const doc = new Y.Doc();
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await flush();
    const other = new awarenessProtocol.Awareness(new Y.Doc());
    other.setLocalStateField('user', { name: 'Autre' });
    const otherState = encodeRelay(
      awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]),
    );
    socket.receive('note:awareness', { ...address, update: otherState });
    const lastClock = () => sentAwareness(socket).at(-1)?.clock ?? -1;
    const clockBefore = lastClock();
    socket.connected = false;
    socket.receive('disconnect');
    expect(provider.status).toBe('offline');
    expect(provider.awareness.getStates().has(other.clientID)).toBe(false);
    socket.connected = true;
    socket.receive('connect');
    await flush();
    // The server told the others "removed at clock + 1": we must exceed it to be seen again.
    expect(lastClock()).toBeGreaterThan(clockBefore + 1);
    // And the others, whose states the server replays to us on join, are seen again.
    socket.receive('note:awareness', { ...address, update: otherState });
    expect(provider.awareness.getStates().has(other.clientID)).toBe(true);
    other.destroy();
    provider.destroy();
  });

  it('stops re-sending an edit the server keeps refusing, and says why', async () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(new Y.Doc());
    socket.answers['note:update'] = refuse('document_too_large');
    const doc = new Y.Doc();
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await vi.advanceTimersByTimeAsync(0);
    doc.getText('t').insert(0, 'beaucoup de texte');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(provider.status).toBe('unavailable');
    expect(provider.error?.code).toBe('document_too_large');
    const joins = socket.count('note:join');
    expect(joins).toBeLessThanOrEqual(4);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.count('note:join')).toBe(joins);
    // The user may try again.
    socket.answers['note:update'] = () => ({ ok: true, data: { stored: true } });
    provider.join();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.status).toBe('saved');
    provider.destroy();
  });

  it('keeps an edit refused as too fast and sends it again after a pause, never giving up', async () => {
    vi.useFakeTimers();
    const server = new Y.Doc();
    const socket = new FakeSocket();
    socket.answers['note:join'] = joinAnswer(server);
    socket.answers['note:update'] = refuse('rate_limited');
    const doc = new Y.Doc();
    const provider = new NoteProvider(socket.asNoteSocket(), address, doc);
    await vi.advanceTimersByTimeAsync(0);
    doc.getText('t').insert(0, 'tapé vite');
    // Refused as too fast many times over: more than the refusals that stop a bad edit.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(provider.status).not.toBe('unavailable');
    expect(provider.error).toBeUndefined();
    // Paced: one re-join per pause, not one per second.
    expect(socket.count('note:join')).toBeLessThanOrEqual(1 + 60_000 / 5_000);
    socket.answers['note:update'] = (payload) => {
      Y.applyUpdate(server, decodeRelay(payload.update as string));
      return { ok: true, data: { stored: true } };
    };
    await vi.advanceTimersByTimeAsync(10_000);
    expect(provider.status).toBe('saved');
    expect(server.getText('t').toJSON()).toBe('tapé vite');
    provider.destroy();
  });

  it('retries a join the server could not answer, not one it refused', async () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    socket.answers['note:join'] = refuse('database_unavailable');
    const provider = new NoteProvider(socket.asNoteSocket(), address, new Y.Doc());
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.status).toBe('unavailable');
    socket.answers['note:join'] = joinAnswer(new Y.Doc());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(provider.status).toBe('saved');
    provider.destroy();

    const refused = new FakeSocket();
    refused.answers['note:join'] = refuse('not_found');
    const other = new NoteProvider(refused.asNoteSocket(), address, new Y.Doc());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(other.status).toBe('unavailable');
    expect(refused.count('note:join')).toBe(1);
    other.destroy();
  });

  it('destroys the awareness it created (its timer), not one it was given', () => {
    const socket = new FakeSocket();
    socket.connected = false;
    const own = new NoteProvider(socket.asNoteSocket(), address, new Y.Doc());
    const destroyed = vi.fn();
    own.awareness.on('destroy', destroyed);
    own.destroy();
    expect(destroyed).toHaveBeenCalled();

    const doc = new Y.Doc();
    const given = new awarenessProtocol.Awareness(doc);
    const kept = vi.fn();
    given.on('destroy', kept);
    new NoteProvider(socket.asNoteSocket(), address, doc, given).destroy();
    expect(kept).not.toHaveBeenCalled();
    given.destroy();
  });
});
