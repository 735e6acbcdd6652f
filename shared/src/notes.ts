import { fromBase64, toBase64 } from 'lib0/buffer';
import { z } from 'zod';

/**
 * Shared care notes: one Yjs document per (team, name). Today every team has the care plan;
 * the name is part of every address so that a team can hold more documents later.
 */
export const NOTE_DOCS = ['plan'] as const;
export type NoteDocName = (typeof NOTE_DOCS)[number];
export const NOTE_DOC_LABELS: Record<NoteDocName, string> = {
  plan: 'Plan de soins / notes de coordination',
};
/** The Yjs type holding the rich text (the ProseMirror document of the editor). */
export const NOTE_FRAGMENT = 'prosemirror';

/** Default limits; the server's are settings (NOTE_MAX_UPDATE_BYTES, NOTE_MAX_DOC_BYTES). */
export const NOTE_LIMITS = {
  maxUpdateBytes: 512 * 1024,
  maxDocBytes: 8 * 1024 * 1024,
  versionNameMax: 100,
} as const;

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, {
  error: 'Données binaires attendues.',
});

/**
 * Edits and awareness travel as base64 text both ways (see `encodeRelay`): the app's provider
 * sends text, one WebSocket frame per edit; raw bytes are still accepted (a tab opened before an
 * upgrade). Strict base64, so that stray characters are an error rather than silently skipped.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Text first: it is what every edit of the app's provider is, and a union tries its options in
// order (a failed first option costs an issue object per edit).
const clientBytes = z.union([
  z
    .string()
    .regex(BASE64)
    .transform((text) => decodeRelay(text)),
  bytes,
]);

export const noteAddressSchema = z.strictObject({
  teamId: z.string().regex(/^[a-f\d]{24}$/i),
  doc: z.enum(NOTE_DOCS),
});
export type NoteAddress = z.output<typeof noteAddressSchema>;

/** Opening a document: the client's y-protocols sync step 1. */
export const noteJoinSchema = noteAddressSchema.extend({ message: bytes });
/** A Yjs update for one document. */
export const noteUpdateSchema = noteAddressSchema.extend({ update: clientBytes });
/** A y-protocols awareness update for one document. */
export const noteAwarenessSchema = noteAddressSchema.extend({ update: clientBytes });

export const createVersionSchema = z.strictObject({
  name: z
    .string({ error: 'Le nom de la version est obligatoire.' })
    .trim()
    .min(1, { error: 'Le nom de la version est obligatoire.' })
    .max(NOTE_LIMITS.versionNameMax, { error: 'Le nom de la version est trop long.' }),
});

export const noteRoom = (a: NoteAddress) => `note:${a.teamId}:${a.doc}`;

/** The address of a stored document id (`noteDocId`'s inverse); undefined when not one. */
export function noteAddressOf(docId: string): NoteAddress | undefined {
  const [teamId, doc, ...rest] = docId.split(':');
  const name = NOTE_DOCS.find((d) => d === doc);
  return teamId && name && rest.length === 0 ? { teamId, doc: name } : undefined;
}
export const noteDocId = (a: NoteAddress) => `${a.teamId}:${a.doc}`;

/**
 * Edits and awareness go as base64 text, from the server to the members and from the members to
 * the server. socket.io sends a binary payload as two WebSocket frames (a header, then the
 * attachment) and the receiver reassembles them; one text frame halves the frames. Measured
 * on the server's relay with 200 clients on one room: p50 10 → 5 ms, p99 49 → 20 ms
 * (bench/REPORT.md).
 */
export const encodeRelay = (bytes: Uint8Array): string => toBase64(bytes);
export const decodeRelay = (text: string): Uint8Array => fromBase64(text);
