import {
  ALLERGY_KIND_LABELS,
  CONTACT_KIND_LABELS,
  FILE_FIELDS,
  type FileChange,
  type FileEntryView,
  type FilePart,
} from '../../../../shared/src/patient-file.js';

/** How the form shows one field of a part (the shared schema checks what is typed). */
export type FieldSpec =
  | { key: string; label: string; kind: 'text' | 'textarea' | 'tel'; required?: boolean }
  | {
      key: string;
      label: string;
      kind: 'select';
      options: { value: string; label: string }[];
      required: true;
    }
  | { key: string; label: string; kind: 'checkbox' };

const options = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

const note = { key: 'note', label: 'Commentaire (texte libre)', kind: 'textarea' } as const;

export const PART_FIELDS: Record<FilePart, FieldSpec[]> = {
  treatment: [
    { key: 'name', label: 'Médicament', kind: 'text', required: true },
    { key: 'dosage', label: 'Posologie', kind: 'text' },
    { key: 'since', label: 'Depuis', kind: 'text' },
    { key: 'prescriber', label: 'Prescripteur', kind: 'text' },
    note,
  ],
  allergy: [
    { key: 'substance', label: 'Substance', kind: 'text', required: true },
    {
      key: 'kind',
      label: 'Type',
      kind: 'select',
      options: options(ALLERGY_KIND_LABELS),
      required: true,
    },
    { key: 'reaction', label: 'Réaction', kind: 'text' },
    note,
  ],
  history: [
    { key: 'label', label: 'Antécédent', kind: 'text', required: true },
    { key: 'when', label: 'Date ou année', kind: 'text' },
    note,
  ],
  carer: [
    { key: 'name', label: 'Nom', kind: 'text', required: true },
    { key: 'role', label: 'Lien avec le patient', kind: 'text', required: true },
    { key: 'phone', label: 'Téléphone', kind: 'tel' },
    { key: 'mayCall', label: 'Peut être appelé(e) par l’équipe', kind: 'checkbox' },
    note,
  ],
  wish: [{ key: 'text', label: 'Objectif ou souhait', kind: 'textarea', required: true }],
  contact: [
    {
      key: 'kind',
      label: 'Type de contact',
      kind: 'select',
      options: options(CONTACT_KIND_LABELS),
      required: true,
    },
    { key: 'name', label: 'Nom', kind: 'text', required: true },
    { key: 'phone', label: 'Téléphone', kind: 'tel' },
    note,
  ],
};

/** The form's values: strings as typed, booleans for checkboxes. */
export type EntryValues = Record<string, string | boolean>;

export function emptyValues(part: FilePart): EntryValues {
  return Object.fromEntries(
    PART_FIELDS[part].map((f) => [f.key, f.kind === 'checkbox' ? false : '']),
  );
}

export function valuesOf(entry: FileEntryView): EntryValues {
  const fields = entry.fields;
  return Object.fromEntries(
    PART_FIELDS[entry.part].map((f) => {
      const v = fields[f.key];
      return [f.key, f.kind === 'checkbox' ? v === true : typeof v === 'string' ? v : ''];
    }),
  );
}

/** What is sent: blank optional texts and an unchosen select are left out. */
export function fieldsInput(part: FilePart, values: EntryValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of PART_FIELDS[part]) {
    const v = values[spec.key];
    if (spec.kind === 'checkbox') out[spec.key] = v === true;
    else if (typeof v !== 'string' || v.trim() === '') {
      // A required text is sent empty: the schema answers its "est obligatoire".
      if (spec.kind !== 'select' && spec.required) out[spec.key] = '';
    } else out[spec.key] = v;
  }
  return out;
}

/** The first error of each field, by key, from the part's shared schema. */
export function checkFields(part: FilePart, values: EntryValues): Record<string, string> {
  const result = FILE_FIELDS[part].safeParse(fieldsInput(part, values));
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** One line that says what the entry is, as a member reads the file. */
export function entryTitle(entry: FileEntryView): string {
  const f: Record<string, string | boolean | undefined> = entry.fields;
  const join = (...parts: (string | boolean | undefined)[]) =>
    parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' — ');
  switch (entry.part) {
    case 'treatment':
      return join(f.name, f.dosage);
    case 'allergy':
      return join(
        f.substance,
        ALLERGY_KIND_LABELS[f.kind as keyof typeof ALLERGY_KIND_LABELS],
        f.reaction,
      );
    case 'history':
      return join(f.label, f.when);
    case 'carer':
      return join(f.name, f.role);
    case 'wish':
      return join(f.text);
    case 'contact':
      return join(CONTACT_KIND_LABELS[f.kind as keyof typeof CONTACT_KIND_LABELS], f.name);
  }
}

/** The details under the title: what the title does not say. */
export function entryDetails(entry: FileEntryView): string[] {
  const f: Record<string, string | boolean | undefined> = entry.fields;
  const out: string[] = [];
  if (entry.part === 'treatment') {
    if (f.since) out.push(`Depuis ${String(f.since)}`);
    if (f.prescriber) out.push(`Prescrit par ${String(f.prescriber)}`);
  }
  if (entry.part === 'carer' || entry.part === 'contact') {
    if (f.phone) out.push(`Tél. ${String(f.phone)}`);
  }
  if (entry.part === 'carer')
    out.push(f.mayCall ? 'Peut être appelé(e)' : 'Ne pas appeler sans accord');
  if (typeof f.note === 'string' && f.note) out.push(f.note);
  return out;
}

/** Keeps the newer of two views of an entry (events and answers may arrive in any order). */
export function applyFileChange(entries: readonly FileEntryView[], change: FileChange) {
  if ('deletedId' in change) return entries.filter((e) => e.id !== change.deletedId);
  const current = entries.find((e) => e.id === change.entry.id);
  if (!current) return [...entries, change.entry];
  if (current.version > change.entry.version) return [...entries];
  return entries.map((e) => (e.id === change.entry.id ? change.entry : e));
}
