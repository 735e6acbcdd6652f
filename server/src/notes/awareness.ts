import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MAX_AWARENESS_BYTES = 16 * 1024;

export interface AwarenessIdentity {
  id: string;
  name: string;
}

/**
 * Rewrites a y-protocols awareness update so that every state it carries names the session's
 * professional: the names shown on remote cursors come from the server, never from the
 * client (docs/notes.md). Returns the rewritten update and the client ids it speaks for, or
 * undefined when it does not parse.
 */
export function stampAwareness(
  update: Uint8Array,
  who: AwarenessIdentity,
): { update: Uint8Array; clients: Map<number, number> } | undefined {
  if (update.byteLength > MAX_AWARENESS_BYTES) return undefined;
  try {
    const decoder = decoding.createDecoder(update);
    const encoder = encoding.createEncoder();
    const clients = new Map<number, number>();
    const count = decoding.readVarUint(decoder);
    if (count > 16) return undefined;
    encoding.writeVarUint(encoder, count);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      const state = JSON.parse(raw) as unknown;
      let out: unknown = null;
      if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
        const { user, ...rest } = state as Record<string, unknown>;
        const color = (user as { color?: unknown } | undefined)?.color;
        out = {
          ...rest,
          user: {
            id: who.id,
            name: who.name,
            color: typeof color === 'string' && /^#[\da-f]{6}$/i.test(color) ? color : '#1f6feb',
          },
        };
      }
      clients.set(clientId, clock);
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(out));
    }
    if (decoding.hasContent(decoder)) return undefined;
    return { update: encoding.toUint8Array(encoder), clients };
  } catch {
    return undefined;
  }
}

/** An awareness update that removes these clients (their socket is gone). */
export function removalUpdate(clients: Map<number, number>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clients.size);
  for (const [clientId, clock] of clients) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock + 1);
    encoding.writeVarString(encoder, 'null');
  }
  return encoding.toUint8Array(encoder);
}

/** The client ids an awareness update speaks for, and whether it only removes them. */
export function readAwareness(
  update: Uint8Array,
): { clients: number[]; removal: boolean } | undefined {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const clients: number[] = [];
    let removal = true;
    for (let i = 0; i < count; i++) {
      clients.push(decoding.readVarUint(decoder));
      decoding.readVarUint(decoder);
      if (decoding.readVarString(decoder) !== 'null') removal = false;
    }
    return { clients, removal };
  } catch {
    return undefined;
  }
}
