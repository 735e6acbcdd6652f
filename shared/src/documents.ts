import { z } from 'zod';
import type { ProfessionalRef } from './views.js';

/**
 * Documents of a team's patient file: photos (a wound), prescriptions, discharge letters, lab
 * results. Their bytes and their titles are health data: they go only to current members, never
 * into logs, notifications, e-mails or audit details (those carry ids). docs/documents.md.
 */
export const DOCUMENT_KINDS = ['ordonnance', 'compte_rendu', 'resultat', 'photo', 'autre'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  ordonnance: 'Ordonnance',
  compte_rendu: 'Compte rendu',
  resultat: 'Résultat',
  photo: 'Photo',
  autre: 'Autre',
};

/**
 * The types a file may be, read from its bytes (never from its name or the browser's word).
 * The server's `DOCUMENT_TYPES` setting narrows this list.
 */
export const DOCUMENT_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
  'application/pdf',
] as const;
export type DocumentMime = (typeof DOCUMENT_MIME_TYPES)[number];

/** The file name extensions that may go with each type (compared lower-case). */
export const EXTENSIONS: Record<DocumentMime, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/heic': ['heic', 'heif'],
  'image/heif': ['heif', 'heic'],
  'application/pdf': ['pdf'],
};

export const isImageMime = (mime: string): boolean => mime.startsWith('image/');

export const DOCUMENT_LIMITS = {
  titleMax: 200,
  fileNameMax: 200,
  /** Attachments of one message. */
  perMessage: 10,
  /** Width and height of a thumbnail, at most (pixels). */
  thumbnailPx: 320,
} as const;

const objectId = z.string().regex(/^[a-f\d]{24}$/i);

/** Client-generated id of an upload: a retry with the same id never stores the file twice. */
export const clientIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[\w-]+$/);

function isCalendarDay(s: string): boolean {
  const at = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(s);
}

/** The day the document is about (a prescription's, a result's): YYYY-MM-DD. */
export const documentDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'La date doit être une date (AAAA-MM-JJ).' })
  .refine(isCalendarDay, { error: 'La date n’est pas une date valide.' })
  .refine((s) => s >= '1900-01-01' && s <= '2100-12-31', {
    error: 'La date doit être comprise entre 1900 et 2100.',
  });

/**
 * The form fields sent before the file in one upload (multipart/form-data). Missing title: the
 * file's name; missing kind: photo for an image, autre otherwise; missing date: today (Paris).
 */
export const uploadFieldsSchema = z.strictObject({
  clientId: clientIdSchema,
  title: z
    .string()
    .trim()
    .max(DOCUMENT_LIMITS.titleMax, {
      error: `Le titre ne peut pas dépasser ${DOCUMENT_LIMITS.titleMax} caractères.`,
    })
    .optional(),
  kind: z.enum(DOCUMENT_KINDS, { error: 'Choisissez le type de document.' }).optional(),
  date: documentDateSchema.optional(),
});
export type UploadFields = z.output<typeof uploadFieldsSchema>;

export const documentListQuerySchema = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS).optional(),
});

export interface DocumentView {
  id: string;
  teamId: string;
  title: string;
  kind: DocumentKind;
  /** The day it is about, YYYY-MM-DD. */
  date: string;
  /** As sent, for the download's name (its extension always matches `mime`). */
  fileName: string;
  /** What is served: a re-encoded image type, or application/pdf. */
  mime: string;
  /** Bytes of the stored file. */
  size: number;
  /** Pixels of a stored image (upright); null for a PDF. */
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  addedBy: ProfessionalRef;
  addedAt: string;
}

/**
 * Whether a member may remove a document: its author, or a manager, on a writable team (the
 * policy's `can` flags of the team view). The server asks the same policy.
 */
export function canRemoveDocument(
  doc: Pick<DocumentView, 'addedBy'>,
  meId: string,
  can: { 'document.remove': boolean; 'document.remove.any': boolean },
): boolean {
  return can['document.remove.any'] || (can['document.remove'] && doc.addedBy.id === meId);
}

/** A message's attachment; `document` is null once it was removed ("pièce jointe retirée"). */
export interface MessageAttachment {
  id: string;
  document: DocumentView | null;
}

/** Live: a document was added, or removed (every member's list and conversation follow). */
export type DocumentChange =
  { teamId: string; document: DocumentView } | { teamId: string; removedId: string };

/** Where a document's bytes are read: the file itself, or its thumbnail (images). */
export const documentPaths = {
  list: (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/documents`,
  file: (teamId: string, id: string) =>
    `/api/teams/${encodeURIComponent(teamId)}/documents/${encodeURIComponent(id)}/file`,
  download: (teamId: string, id: string) =>
    `/api/teams/${encodeURIComponent(teamId)}/documents/${encodeURIComponent(id)}/file?download=1`,
  thumbnail: (teamId: string, id: string) =>
    `/api/teams/${encodeURIComponent(teamId)}/documents/${encodeURIComponent(id)}/thumbnail`,
};

export const attachmentIdsSchema = z.array(objectId).max(DOCUMENT_LIMITS.perMessage);

/** Sizes as people read them, in French: "820 Ko", "4,2 Mo". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} Ko`;
  const mb = n / (1024 * 1024);
  return `${mb.toLocaleString('fr-FR', { maximumFractionDigits: mb < 10 ? 1 : 0 })} Mo`;
}
