import { describe, expect, it } from 'vitest';
import {
  MIN_MEMBERS,
  STATUS_LABELS,
  TEAM_STATUSES,
  activationGaps,
  gapLabel,
  isReadOnly,
  teamStatus,
  termEnd,
  type ActivationFacts,
  type ActivationGap,
  type TeamStatus,
} from './activation.js';

const BOOLS = [false, true] as const;

/** Every combination of the facts, member counts 0..4. */
function allFacts(): ActivationFacts[] {
  const out: ActivationFacts[] = [];
  for (const closed of BOOLS)
    for (const medecinTraitantIsMember of BOOLS)
      for (const consentInForce of BOOLS)
        for (const everActive of BOOLS)
          for (const termEnded of BOOLS)
            for (let memberCount = 0; memberCount <= 4; memberCount++)
              out.push({
                closed,
                memberCount,
                medecinTraitantIsMember,
                consentInForce,
                everActive,
                termEnded,
              });
  return out;
}

/** The rule of docs/domain.md, written independently of the implementation. */
function expectedGaps(f: ActivationFacts): ActivationGap[] {
  if (f.closed) return ['closed'];
  return [
    f.memberCount >= 3 ? null : 'members',
    f.medecinTraitantIsMember ? null : 'medecin_traitant',
    f.consentInForce ? null : 'consent',
    f.termEnded ? 'term_ended' : null,
  ].filter((g): g is ActivationGap => g !== null);
}

function expectedStatus(f: ActivationFacts): TeamStatus {
  if (f.closed) return 'closed';
  const ready = f.memberCount >= 3 && f.medecinTraitantIsMember && f.consentInForce && !f.termEnded;
  if (ready) return 'active';
  return f.everActive ? 'suspended' : 'pending';
}

const base: ActivationFacts = {
  closed: false,
  memberCount: 3,
  medecinTraitantIsMember: true,
  consentInForce: true,
  everActive: false,
  termEnded: false,
};

describe('activation rule: every combination', () => {
  const combos = allFacts();

  it('enumerates 2^5 × 5 = 160 combinations', () => {
    expect(combos).toHaveLength(160);
    expect(new Set(combos.map((f) => JSON.stringify(f))).size).toBe(160);
  });

  it.each(combos.map((f) => [JSON.stringify(f), f] as const))(
    'status and gaps for %s',
    (_label, f) => {
      expect(teamStatus(f)).toBe(expectedStatus(f));
      expect(activationGaps(f)).toEqual(expectedGaps(f));
      // Consistency: active exactly when there is no gap.
      expect(teamStatus(f) === 'active').toBe(activationGaps(f).length === 0);
      expect(isReadOnly(f)).toBe(f.closed || !f.consentInForce);
    },
  );

  it('reaches every status', () => {
    const seen = new Set(combos.map(teamStatus));
    expect([...seen].sort()).toEqual([...TEAM_STATUSES].sort());
  });

  it('counts of each status match the expectation', () => {
    const count = (s: TeamStatus) => combos.filter((f) => teamStatus(f) === s).length;
    // Closed: half of all. Active: counts 3 and 4 × everActive either way, the rest fixed.
    expect(count('closed')).toBe(80);
    expect(count('active')).toBe(2 * 2);
    expect(count('pending') + count('suspended')).toBe(80 - 4);
    expect(count('pending')).toBe(count('suspended'));
  });
});

describe('activation rule: specific cases', () => {
  it('needs at least three members', () => {
    expect(MIN_MEMBERS).toBe(3);
    expect(teamStatus({ ...base, memberCount: 2 })).toBe('pending');
    expect(teamStatus({ ...base, memberCount: 3 })).toBe('active');
    expect(teamStatus({ ...base, memberCount: 4 })).toBe('active');
  });

  it('is PENDING if never active, SUSPENDED if it was', () => {
    for (const broken of [
      { memberCount: 2 },
      { medecinTraitantIsMember: false },
      { consentInForce: false },
      { termEnded: true },
    ]) {
      expect(teamStatus({ ...base, ...broken, everActive: false })).toBe('pending');
      expect(teamStatus({ ...base, ...broken, everActive: true })).toBe('suspended');
    }
    // everActive does not matter once every condition holds.
    expect(teamStatus({ ...base, everActive: true })).toBe('active');
  });

  it('CLOSED dominates everything, with the single gap "closed"', () => {
    const worst: ActivationFacts = {
      closed: true,
      memberCount: 0,
      medecinTraitantIsMember: false,
      consentInForce: false,
      everActive: true,
      termEnded: true,
    };
    expect(teamStatus(worst)).toBe('closed');
    expect(activationGaps(worst)).toEqual(['closed']);
    expect(teamStatus({ ...base, closed: true })).toBe('closed');
    expect(activationGaps({ ...base, closed: true })).toEqual(['closed']);
  });

  it('lists the gaps in a stable order: members, médecin traitant, consent, term', () => {
    expect(
      activationGaps({
        ...base,
        memberCount: 0,
        medecinTraitantIsMember: false,
        consentInForce: false,
        termEnded: true,
      }),
    ).toEqual(['members', 'medecin_traitant', 'consent', 'term_ended']);
    expect(activationGaps({ ...base, consentInForce: false, termEnded: true })).toEqual([
      'consent',
      'term_ended',
    ]);
    expect(activationGaps({ ...base, memberCount: 1, termEnded: true })).toEqual([
      'members',
      'term_ended',
    ]);
    expect(activationGaps(base)).toEqual([]);
  });

  it('does not mutate the facts', () => {
    const f = { ...base, memberCount: 1 };
    const copy = { ...f };
    activationGaps(f);
    teamStatus(f);
    expect(f).toEqual(copy);
  });
});

