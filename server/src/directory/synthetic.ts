import { PUBLISHED_HEADER } from './format.js';

/**
 * A FICTITIOUS extract in the published layout (docs/identity.md, "Directory"): made-up
 * professionals with made-up RPPS numbers (starting with 19, plus the demo accounts' numbers),
 * in real French towns, so that `npm start` shows the directory at work without a download.
 * Deterministic: the same count and seed give the same file. The benchmark writes a million
 * lines with it.
 */

const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefèvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Müller',
  'Lefebvre',
  'Faure',
  'André',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Garnier',
  'Chevalier',
  'François',
  'Legrand',
  'Gauthier',
  'Garcia',
  'Perrin',
  'Robin',
  'Clément',
  'Morin',
  'Nicolas',
  'Henry',
  'Roussel',
  'Mathieu',
  'Gautier',
  'Masson',
  'Marchand',
  'Duval',
  'Denis',
  'Dumont',
  'Marie',
  'Lemaire',
  'Noël',
  'Meyer',
  'Dufour',
  'Meunier',
  'Brun',
  'Blanchard',
  'Giraud',
  'Joly',
  'Rivière',
  'Lucas',
  'Brunet',
  'Gaillard',
  'Barbier',
  'Arnaud',
  'Martínez',
  "D'Ornano",
  'Le Gall',
  'Nguyen',
  'Benali',
  'Haddad',
  'Œuvray',
  'Saint-Just',
  'Côté',
  'Hoarau',
];
const FIRST_NAMES = [
  'Marie',
  'Jean',
  'Camille',
  'Léa',
  'Lucas',
  'Chloé',
  'Hugo',
  'Manon',
  'Louis',
  'Emma',
  'Gabriel',
  'Inès',
  'Jules',
  'Sarah',
  'Arthur',
  'Zoé',
  'Nathan',
  'Éloïse',
  'Raphaël',
  'Anaïs',
  'Thomas',
  'Juliette',
  'Théo',
  'Clémence',
  'Paul',
  'Hélène',
  'Antoine',
  'Agnès',
  'Étienne',
  'Françoise',
  'Jérôme',
  'Noémie',
  'Cédric',
  'Maëlle',
  'Joël',
  'Bérénice',
  'Yann',
  'Aurélie',
  'Karim',
  'Fatima',
  'Mehdi',
  'Linh',
  'Jean-Pierre',
  'Marie-Claire',
  'Anne',
  'Pierre',
];
const PLACES: readonly [string, string][] = [
  ['75011', 'PARIS'],
  ['75018', 'PARIS'],
  ['13001', 'MARSEILLE'],
  ['69003', 'LYON'],
  ['31000', 'TOULOUSE'],
  ['06000', 'NICE'],
  ['44000', 'NANTES'],
  ['67000', 'STRASBOURG'],
  ['34000', 'MONTPELLIER'],
  ['33000', 'BORDEAUX'],
  ['59000', 'LILLE'],
  ['35000', 'RENNES'],
  ['51100', 'REIMS'],
  ['42000', 'SAINT-ÉTIENNE'],
  ['83000', 'TOULON'],
  ['38000', 'GRENOBLE'],
  ['21000', 'DIJON'],
  ['49000', 'ANGERS'],
  ['30000', 'NÎMES'],
  ['63000', 'CLERMONT-FERRAND'],
  ['29200', 'BREST'],
  ['87000', 'LIMOGES'],
  ['37000', 'TOURS'],
  ['80000', 'AMIENS'],
  ['57000', 'METZ'],
  ['25000', 'BESANÇON'],
  ['66000', 'PERPIGNAN'],
  ['45000', 'ORLÉANS'],
  ['14000', 'CAEN'],
  ['20000', 'AJACCIO'],
  ['97400', 'SAINT-DENIS'],
  ['48000', 'MENDE'],
];
/** TRE_G15 code, label, weight (roughly the shares of the real directory). */
const PROFESSIONS: readonly [string, string, number][] = [
  ['10', 'Médecin', 30],
  ['60', 'Infirmier', 30],
  ['21', 'Pharmacien', 10],
  ['70', 'Masseur-Kinésithérapeute', 10],
  ['40', 'Chirurgien-Dentiste', 5],
  ['50', 'Sage-Femme', 3],
  ['91', 'Orthophoniste', 3],
  ['80', 'Pédicure-Podologue', 2],
  ['92', 'Orthoptiste', 1],
  ['26', 'Audioprothésiste', 1],
  ['28', 'Opticien-Lunetier', 2],
  ['31', 'Assistant dentaire', 3],
];
const TOTAL_WEIGHT = PROFESSIONS.reduce((sum, p) => sum + p[2], 0);

