import { createHash } from 'node:crypto';
import { RPPS_PATTERN } from '../../../shared/src/ids.js';
import {
  hasForbiddenNameCharacter,
  hasLoneSurrogate,
  nameWords,
  normalizeName,
} from '../../../shared/src/text.js';

/**
 * The layout of "PS_LibreAcces_Personne_activite", the main file of the Annuaire Santé's
 * public extract (docs/identity.md, "Directory", has the whole description): UTF-8 text, one
 * header line, fields separated by `|`, each line ended by a `|` too, one line per
 * professional and practice situation. Columns are found by their header name, never by
 * position: the publisher adds columns from time to time.
 */
export const PUBLISHED_HEADER = [
  "Type d'identifiant PP",
  'Identifiant PP',
  'Identification nationale PP',
  "Code civilité d'exercice",
  "Libellé civilité d'exercice",
  'Code civilité',
  'Libellé civilité',
  "Nom d'exercice",
  "Prénom d'exercice",
  'Code profession',
  'Libellé profession',
  'Code catégorie professionnelle',
  'Libellé catégorie professionnelle',
  'Code type savoir-faire',
  'Libellé type savoir-faire',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Code mode exercice',
  'Libellé mode exercice',
  'Numéro SIRET site',
  'Numéro SIREN site',
  'Numéro FINESS site',
  'Numéro FINESS établissement juridique',
  'Identifiant technique de la structure',
  'Raison sociale site',
  'Enseigne commerciale site',
  'Complément destinataire (coord. structure)',
  'Complément point géographique (coord. structure)',
  'Numéro Voie (coord. structure)',
  'Indice répétition voie (coord. structure)',
  'Code type de voie (coord. structure)',
  'Libellé type de voie (coord. structure)',
  'Libellé Voie (coord. structure)',
  'Mention distribution (coord. structure)',
  'Bureau cedex (coord. structure)',
  'Code postal (coord. structure)',
  'Code commune (coord. structure)',
  'Libellé commune (coord. structure)',
  'Code pays (coord. structure)',
  'Libellé pays (coord. structure)',
  'Téléphone (coord. structure)',
  'Téléphone 2 (coord. structure)',
  'Télécopie (coord. structure)',
  'Adresse e-mail (coord. structure)',
  'Code Département (structure)',
  'Libellé Département (structure)',
  'Ancien identifiant de la structure',
  "Autorité d'enregistrement",
  "Code secteur d'activité",
  "Libellé secteur d'activité",
  'Code section tableau pharmaciens',
  'Libellé section tableau pharmaciens',
  'Code rôle',
  'Libellé rôle',
  'Code genre activité',
  'Libellé genre activité',
] as const;

/** The columns the importer reads; the first six are required. */
const COLUMNS = {
  idType: "Type d'identifiant PP",
  id: 'Identifiant PP',
  lastName: "Nom d'exercice",
  firstName: "Prénom d'exercice",
  professionCode: 'Code profession',
  professionLabel: 'Libellé profession',
  postalCode: 'Code postal (coord. structure)',
  city: 'Libellé commune (coord. structure)',
  structure: 'Identifiant technique de la structure',
} as const;
const REQUIRED: readonly (keyof typeof COLUMNS)[] = [
  'idType',
  'id',
  'lastName',
  'firstName',
  'professionCode',
  'professionLabel',
];

/** "Type d'identifiant PP" of an RPPS number (0 is ADELI, which is no RPPS). */
export const RPPS_ID_TYPE = '8';

export type ColumnMap = Record<keyof typeof COLUMNS, number>;

/** Header names compared without case, accents, BOM or surrounding spaces. */
const headerKey = (name: string) =>
  name
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’`]/g, "'")
    .trim()
    .toLowerCase();

export class DirectoryFormatError extends Error {
  override name = 'DirectoryFormatError';
}

/** Finds each column by its header name; throws naming the required ones missing. */
export function mapHeader(line: string): ColumnMap {
  const index = new Map(splitLine(line).map((name, i) => [headerKey(name), i]));
  const map = {} as ColumnMap;
  const missing: string[] = [];
  for (const [key, name] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    const i = index.get(headerKey(name));
    map[key] = i ?? -1;
    if (i === undefined && REQUIRED.includes(key)) missing.push(name);
  }
  if (missing.length > 0) {
    throw new DirectoryFormatError(
      `not a PS_LibreAcces_Personne_activite file: missing column(s) ${missing.join(', ')}`,
    );
  }
  return map;
}

/** Fields of a line: `|`-separated, the final `|` of each line ends the last field. */
export function splitLine(line: string): string[] {
  const fields = line.replace(/\r$/, '').split('|');
  if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

export interface DirectoryRecord {
  key: string;
  rpps: string;
  lastName: string;
  firstName: string;
  professionCode: string;
  professionLabel: string;
  postalCode: string;
  city: string;
  words: string[];
}

export type LineOutcome =
  { kind: 'record'; record: DirectoryRecord } | { kind: 'skipped'; reason: 'not_rpps' | 'invalid' };

const field = (fields: string[], i: number) => (i >= 0 ? (fields[i] ?? '').trim() : '');

/** Text from the file: refused if it holds what names may not hold, NFC otherwise. */
const clean = (s: string): string | null =>
  hasLoneSurrogate(s) || hasForbiddenNameCharacter(s) ? null : normalizeName(s);

/** Reads one data line with the header's column map. */
export function readLine(line: string, columns: ColumnMap): LineOutcome {
  const fields = splitLine(line);
  if (field(fields, columns.idType) !== RPPS_ID_TYPE)
    return { kind: 'skipped', reason: 'not_rpps' };
  const rpps = field(fields, columns.id);
  const lastName = clean(field(fields, columns.lastName));
  const firstName = clean(field(fields, columns.firstName));
  const professionCode = field(fields, columns.professionCode);
  const professionLabel = clean(field(fields, columns.professionLabel));
  const city = clean(field(fields, columns.city));
  const postalCode = field(fields, columns.postalCode);
  if (
    !RPPS_PATTERN.test(rpps) ||
    !lastName ||
    firstName === null ||
    !/^\d{1,4}$/.test(professionCode) ||
    professionLabel === null ||
    city === null ||
    !/^[\dAB]{0,5}$/.test(postalCode)
  ) {
    return { kind: 'skipped', reason: 'invalid' };
  }
  const structure = field(fields, columns.structure);
  const key = createHash('sha256')
    .update(
      [
        rpps,
        lastName,
        firstName,
        professionCode,
        professionLabel,
        postalCode,
        city,
        structure,
      ].join('|'),
    )
    .digest('base64url');
  return {
    kind: 'record',
    record: {
      key,
      rpps,
      lastName,
      firstName,
      professionCode,
      professionLabel,
      postalCode,
      city,
      words: [...new Set([...nameWords(lastName), ...nameWords(firstName)])],
    },
  };
}
