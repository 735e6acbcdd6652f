import {
  gridDefinitionSchema,
  type GridDefinition,
  type GridDefinitionInput,
} from './definition.js';

/** Three severity levels, 0, 1 and 2 points: the published scale's arithmetic (below). */
const levels = (none: string, moderate: string, severe: string) => [
  { id: 'absent', label: none, points: 0 },
  { id: 'modere', label: moderate, points: 1 },
  { id: 'severe', label: severe, points: 2 },
];

/**
 * The grid shipped by default, as far as it is published (docs/patient-file.md, "The inclusion
 * grid"): built by UNPS and validated by the Assurance Maladie and the HAS; one of four
 * situations first; then factors scored by the severity the professional assigns; threshold 13
 * of 26, 14 of 28 for a pregnant patient. Its item list and points are NOT published: 13 factors
 * of 0 to 2 points make the 26-point scale and a pregnancy factor the 28-point one (14 factors in
 * all, as sources count them). Every factor says whether its name is sourced, and every level is
 * marked "à valider". A deployment replaces all of this with its own file (INCLUSION_GRID_FILE).
 */
const data: GridDefinitionInput = {
  version: 'unps-2025-escap-v0',
  title: 'Grille d’inclusion ESCAP (UNPS)',
  origin: 'Grille élaborée par l’UNPS, validée par l’Assurance Maladie et la HAS.',
  notice:
    'Grille reconstituée d’après les éléments publiés\u00a0: la liste exacte des facteurs et leurs points sont à valider avec la grille officielle.',
  categories: [
    { id: 'polypathologie_65', label: 'Plus de 65 ans polypathologique' },
    { id: 'soins_palliatifs', label: 'Soins palliatifs' },
    { id: 'avc_hospitalisation', label: "AVC avec hospitalisation dans l'année" },
    { id: 'diabete_insuline', label: 'Diabète insulino-traité' },
  ],
  factors: [
    {
      id: 'age',
      label: 'Âge',
      source: 'publie',
      levelsPublished: false,
      levels: levels('Moins de 65 ans', 'De 65 à 79 ans', '80 ans ou plus'),
    },
    {
      id: 'poids',
      label: 'Poids, état nutritionnel',
      source: 'publie',
      levelsPublished: false,
      levels: levels(
        'Poids stable, sans risque',
        'Surpoids ou perte de poids modérée',
        'Obésité sévère ou dénutrition',
      ),
    },
    {
      id: 'pathologies',
      label: 'Pathologies chroniques',
      source: 'publie',
      levelsPublished: false,
      levels: levels('Une pathologie ou aucune', 'Deux pathologies', 'Trois pathologies ou plus'),
    },
    {
      id: 'medicaments',
      label: 'Nombre de médicaments',
      help: 'Traitements au long cours.',
      source: 'publie',
      levelsPublished: false,
      levels: levels('Moins de 5', 'De 5 à 9', '10 ou plus'),
    },
    {
      id: 'vulnerabilite',
      label: 'Situations de vulnérabilité',
      help: 'Isolement, précarité, handicap, difficultés de compréhension…',
      source: 'publie',
      levelsPublished: false,
      levels: levels('Aucune', 'Une situation', 'Plusieurs situations'),
    },
    {
      id: 'aidants',
      label: 'Présence d’aidants',
      source: 'publie',
      levelsPublished: false,
      levels: levels(
        'Aidant présent et disponible',
        'Aidant présent mais insuffisant ou épuisé',
        'Aucun aidant',
      ),
    },
    {
      id: 'mobilite',
      label: 'Mobilité',
      source: 'publie',
      levelsPublished: false,
      levels: levels('Autonome', 'Aide technique ou humaine partielle', 'Alité ou au fauteuil'),
    },
    {
      id: 'chirurgie',
      label: 'Antécédents chirurgicaux',
      source: 'version_anterieure',
      levelsPublished: false,
      levels: levels(
        'Aucune intervention récente',
        'Une intervention dans l’année',
        'Plusieurs interventions ou une intervention lourde',
      ),
    },
    {
      id: 'hospitalisations',
      label: 'Hospitalisations récentes',
      source: 'version_anterieure',
      levelsPublished: false,
      levels: levels('Aucune dans l’année', 'Une dans l’année', 'Deux ou plus dans l’année'),
    },
    {
      id: 'continence',
      label: 'Continence',
      source: 'version_anterieure',
      levelsPublished: false,
      levels: levels('Continent', 'Incontinence occasionnelle', 'Incontinence permanente'),
    },
    {
      id: 'cognition',
      label: 'Fonctions cognitives',
      source: 'version_anterieure',
      levelsPublished: false,
      levels: levels('Pas de trouble', 'Troubles légers', 'Troubles sévères'),
    },
    {
      id: 'autonomie',
      label: 'Autonomie pour les actes de la vie quotidienne',
      source: 'a_valider',
      levelsPublished: false,
      levels: levels('Autonome', 'Aide pour certains actes', 'Dépendant pour la plupart des actes'),
    },
    {
      id: 'intervenants',
      label: 'Nombre de professionnels intervenant',
      source: 'a_valider',
      levelsPublished: false,
      levels: levels('Un ou deux', 'Trois ou quatre', 'Cinq ou plus'),
    },
    {
      id: 'grossesse',
      label: 'Grossesse',
      help: 'Compté seulement pour une patiente enceinte (échelle sur 28).',
      source: 'publie',
      levelsPublished: false,
      pregnancyOnly: true,
      levels: levels(
        'Sans facteur de risque identifié',
        'Un facteur de risque',
        'Grossesse à haut risque',
      ),
    },
  ],
  scale: { max: 26, threshold: 13 },
  pregnancyScale: { max: 28, threshold: 14 },
};

/** Parsed at load: the shipped definition obeys the same checks as a deployment's file. */
export const ESCAP_UNPS_2025: GridDefinition = gridDefinitionSchema.parse(data);
