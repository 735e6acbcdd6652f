import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridDefinitionInput } from '../../shared/src/grid/definition.js';
import { ESCAP_UNPS_2025 } from '../../shared/src/grid/escap-unps-2025.js';
import type { TeamView } from '../../shared/src/views.js';
import { ConfigError, parseConfig } from '../../server/src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ErrorBody } from '../helpers/http.js';
import {
  activeTeam,
  answersScoring,
  buildCreateTeam,
  buildInclusion,
  createTeam,
  expectError,
  expectStatus,
  getSettings,
  signUpPro,
} from '../teamFactories.js';

/** A deployment's own grid: two factors, 5 points (6 with pregnancy), threshold 4 (5). */
const LOCAL: GridDefinitionInput = {
  version: 'locale-2027',
  title: 'Grille locale',
  origin: 'Déploiement de test',
  categories: [{ id: 'soins_palliatifs', label: 'Soins palliatifs' }],
  factors: [
    {
      id: 'douleur',
      label: 'Douleur',
      source: 'a_valider',
      levelsPublished: false,
      levels: [
        { id: 'non', label: 'Non', points: 0 },
        { id: 'forte', label: 'Forte', points: 3 },
      ],
    },
    {
      id: 'isolement',
      label: 'Isolement',
      source: 'a_valider',
      levelsPublished: false,
      levels: [
        { id: 'non', label: 'Non', points: 0 },
        { id: 'oui', label: 'Oui', points: 2 },
      ],
    },
    {
      id: 'grossesse',
      label: 'Grossesse',
      source: 'a_valider',
      levelsPublished: false,
      pregnancyOnly: true,
      levels: [
        { id: 'non', label: 'Non', points: 0 },
        { id: 'oui', label: 'Oui', points: 1 },
      ],
    },
  ],
  scale: { max: 5, threshold: 4 },
  pregnancyScale: { max: 6, threshold: 5 },
};

function gridFile(content: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'escap-grid-'));
  const file = path.join(dir, 'grille.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const count = (name: string) => t.db.collection(name).countDocuments();

describe('the guided inclusion grid', () => {
  it('is served with the settings, and each inclusion stores its version and every factor', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const settings = await getSettings(doctor);
    expect(settings.grid).toEqual(ESCAP_UNPS_2025);
    // Ten factors at 2 points and three at 0 (20), then medicaments lowered to 1: 19.
    const { team } = await createTeam(doctor, {
      inclusion: buildInclusion({ answers: { ...answersScoring(20), medicaments: 'modere' } }),
    });
    expect(team.inclusions[0]!.score).toBe(19);
    const stored = await t.db
      .collection('inclusions')
      .findOne({ teamId: new Types.ObjectId(team.id) });
    expect(stored).toMatchObject({ gridVersion: 'unps-2025-escap-v0', pregnant: false });
    const factors = stored!.factors as { factorId: string; levelId: string; points: number }[];
    expect(factors).toHaveLength(13);
    expect(factors.reduce((s, f) => s + f.points, 0)).toBe(stored!.score);
    expect(team.inclusions[0]!.factors).toEqual(factors);
    expect(factors.find((f) => f.factorId === 'age')).toEqual({
      factorId: 'age',
      levelId: 'severe',
      points: 2,
    });
    expect(factors.find((f) => f.factorId === 'medicaments')?.points).toBe(1);
  });

  it('is scored on 28 with a threshold of 14 for a pregnant patient', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    expectError(
      await doctor.agent.post(
        '/api/teams',
        buildCreateTeam({ inclusion: buildInclusion({ pregnant: true, score: 13 }) }),
      ),
      422,
      'score_below_threshold',
    );
    const { team } = await createTeam(doctor, {
      inclusion: buildInclusion({ pregnant: true, score: 14 }),
    });
    expect(team.inclusions[0]).toMatchObject({
      pregnant: true,
      score: 14,
      threshold: 14,
      gridItems: 28,
    });
    expect(team.inclusions[0]!.factors).toHaveLength(14);
  });

  it.each([
    ['a factor left out', { answers: { ...answersScoring(20), age: undefined } }, 'age'],
    ['an unknown level', { answers: { ...answersScoring(20), mobilite: 'extreme' } }, 'mobilite'],
    ['an unknown factor', { answers: { ...answersScoring(20), taille: 'severe' } }, 'taille'],
    [
      'the pregnancy factor when not pregnant',
      { answers: { ...answersScoring(20, true) } },
      'grossesse',
    ],
  ])('refuses %s with 422 grid_incomplete, writing nothing', async (_name, over, factor) => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const before = [await count('teams'), await count('inclusions')];
    const answers = Object.fromEntries(
      Object.entries(over.answers).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const res = await doctor.agent.post<ErrorBody>(
      '/api/teams',
      buildCreateTeam({ inclusion: buildInclusion({ answers }) }),
    );
    expectError(res, 422, 'grid_incomplete');
    expect(res.body.error.field).toBe(`inclusion.answers.${factor}`);
    expect(res.body.error.message).toMatch(/Cotez chaque facteur/);
    expect([await count('teams'), await count('inclusions')]).toEqual(before);
  });

  it('refuses a form scored on another grid version (409) and a category outside the grid', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    expectError(
      await doctor.agent.post(
        '/api/teams',
        buildCreateTeam({ inclusion: buildInclusion({ gridVersion: 'ancienne' }) }),
      ),
      409,
      'grid_outdated',
    );
    expectError(
      await doctor.agent.post('/api/teams', {
        ...buildCreateTeam(),
        inclusion: { ...buildInclusion(), category: 'autre' },
      }),
      400,
      'validation_failed',
    );
  });
});

