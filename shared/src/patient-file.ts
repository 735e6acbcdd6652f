import { z } from 'zod';
import type { ProfessionalRef } from './views.js';

/**
 * The structured patient file (docs/patient-file.md, "The structured file"): six parts, each a
 * list of entries, every entry with the member who last wrote it and when. Everything here is
 * health data: it goes to current members only, never to logs, audit details, notifications or
 * push payloads (which carry an entry id at most).
 */
export const FILE_PARTS = ['treatment', 'allergy', 'history', 'carer', 'wish', 'contact'] as const;
export type FilePart = (typeof FILE_PARTS)[number];

export const FILE_PART_LABELS: Record<FilePart, string> = {
  treatment: 'Traitements en cours',
  allergy: 'Allergies et intolérances',
  history: 'Antécédents',
  carer: 'Aidants et proches',
  wish: 'Objectifs et souhaits du patient',
  contact: 'Contacts utiles',
};

export const FILE_LIMITS = {
  shortMax: 200,
  textMax: 2000,
  /** Entries per part and team: a file, not a store. */
  entriesPerPart: 200,
} as const;

const required = (label: string, max: number = FILE_LIMITS.shortMax) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, { error: `${label} est obligatoire.` })
    .max(max, { error: `${label} ne peut pas dépasser ${max} caractères.` });

/** Empty means none (a cleared field). */
const optional = (label: string, max: number = FILE_LIMITS.shortMax) =>
  z
    .string({ error: `${label} doit être un texte.` })
    .trim()
    .max(max, { error: `${label} ne peut pas dépasser ${max} caractères.` })
    .optional()
    .transform((s) => (s === undefined || s === '' ? undefined : s));

const phone = z
  .string({ error: 'Le téléphone doit être un texte.' })
  .trim()
  .max(30, { error: 'Le numéro de téléphone est trop long.' })
  .refine((s) => s === '' || /^[+\d][\d .-]*$/.test(s), {
    error: "Le numéro de téléphone n'est pas valide.",
  })
  .optional()
  .transform((s) => (s === undefined || s === '' ? undefined : s));

export const ALLERGY_KINDS = ['allergie', 'intolerance'] as const;
export const ALLERGY_KIND_LABELS: Record<(typeof ALLERGY_KINDS)[number], string> = {
  allergie: 'Allergie',
  intolerance: 'Intolérance',
};
export const CONTACT_KINDS = ['pharmacie', 'hopital', 'laboratoire', 'autre'] as const;
export const CONTACT_KIND_LABELS: Record<(typeof CONTACT_KINDS)[number], string> = {
  pharmacie: 'Pharmacie',
  hopital: 'Service hospitalier',
  laboratoire: 'Laboratoire',
  autre: 'Autre',
};

/** The fields of each part; `note` is the free text every part allows. */
export const FILE_FIELDS = {
  treatment: z.strictObject({
    name: required('Le médicament'),
    dosage: optional('La posologie'),
    since: optional('La date de début', 40),
    prescriber: optional('Le prescripteur'),
    note: optional('Le commentaire', FILE_LIMITS.textMax),
  }),
  allergy: z.strictObject({
    substance: required('La substance'),
    kind: z.enum(ALLERGY_KINDS, { error: 'Choisissez allergie ou intolérance.' }),
    reaction: optional('La réaction'),
    note: optional('Le commentaire', FILE_LIMITS.textMax),
  }),
  history: z.strictObject({
    label: required("L'antécédent"),
    when: optional('La date', 40),
    note: optional('Le commentaire', FILE_LIMITS.textMax),
  }),
  carer: z.strictObject({
    name: required('Le nom'),
    role: required('Le lien avec le patient'),
    phone,
    mayCall: z.boolean({ error: 'Indiquez si la personne peut être appelée.' }),
    note: optional('Le commentaire', FILE_LIMITS.textMax),
  }),
  wish: z.strictObject({
    text: required("L'objectif ou le souhait", FILE_LIMITS.textMax),
  }),
  contact: z.strictObject({
    kind: z.enum(CONTACT_KINDS, { error: 'Choisissez le type de contact.' }),
    name: required('Le nom'),
    phone,
    note: optional('Le commentaire', FILE_LIMITS.textMax),
  }),
} as const satisfies Record<FilePart, z.ZodType>;

export type FileFields<P extends FilePart = FilePart> = z.output<(typeof FILE_FIELDS)[P]>;

/** One entry to add: its part and that part's fields. */
export const addFileEntrySchema = z.discriminatedUnion(
  'part',
  [
    z.strictObject({ part: z.literal('treatment'), fields: FILE_FIELDS.treatment }),
    z.strictObject({ part: z.literal('allergy'), fields: FILE_FIELDS.allergy }),
    z.strictObject({ part: z.literal('history'), fields: FILE_FIELDS.history }),
    z.strictObject({ part: z.literal('carer'), fields: FILE_FIELDS.carer }),
    z.strictObject({ part: z.literal('wish'), fields: FILE_FIELDS.wish }),
    z.strictObject({ part: z.literal('contact'), fields: FILE_FIELDS.contact }),
  ],
  { error: 'Choisissez la partie du dossier.' },
);
export type AddFileEntry = z.output<typeof addFileEntrySchema>;

/** The version the client last saw: a write on an older one is refused (no lost update). */
const version = z
  .number({ error: 'La version est obligatoire.' })
  .int({ error: 'Version invalide.' })
  .min(0, { error: 'Version invalide.' });

/** An edit replaces the entry's fields (checked against its part by the server). */
export const updateFileEntrySchema = z.strictObject({
  version,
  fields: z.record(z.string(), z.unknown(), { error: 'Les informations sont obligatoires.' }),
});
export type UpdateFileEntry = z.output<typeof updateFileEntrySchema>;

export const deleteFileEntryQuerySchema = z.object({ version: z.coerce.number().pipe(version) });

export interface FileEntryView {
  id: string;
  teamId: string;
  part: FilePart;
  /** The part's fields as stored (`FileFields<part>` without its absent optional ones). */
  fields: Record<string, string | boolean>;
  createdBy: ProfessionalRef;
  createdAt: string;
  /** The member who last wrote it, and when. */
  updatedBy: ProfessionalRef;
  updatedAt: string;
  version: number;
}

/** `file:changed`: an entry added or changed (its view), or removed (its id). */
export type FileChange =
  { teamId: string; entry: FileEntryView } | { teamId: string; deletedId: string };