/** The demo accounts of `npm start` (server/src/demo/seed.ts), so that the directory confirms them. */
export const DEMO_LINES: readonly { rpps: string; last: string; first: string; code: string }[] = [
  { rpps: '10000000001', last: 'Martin', first: 'Claire', code: '10' },
  { rpps: '10000000002', last: 'Bernard', first: 'Julien', code: '60' },
  { rpps: '10000000003', last: 'Petit', first: 'Sophie', code: '21' },
  { rpps: '10000000004', last: 'Haddad', first: 'Karim', code: '70' },
  { rpps: '10000000005', last: 'Démo', first: 'Gestionnaire', code: '21' },
];

/** mulberry32: a small seeded generator, enough for made-up data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMN = new Map(PUBLISHED_HEADER.map((name, i) => [name, i]));

function line(values: Partial<Record<(typeof PUBLISHED_HEADER)[number], string>>): string {
  const fields = PUBLISHED_HEADER.map(() => '');
  for (const [name, value] of Object.entries(values)) fields[COLUMN.get(name as never)!] = value;
  return `${fields.join('|')}|`;
}

function professionLine(
  rpps: string,
  last: string,
  first: string,
  code: string,
  label: string,
  place: readonly [string, string],
  structure: string,
): string {
  return line({
    "Type d'identifiant PP": '8',
    'Identifiant PP': rpps,
    'Identification nationale PP': `8${rpps}`,
    "Nom d'exercice": last.toUpperCase(),
    "Prénom d'exercice": first,
    'Code profession': code,
    'Libellé profession': label,
    'Code mode exercice': 'L',
    'Libellé mode exercice': 'Libéral',
    'Identifiant technique de la structure': structure,
    'Raison sociale site': `CABINET FICTIF ${structure}`,
    'Code postal (coord. structure)': place[0],
    'Libellé commune (coord. structure)': place[1],
    'Code pays (coord. structure)': '99000',
    'Libellé pays (coord. structure)': 'France',
    "Autorité d'enregistrement": 'EXTRAIT FICTIF',
  });
}

export interface SyntheticOptions {
  /** Professionals made up (each has one to three practice lines). */
  professionals: number;
  seed?: number;
  /** The demo accounts' lines first (`npm start`). */
  withDemo?: boolean;
}

/** The file's lines, header first, without line ends. */
export function* syntheticLines({
  professionals,
  seed = 2026,
  withDemo = true,
}: SyntheticOptions): Generator<string> {
  yield `${PUBLISHED_HEADER.join('|')}|`;
  const label = (code: string) => PROFESSIONS.find((p) => p[0] === code)![1];
  if (withDemo) {
    for (const d of DEMO_LINES)
      yield professionLine(d.rpps, d.last, d.first, d.code, label(d.code), PLACES[2]!, 'F000001');
  }
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  for (let i = 0; i < professionals; i++) {
    const rpps = `19${String(i).padStart(9, '0')}`;
    const last = pick(LAST_NAMES);
    const first = pick(FIRST_NAMES);
    let w = next() * TOTAL_WEIGHT;
    const profession = PROFESSIONS.find((p) => (w -= p[2]) < 0) ?? PROFESSIONS[0]!;
    const situations = next() < 0.8 ? 1 : next() < 0.7 ? 2 : 3;
    for (let s = 0; s < situations; s++) {
      const structure = `F${String(i * 3 + s).padStart(9, '0')}`;
      yield professionLine(
        rpps,
        last,
        first,
        profession[0],
        profession[1],
        pick(PLACES),
        structure,
      );
    }
    // A line of another identifier type now and then (ADELI): the importer skips those.
    if (i % 97 === 0) {
      yield line({
        "Type d'identifiant PP": '0',
        'Identifiant PP': `75${String(i).padStart(7, '0')}`,
        "Nom d'exercice": last.toUpperCase(),
        "Prénom d'exercice": first,
        'Code profession': '69',
        'Libellé profession': 'Psychologue',
      });
    }
  }
}