describe('a deployment with its own grid file', () => {
  let local: TestApp;
  beforeAll(async () => {
    // The same database as `t`: the deployment changed its grid between two terms.
    local = await startTestApp({
      env: { INCLUSION_GRID_FILE: gridFile(LOCAL) },
      dbName: t.db.name,
    });
  });
  afterAll(() => local.close());

  it('scores with it, and a renewal re-scores with the grid in force', async () => {
    const { team, creator } = await activeTeam(t);
    expect(team.inclusions[0]!.gridVersion).toBe(ESCAP_UNPS_2025.version);
    const settings = expectStatus(
      await creator.agent.get<{ grid: { version: string } }>(`${local.baseUrl}/api/settings`),
      200,
    );
    expect(settings).toMatchObject({ eligibilityThreshold: 4, gridItems: 5 });
    expect(settings.grid.version).toBe('locale-2027');
    const renew = (inclusion: unknown) =>
      creator.agent.post<{ team: TeamView }>(`${local.baseUrl}/api/teams/${team.id}/renew`, {
        inclusion,
      });
    // The previous term's grid is no longer in force.
    expectError(
      await renew(buildInclusion({ category: 'soins_palliatifs' })),
      409,
      'grid_outdated',
    );
    const base = { category: 'soins_palliatifs', gridVersion: 'locale-2027' };
    expectError(
      await renew({ ...base, answers: { douleur: 'forte', isolement: 'non' } }),
      422,
      'score_below_threshold',
    );
    const { team: renewed } = expectStatus(
      await renew({ ...base, answers: { douleur: 'forte', isolement: 'oui' } }),
      200,
    );
    expect(renewed.inclusions.map((i) => [i.gridVersion, i.score, i.gridItems])).toEqual([
      [ESCAP_UNPS_2025.version, 20, 26],
      ['locale-2027', 5, 5],
    ]);
    expect(renewed.inclusions[1]!.factors).toEqual([
      { factorId: 'douleur', levelId: 'forte', points: 3 },
      { factorId: 'isolement', levelId: 'oui', points: 2 },
    ]);
  });

  it('stops the server at start-up when the file is not a valid grid', () => {
    const bad = (content: unknown) => () =>
      parseConfig({ NODE_ENV: 'test', INCLUSION_GRID_FILE: gridFile(content) });
    expect(bad('{ pas du json')).toThrow(ConfigError);
    expect(bad({ ...LOCAL, scale: { max: 26, threshold: 13 } })).toThrow(
      /INCLUSION_GRID_FILE: scale\.max: /,
    );
    expect(() =>
      parseConfig({ NODE_ENV: 'test', INCLUSION_GRID_FILE: '/nonexistent.json' }),
    ).toThrow(/INCLUSION_GRID_FILE: cannot read/);
  });
});
