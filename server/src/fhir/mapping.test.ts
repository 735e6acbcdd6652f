import { describe, expect, it } from 'vitest';
import type { TeamView } from '../../../shared/src/views.js';
import { buildBundle, FR_CORE_PATIENT, patientResource } from './mapping.js';

const doctor = {
  id: 'a'.repeat(24),
  firstName: 'Anne',
  lastName: 'Martin',
  profession: 'medecin' as const,
};
const nurse = {
  id: 'c'.repeat(24),
  firstName: 'Paul',
  lastName: 'Leroy',
  profession: 'infirmier' as const,
};
const team = {
  id: 'b'.repeat(24),
  status: 'closed',
  createdAt: '2026-01-02T10:00:00.000Z',
  closure: { at: '2026-06-01T10:00:00.000Z' },
  patient: {
    identity: {
      birthName: 'DUPONT',
      firstNames: 'Marie Louise',
      usedName: 'DURAND',
      sex: 'F',
      birthDate: '1950-03-04',
      birthPlaceCode: '75111',
    },
  },
  consent: {
    date: '2026-01-02',
    method: 'oral',
    recordedBy: doctor,
    recordedAt: '2026-01-02T10:00:00.000Z',
    withdrawnAt: '2026-05-01T10:00:00.000Z',
  },
  members: [
    {
      professional: doctor,
      joinedAt: '2026-01-02T10:00:00.000Z',
      isCreator: true,
      isMedecinTraitant: true,
    },
  ],
} as unknown as TeamView;

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

describe('FHIR mapping', () => {
  it('gives no INS identifier when the patient has no INS, and keeps both names', () => {
    const p = patientResource(team);
    expect(p.identifier).toBeUndefined();
    expect(p.meta).toEqual({ profile: [FR_CORE_PATIENT] });
    expect(p.name).toEqual([
      { use: 'official', family: 'DUPONT', given: ['Marie', 'Louise'] },
      { use: 'usual', family: 'DURAND' },
    ]);
    expect(p.gender).toBe('female');
  });

  it('says a closed team and a withdrawn consent are no longer in force', () => {
    const bundle = buildBundle(
      {
        team,
        formerMembers: [
          {
            professional: nurse,
            joinedAt: '2026-01-03T10:00:00.000Z',
            leftAt: '2026-03-01T10:00:00.000Z',
          },
        ],
        plan: null,
        tasks: [],
        messages: [],
        documents: [],
        documentsUrl: '/d',
        at: team.createdAt,
      },
      uuid,
    );
    const of = (type: string) =>
      bundle.entry.find((e) => e.resource.resourceType === type)!.resource;
    expect(of('CareTeam')).toMatchObject({ status: 'inactive', period: { end: team.closure!.at } });
    // A member who left stays a participant, with the period of their stay.
    expect(of('CareTeam').participant).toEqual([
      expect.objectContaining({ period: { start: '2026-01-02T10:00:00.000Z' } }),
      expect.objectContaining({
        role: [{ text: 'Infirmier·ère' }],
        period: { start: '2026-01-03T10:00:00.000Z', end: '2026-03-01T10:00:00.000Z' },
      }),
    ]);
    expect(of('Consent')).toMatchObject({
      status: 'inactive',
      provision: { period: { start: '2026-01-02', end: '2026-05-01T10:00:00.000Z' } },
    });
    // One Practitioner per professional, however often named.
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'Practitioner')).toHaveLength(2);
  });
});