describe('labels', () => {
  it('has a French label for every status', () => {
    expect(STATUS_LABELS).toEqual({
      pending: 'En attente',
      active: 'Active',
      suspended: 'Suspendue',
      closed: 'Clôturée',
    });
  });

  it('says how many professionals are missing, singular or plural', () => {
    expect(gapLabel('members', 0)).toBe('Il manque 3 professionnels (au moins 3 membres).');
    expect(gapLabel('members', 1)).toBe('Il manque 2 professionnels (au moins 3 membres).');
    expect(gapLabel('members', 2)).toBe('Il manque 1 professionnel (au moins 3 membres).');
  });

  it('labels every other gap, independently of the member count', () => {
    const others: Array<[ActivationGap, string]> = [
      ['closed', 'L’ESCAP est clôturée.'],
      ['medecin_traitant', 'Le médecin traitant n’a pas encore rejoint l’équipe.'],
      ['consent', 'Le consentement du patient n’est pas en vigueur.'],
      ['term_ended', 'La période d’un an est échue : renouvelez l’ESCAP.'],
    ];
    for (const [gap, label] of others)
      for (let n = 0; n <= 4; n++) expect(gapLabel(gap, n)).toBe(label);
  });

  it('has a non-empty label for every gap of every combination', () => {
    for (const f of allFacts())
      for (const gap of activationGaps(f)) expect(gapLabel(gap, f.memberCount)).not.toBe('');
  });
});

describe('isReadOnly', () => {
  it.each([
    [false, true, false],
    [false, false, true],
    [true, true, true],
    [true, false, true],
  ])('closed=%s consentInForce=%s → %s', (closed, consentInForce, expected) => {
    expect(isReadOnly({ closed, consentInForce })).toBe(expected);
  });
});

describe('termEnd', () => {
  it('is one year later, same calendar date and time (UTC)', () => {
    expect(termEnd(new Date('2025-03-15T09:30:12.345Z')).toISOString()).toBe(
      '2026-03-15T09:30:12.345Z',
    );
    expect(termEnd(new Date('2025-12-31T23:59:59.999Z')).toISOString()).toBe(
      '2026-12-31T23:59:59.999Z',
    );
    expect(termEnd(new Date('2025-01-01T00:00:00.000Z')).toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it('spans 366 days across a 29 February, 365 otherwise', () => {
    const day = 86_400_000;
    const s1 = new Date('2023-06-01T00:00:00Z');
    expect(termEnd(s1).getTime() - s1.getTime()).toBe(366 * day);
    const s2 = new Date('2025-06-01T00:00:00Z');
    expect(termEnd(s2).getTime() - s2.getTime()).toBe(365 * day);
  });

  it('from 29 February rolls over to 1 March (setUTCFullYear overflow), keeping the time', () => {
    expect(termEnd(new Date('2024-02-29T10:00:00.000Z')).toISOString()).toBe(
      '2025-03-01T10:00:00.000Z',
    );
    // A second term then starts from 1 March: the date drifts, it never comes back to 29 February.
    expect(termEnd(termEnd(new Date('2024-02-29T00:00:00Z'))).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it('from 28 February stays on 28 February, even into a leap year', () => {
    expect(termEnd(new Date('2023-02-28T12:00:00Z')).toISOString()).toBe(
      '2024-02-28T12:00:00.000Z',
    );
  });

  it('does not change its argument', () => {
    const start = new Date('2025-05-05T05:05:05Z');
    termEnd(start);
    expect(start.toISOString()).toBe('2025-05-05T05:05:05.000Z');
  });
});
