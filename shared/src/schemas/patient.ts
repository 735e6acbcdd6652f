import { z } from 'zod';
import { GRID_CATEGORIES } from '../grid/definition.js';
import { isValidNir, normalizeNir } from '../ids.js';
import { nameField } from '../text.js';

const text = (label: string, max = 100) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, { error: `${label} est obligatoire.` })
    .max(max, { error: `${label} est trop long.` });

const isoDate = (label: string) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} doit être une date (AAAA-MM-JJ).` })
    .refine(
      (s) =>
        !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
        new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
      {
        error: `${label} n’est pas une date valide.`,
      },
    );

export const SEXES = ['F', 'M', 'I'] as const;
export const SEX_LABELS: Record<(typeof SEXES)[number], string> = {
  F: 'Féminin',
  M: 'Masculin',
  I: 'Indéterminé',
};

/** INS identity traits (référentiel INS): birth name, first names, sex, birth date, birth place code. */
export const identitySchema = z.strictObject({
  birthName: nameField('Le nom de naissance', 100),
  firstNames: nameField('Les prénoms', 200, {
    missing: 'Les prénoms sont obligatoires.',
    tooLong: 'Les prénoms sont trop longs.',
    invalid: 'Les prénoms contiennent des caractères non autorisés.',
  }),
  usedName: nameField('Le nom d’usage', 100, { required: false }).optional(),
  sex: z.enum(SEXES, { error: 'Choisissez le sexe.' }),
  birthDate: isoDate('La date de naissance').refine(
    (s) => s <= new Date().toISOString().slice(0, 10),
    {
      error: 'La date de naissance est dans le futur.',
    },
  ),
  /** INSEE code of the birth place (commune, or 99xxx for abroad): 5 characters, Corsica 2A/2B. */
  birthPlaceCode: z
    .string({ error: 'Le code du lieu de naissance est obligatoire.' })
    .trim()
    .toUpperCase()
    .regex(/^(?:\d{5}|2A\d{3}|2B\d{3})$/, {
      error: 'Le code du lieu de naissance (INSEE) comporte 5 caractères.',
    }),
});
export type Identity = z.output<typeof identitySchema>;

export const insSchema = z
  .string()
  .transform(normalizeNir)
  .refine(isValidNir, { error: 'Le matricule INS est invalide (15 caractères, clé de contrôle).' });

export const contactSchema = z.strictObject({
  phone: z
    .string()
    .trim()
    .max(30, { error: 'Le numéro de téléphone est trop long.' })
    .regex(/^[+\d][\d .-]*$/, { error: 'Le numéro de téléphone n’est pas valide.' })
    .optional(),
  address: nameField('L’adresse', 300, {
    required: false,
    tooLong: 'L’adresse est trop longue.',
  }).optional(),
});
export type Contact = z.output<typeof contactSchema>;

/**
 * The situations an inclusion names: the four of the grid (`GRID_CATEGORIES`), and `autre`,
 * which inclusions recorded before the guided grid may carry (read, never written again).
 */
export const ELIGIBILITY_CATEGORIES = [...GRID_CATEGORIES, 'autre'] as const;
export type EligibilityCategory = (typeof ELIGIBILITY_CATEGORIES)[number];
export const ELIGIBILITY_LABELS: Record<EligibilityCategory, string> = {
  polypathologie_65: 'Plus de 65 ans polypathologique',
  soins_palliatifs: 'Soins palliatifs',
  avc_hospitalisation: 'AVC avec hospitalisation dans l’année',
  diabete_insuline: 'Diabète insulino-traité',
  autre: 'Autre (motif à préciser)',
};

/**
 * One inclusion scoring on the guided grid: the prerequisite situation, the grid version the
 * form scored with, and the level ticked for each factor. The server scores it again with the
 * grid in force (`shared/src/grid/score.ts`) and stores every factor's points.
 */
export const inclusionSchema = z.strictObject({
  category: z.enum(GRID_CATEGORIES, { error: 'Choisissez la situation du patient.' }),
  gridVersion: text('La version de la grille', 40),
  pregnant: z.boolean({ error: 'Indiquez si la patiente est enceinte.' }).default(false),
  answers: z
    .record(
      z.string().max(40, { error: 'Facteur inconnu.' }),
      z.string().max(40, { error: 'Niveau inconnu.' }),
      { error: 'Cotez chaque facteur de la grille.' },
    )
    .refine((a) => Object.keys(a).length <= 60, { error: 'Trop de réponses.' }),
});
export type Inclusion = z.output<typeof inclusionSchema>;

export const CONSENT_METHODS = ['oral', 'ecrit', 'numerique'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export const CONSENT_LABELS: Record<ConsentMethod, string> = {
  oral: 'Oral',
  ecrit: 'Écrit',
  numerique: 'Numérique',
};

export const consentSchema = z.strictObject({
  date: isoDate('La date du consentement').refine(
    (s) => s <= new Date().toISOString().slice(0, 10),
    {
      error: 'La date du consentement est dans le futur.',
    },
  ),
  method: z.enum(CONSENT_METHODS, { error: 'Indiquez comment le consentement a été recueilli.' }),
});

export const patientUpdateSchema = z.strictObject({
  identity: identitySchema.optional(),
  ins: insSchema.nullable().optional(),
  contact: contactSchema.optional(),
});
