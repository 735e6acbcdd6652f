import { z } from 'zod';

/**
 * The inclusion grid as data (docs/patient-file.md, "The inclusion grid"): a versioned
 * definition of its factors, each with its severity levels and their points, the scale (maximum
 * and threshold) with and without pregnancy, and the eligibility categories that are its
 * prerequisite. The code never names a factor: it scores whatever definition is in force, the
 * shipped one (`escap-unps-2025.ts`) or a file a deployment loads (`INCLUSION_GRID_FILE`).
 */

/** The four situations of the avenant; one of them is the prerequisite of any scoring. */
export const GRID_CATEGORIES = [
  'polypathologie_65',
  'soins_palliatifs',
  'avc_hospitalisation',
  'diabete_insuline',
] as const;
export type GridCategory = (typeof GRID_CATEGORIES)[number];

/**
 * How much of a factor is sourced: its name is in the published descriptions of the grid
 * (`publie`), in an earlier UNPS draft only (`version_anterieure`), or in neither (`a_valider`).
 */
export const FACTOR_SOURCES = ['publie', 'version_anterieure', 'a_valider'] as const;
export type FactorSource = (typeof FACTOR_SOURCES)[number];
export const FACTOR_SOURCE_LABELS: Record<FactorSource, string> = {
  publie: 'Facteur publié',
  version_anterieure: 'Facteur d’une version antérieure',
  a_valider: 'À valider',
};

const id = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, {
  error: 'identifiant: minuscules, chiffres et _ (40 au plus)',
});
const label = z.string().trim().min(1).max(200);

const levelSchema = z.strictObject({
  id,
  label,
  points: z.number().int().min(0).max(20),
});

const factorSchema = z.strictObject({
  id,
  label,
  /** Shown under the factor's name: what the professional assesses. */
  help: z.string().trim().max(300).optional(),
  source: z.enum(FACTOR_SOURCES),
  /** Whether the levels and their points are published (false: "à valider"). */
  levelsPublished: z.boolean(),
  /** Scored only for a pregnant patient (the 28-point scale). */
  pregnancyOnly: z.boolean().default(false),
  levels: z.array(levelSchema).min(2).max(10),
});

const scaleSchema = z.strictObject({
  max: z.number().int().min(1).max(200),
  threshold: z.number().int().min(1).max(200),
});

export const gridDefinitionSchema = z
  .strictObject({
    /** Stored with every inclusion: the version the points were given with. */
    version: z.string().trim().min(1).max(40),
    title: label,
    /** Who built and validated it, as published. */
    origin: z.string().trim().max(300),
    /** Said to users wherever the grid is shown when anything in it is "à valider". */
    notice: z.string().trim().max(500).optional(),
    categories: z
      .array(z.strictObject({ id: z.enum(GRID_CATEGORIES), label }))
      .min(1)
      .max(GRID_CATEGORIES.length),
    factors: z.array(factorSchema).min(1).max(60),
    scale: scaleSchema,
    pregnancyScale: scaleSchema,
  })
  .superRefine((grid, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      ids.forEach((x, i) => {
        if (seen.has(x)) issue(`identifiant en double: ${x}`, [path, i, 'id']);
        seen.add(x);
      });
    };
    unique(
      grid.categories.map((c) => c.id),
      'categories',
    );
    unique(
      grid.factors.map((f) => f.id),
      'factors',
    );
    grid.factors.forEach((f, i) =>
      unique(
        f.levels.map((l) => l.id),
        `factors.${i}.levels`,
      ),
    );
    // The scale must be the sum of the factors' highest levels: a maximum that no answer can
    // reach, or one that answers can pass, is a definition error, not a setting.
    const top = (pregnancy: boolean) =>
      grid.factors
        .filter((f) => pregnancy || !f.pregnancyOnly)
        .reduce((sum, f) => sum + Math.max(...f.levels.map((l) => l.points)), 0);
    if (top(false) !== grid.scale.max)
      issue(`le maximum (${grid.scale.max}) n'est pas la somme des facteurs (${top(false)})`, [
        'scale',
        'max',
      ]);
    if (top(true) !== grid.pregnancyScale.max)
      issue(
        `le maximum avec grossesse (${grid.pregnancyScale.max}) n'est pas la somme des facteurs (${top(true)})`,
        ['pregnancyScale', 'max'],
      );
    for (const key of ['scale', 'pregnancyScale'] as const)
      if (grid[key].threshold > grid[key].max)
        issue('le seuil dépasse le maximum', [key, 'threshold']);
  });

export type GridDefinition = z.output<typeof gridDefinitionSchema>;
export type GridDefinitionInput = z.input<typeof gridDefinitionSchema>;
export type GridFactor = GridDefinition['factors'][number];
export type GridLevel = GridFactor['levels'][number];

/** A definition file as a deployment gives it: the first problem as `path: message`. */
export function parseGridDefinition(
  data: unknown,
): { ok: true; grid: GridDefinition } | { ok: false; problems: string[] } {
  const parsed = gridDefinitionSchema.safeParse(data);
  if (parsed.success) return { ok: true, grid: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(racine)'}: ${i.message}`),
  };
}
