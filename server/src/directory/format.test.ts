import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapHeader, PUBLISHED_HEADER, readLine, splitLine } from './format.js';

const header = `\uFEFF${PUBLISHED_HEADER.join('|')}|`;
const columns = mapHeader(header);
const row = (values: Partial<Record<(typeof PUBLISHED_HEADER)[number], string>>) =>
  `${PUBLISHED_HEADER.map((c) => values[c] ?? '').join('|')}|`;
const base = {
  "Type d'identifiant PP": '8',
  'Identifiant PP': '10101010101',
  "Nom d'exercice": 'LEFÈVRE',
  "Prénom d'exercice": 'Zoé',
  'Code profession': '10',
  'Libellé profession': 'Médecin',
  'Code postal (coord. structure)': '69003',
  'Libellé commune (coord. structure)': 'LYON',
} as const;

describe('the PS_LibreAcces_Personne_activite layout', () => {
  it('splits on pipes, the final pipe ending the last field', () => {
    expect(splitLine('a|b||c|')).toEqual(['a', 'b', '', 'c']);
    expect(splitLine('a|b|\r')).toEqual(['a', 'b']);
  });

  it('maps columns by header name (BOM, case, accents and order aside)', () => {
    const shuffled = mapHeader(
      [
        'LIBELLE PROFESSION',
        "nom d'exercice",
        'Identifiant PP',
        'Code profession',
        "Prenom d'exercice",
        'Type d’identifiant PP',
      ].join('|'),
    );
    expect(shuffled).toMatchObject({
      professionLabel: 0,
      lastName: 1,
      id: 2,
      professionCode: 3,
      firstName: 4,
      idType: 5,
      city: -1,
    });
    expect(() => mapHeader('nom|prénom|')).toThrow(/Identifiant PP/);
  });

  it('reads an RPPS line, with folded words for the search', () => {
    const outcome = readLine(row(base), columns);
    expect(outcome).toMatchObject({
      kind: 'record',
      record: {
        rpps: '10101010101',
        lastName: 'LEFÈVRE',
        firstName: 'Zoé',
        words: ['lefevre', 'zoe'],
        city: 'LYON',
      },
    });
  });

  it('skips ADELI lines and refuses bad numbers or names with invisible characters', () => {
    expect(readLine(row({ ...base, "Type d'identifiant PP": '0' }), columns)).toEqual({
      kind: 'skipped',
      reason: 'not_rpps',
    });
    for (const bad of [
      { 'Identifiant PP': '1234' },
      { "Nom d'exercice": 'LEF\u202EEVRE' },
      { "Prénom d'exercice": 'Zo\u200Bé' },
      { "Nom d'exercice": '' },
    ])
      expect(readLine(row({ ...base, ...bad }), columns)).toEqual({
        kind: 'skipped',
        reason: 'invalid',
      });
  });

  it('gives one key per content: the same line the same key, any change another', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('LYON', 'PARIS', 'NANTES'),
        fc.constantFrom('LYON', 'PARIS', 'NANTES'),
        (a, b) => {
          const ka = readLine(row({ ...base, 'Libellé commune (coord. structure)': a }), columns);
          const kb = readLine(row({ ...base, 'Libellé commune (coord. structure)': b }), columns);
          if (ka.kind !== 'record' || kb.kind !== 'record') throw new Error('not a record');
          expect(ka.record.key === kb.record.key).toBe(a === b);
        },
      ),
    );
  });
});
