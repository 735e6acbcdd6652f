import { describe, expect, it } from 'vitest';
import { GRID_CATEGORIES, parseGridDefinition, type GridDefinitionInput } from './definition.js';
import { ESCAP_UNPS_2025 } from './escap-unps-2025.js';
import { scoreGrid } from './score.js';

const grid = ESCAP_UNPS_2025;

/** The 13 factors of the standard scale, written out here rather than read from the grid. */
const STANDARD = [
  'age',
  'poids',
  'pathologies',
  'medicaments',
  'vulnerabilite',
  'aidants',
  'mobilite',
  'chirurgie',
  'hospitalisations',
  'continence',
  'cognition',
  'autonomie',
  'intervenants',
];

const all = (level: string, ids = STANDARD) => Object.fromEntries(ids.map((f) => [f, level]));

describe('the shipped grid keeps the published facts', () => {
  it('has the four eligibility categories as prerequisite', () => {
    expect(grid.categories.map((c) => c.id)).toEqual([...GRID_CATEGORIES]);
    expect(GRID_CATEGORIES).toHaveLength(4);
  });

  it('scores 13 of 26, and 14 of 28 for a pregnant patient, with 14 factors in all', () => {
    expect(grid.scale).toEqual({ max: 26, threshold: 13 });
    expect(grid.pregnancyScale).toEqual({ max: 28, threshold: 14 });
    expect(grid.factors).toHaveLength(14);
    expect(grid.factors.filter((f) => !f.pregnancyOnly).map((f) => f.id)).toEqual(STANDARD);
  });

  it('names the published factors as published, and marks every unpublished level', () => {
    const published = grid.factors.filter((f) => f.source === 'publie').map((f) => f.id);
    expect(published).toEqual(
      expect.arrayContaining(['age', 'poids', 'pathologies', 'medicaments', 'vulnerabilite']),
    );
    expect(published).toEqual(expect.arrayContaining(['aidants', 'mobilite']));
    expect(grid.factors.every((f) => !f.levelsPublished)).toBe(true);
    expect(grid.notice).toMatch(/à valider/);
  });
});

describe('scoreGrid against hand-counted answers', () => {
  // Each expectation is counted by hand from the levels' points (absent 0, modéré 1, sévère 2).
  it.each([
    ['nothing ticked', {}, false, { score: 0, complete: false, reached: false }],
    ['all absent', all('absent'), false, { score: 0, complete: true, reached: false }],
    ['all moderate: 13, exactly the threshold', all('modere'), false, { score: 13, reached: true }],
    ['all severe: 26', all('severe'), false, { score: 26, reached: true }],
    [
      'three severe, none else: 6',
      { ...all('absent'), age: 'severe', poids: 'severe', pathologies: 'severe' },
      false,
      { score: 6, reached: false },
    ],
    [
      'six severe and one moderate: 13',
      {
        ...all('absent'),
        age: 'severe',
        poids: 'severe',
        pathologies: 'severe',
        medicaments: 'severe',
        vulnerabilite: 'severe',
        aidants: 'severe',
        mobilite: 'modere',
      },
      false,
      { score: 13, reached: true },
    ],
    [
      'pregnant, all moderate: 14 of 28, exactly the threshold',
      { ...all('modere'), grossesse: 'modere' },
      true,
      { score: 14, max: 28, threshold: 14, reached: true },
    ],
    [
      'pregnant, 13 of 28 is below 14',
      { ...all('modere'), grossesse: 'absent' },
      true,
      { score: 13, max: 28, threshold: 14, reached: false },
    ],
    [
      'pregnant without the pregnancy factor: incomplete',
      all('severe'),
      true,
      { score: 26, complete: false, missing: ['grossesse'], reached: false },
    ],
  ] as const)('%s', (_name, answers, pregnant, expected) => {
    expect(scoreGrid(grid, answers, pregnant)).toMatchObject(expected);
  });

  it('gives every factor its points, in the grid order', () => {
    const result = scoreGrid(grid, { ...all('absent'), mobilite: 'severe', age: 'modere' }, false);
    expect(result.factors).toHaveLength(13);
    expect(result.factors[0]).toEqual({ factorId: 'age', levelId: 'modere', points: 1 });
    expect(result.factors.find((f) => f.factorId === 'mobilite')?.points).toBe(2);
    expect(result.factors.map((f) => f.factorId)).toEqual(STANDARD);
  });

  it('refuses unknown factors, unknown levels, and the pregnancy factor when not pregnant', () => {
    expect(scoreGrid(grid, { ...all('absent'), taille: 'modere' }, false)).toMatchObject({
      complete: false,
      unknown: ['taille'],
    });
    expect(scoreGrid(grid, { ...all('absent'), age: 'extreme' }, false)).toMatchObject({
      complete: false,
      unknown: ['age'],
      missing: [],
    });
    expect(scoreGrid(grid, { ...all('severe'), grossesse: 'severe' }, false)).toMatchObject({
      score: 26,
      unknown: ['grossesse'],
      reached: false,
    });
    // A prototype key is not an answer.
    expect(scoreGrid(grid, JSON.parse('{"__proto__":"x"}') as never, false).missing).toHaveLength(
      13,
    );
  });
});

describe('another definition file', () => {
  const small: GridDefinitionInput = {
    version: 'locale-1',
    title: 'Grille locale',
    origin: 'Test',
    categories: [{ id: 'soins_palliatifs', label: 'Soins palliatifs' }],
    factors: [
      {
        id: 'a',
        label: 'A',
        source: 'a_valider',
        levelsPublished: false,
        levels: [
          { id: 'non', label: 'Non', points: 0 },
          { id: 'oui', label: 'Oui', points: 3 },
        ],
      },
      {
        id: 'g',
        label: 'G',
        source: 'a_valider',
        levelsPublished: false,
        pregnancyOnly: true,
        levels: [
          { id: 'non', label: 'Non', points: 0 },
          { id: 'oui', label: 'Oui', points: 1 },
        ],
      },
    ],
    scale: { max: 3, threshold: 2 },
    pregnancyScale: { max: 4, threshold: 3 },
  };

  it('is scored by the same rule', () => {
    const parsed = parseGridDefinition(small);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(scoreGrid(parsed.grid, { a: 'oui' }, false)).toMatchObject({ score: 3, reached: true });
    expect(scoreGrid(parsed.grid, { a: 'oui', g: 'non' }, true)).toMatchObject({
      score: 3,
      max: 4,
      reached: true,
    });
  });

  it('is refused when its maximum is not the sum of its factors, or its ids repeat', () => {
    const wrongMax = parseGridDefinition({ ...small, scale: { max: 26, threshold: 13 } });
    expect(wrongMax).toMatchObject({ ok: false });
    if (!wrongMax.ok) expect(wrongMax.problems[0]).toMatch(/^scale\.max: /);
    const twice = parseGridDefinition({
      ...small,
      factors: [small.factors[0], small.factors[0], small.factors[1]],
      scale: { max: 6, threshold: 2 },
      pregnancyScale: { max: 7, threshold: 3 },
    });
    expect(twice).toMatchObject({ ok: false });
    expect(
      parseGridDefinition({ ...small, categories: [{ id: 'autre', label: 'x' }] }),
    ).toMatchObject({ ok: false });
  });
});
