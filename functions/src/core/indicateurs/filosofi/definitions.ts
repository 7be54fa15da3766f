import { valeursCommunales, valeursPubliees } from '../commun.ts';
import { definir } from '../definir.ts';
import type { DefinitionIndicateurEntree, Indicateur, Polarite } from '../types.ts';

/**
 * Filosofi (INSEE, revenus localisés sociaux et fiscaux): non-additive values. A commune's value
 * is the published one; EPCI, département and région values are INSEE's own where INSEE publishes
 * them (DISP 2019 files, 2015 XLS archive); elsewhere only the median and the rates have a flagged
 * approximation (methods.md §1.2), deciles, ratios and Gini none ("never average", §1.3).
 */

const NIVEAUX_PUBLIES = ['epci', 'departement', 'region'];
const POIDS_PERSONNES = ['nombre-personnes-menages-fiscaux', 'nombre-menages-fiscaux'];
const POIDS_MENAGES = ['nombre-menages-fiscaux'];

const SOURCES: Readonly<Record<'disp' | 'xls' | 'cc' | 'comparateur', { producteur: string; jeu: string; millesimes: string[] }>> = {
  disp: { producteur: 'Insee', jeu: 'Filosofi, distribution des niveaux de vie (DISP)', millesimes: ['2014', '2015', '2016', '2019'] },
  xls: { producteur: 'Insee', jeu: 'Filosofi 2015, base comparateur (archive XLS, tous niveaux)', millesimes: ['2015'] },
  cc: { producteur: 'Insee', jeu: 'Filosofi, base comparateur', millesimes: ['2019', '2020', '2021'] },
  comparateur: { producteur: 'Insee', jeu: 'Comparateur de territoires (Filosofi 2019)', millesimes: ['2019'] },
};

type CleSource = keyof typeof SOURCES;
const DATASET: Readonly<Record<CleSource, string>> = { disp: 'filosofi-disp', xls: 'filosofi-xls', cc: 'filosofi-cc', comparateur: 'comparateur' };
/** Sources publishing values above the commune. */
const PUBLIE_AU_DELA: ReadonlySet<CleSource> = new Set(['disp', 'xls']);

function filosofi(args: {
  id: string;
  variable?: string;
  libelle: string;
  libelleCourt: string;
  description: string;
  unite: string;
  decimales: number;
  polarite: Polarite;
  sources: CleSource[];
  approximation: 'moyenne-ponderee-personnes' | 'moyenne-ponderee-menages' | 'aucune';
  theme?: DefinitionIndicateurEntree['theme'];
  notes?: string[];
}): Indicateur {
  const variable = args.variable ?? args.id;
  const periodes = [...new Set(args.sources.flatMap((s) => SOURCES[s].millesimes))].sort();
  return definir(
    {
      id: args.id,
      libelle: args.libelle,
      libelleCourt: args.libelleCourt,
      description: args.description,
      theme: args.theme ?? 'determinants-socio-economiques',
      unite: args.unite,
      multiplicateur: 1,
      decimales: args.decimales,
      polarite: args.polarite,
      methode: 'publie',
      numerateur: null,
      denominateur: null,
      sources: args.sources.map((s) => SOURCES[s]),
      niveaux: ['commune', 'epci', 'departement', 'region', 'france', 'cls'],
      secret: 'insee',
      seuilDiffusion: 0,
      comparable: false,
      approximation: args.approximation,
      periodes,
      notes: [
        'Valeur publiée par l’Insee pour la commune, l’EPCI, le département et la région quand elle existe ; secret statistique de l’Insee conservé.',
        'Valeur publiée d’un EPCI reprise seulement si son périmètre à la date de publication (COG de la source) est celui d’aujourd’hui ; sinon (fusions, communes entrées ou sorties, EPCI de 2015 dont la composition de 2016 n’est pas dans les données) le périmètre actuel est traité comme non publié.',
        args.approximation === 'aucune'
          ? 'Non calculable pour un périmètre que l’Insee ne publie pas (indicateur non additif).'
          : 'Pour un périmètre non publié : approximation signalée (moyenne des valeurs communales pondérée), jamais présentée comme la valeur publiée.',
        ...(args.notes ?? []),
      ],
    },
    [
      valeursCommunales({ datasets: args.sources.map((s) => DATASET[s]), variable, poids: args.approximation === 'moyenne-ponderee-menages' ? POIDS_MENAGES : POIDS_PERSONNES }),
      ...args.sources.filter((s) => PUBLIE_AU_DELA.has(s)).map((s) => valeursPubliees({ dataset: DATASET[s], variable, niveaux: NIVEAUX_PUBLIES })),
    ],
  );
}

const TRANCHES_AGE = [
  ['moins-30-ans', 'moins de 30 ans'],
  ['30-39-ans', '30 à 39 ans'],
  ['40-49-ans', '40 à 49 ans'],
  ['50-59-ans', '50 à 59 ans'],
  ['60-74-ans', '60 à 74 ans'],
  ['75-ans-ou-plus', '75 ans ou plus'],
] as const;

export const INDICATEURS_FILOSOFI: Indicateur[] = [
  filosofi({
    id: 'niveau-vie-median',
    variable: 'mediane-niveau-vie',
    libelle: 'Médiane du niveau de vie',
    libelleCourt: 'Niveau de vie médian',
    description: 'Niveau de vie (revenu disponible par unité de consommation) partageant les personnes en deux moitiés.',
    unite: '€ par an',
    decimales: 0,
    polarite: 'higher_is_better',
    sources: ['disp', 'xls', 'cc', 'comparateur'],
    approximation: 'moyenne-ponderee-personnes',
  }),
  filosofi({
    id: 'taux-pauvrete',
    libelle: 'Taux de pauvreté (seuil à 60 % du niveau de vie médian)',
    libelleCourt: 'Taux de pauvreté',
    description: 'Part des personnes dont le niveau de vie est inférieur au seuil de pauvreté national (60 % de la médiane).',
    unite: '%',
    decimales: 1,
    polarite: 'higher_is_worse',
    sources: ['xls', 'cc', 'comparateur'],
    approximation: 'moyenne-ponderee-personnes',
    notes: ['Le seuil étant national, la moyenne des taux communaux pondérée par les personnes est une estimation valide, partielle quand des communes sont sous secret (methods.md §1.2).'],
  }),
  filosofi({
    id: 'rapport-interdecile',
    libelle: 'Rapport interdécile du niveau de vie (D9/D1)',
    libelleCourt: 'Rapport D9/D1',
    description: 'Rapport entre le 9e et le 1er décile du niveau de vie des personnes.',
    unite: 'ratio',
    decimales: 1,
    polarite: 'higher_is_worse',
    sources: ['disp', 'xls', 'cc'],
    approximation: 'aucune',
  }),
  filosofi({
    id: 'decile-1-niveau-vie',
    libelle: '1er décile du niveau de vie',
    libelleCourt: 'D1 du niveau de vie',
    description: 'Niveau de vie au-dessous duquel se situent les 10 % des personnes les plus modestes.',
    unite: '€ par an',
    decimales: 0,
    polarite: 'higher_is_better',
    sources: ['disp', 'xls', 'cc'],
    approximation: 'aucune',
  }),
  filosofi({
    id: 'decile-9-niveau-vie',
    libelle: '9e décile du niveau de vie',
    libelleCourt: 'D9 du niveau de vie',
    description: 'Niveau de vie au-dessus duquel se situent les 10 % des personnes les plus aisées.',
    unite: '€ par an',
    decimales: 0,
    polarite: 'neutral',
    sources: ['disp', 'xls', 'cc'],
    approximation: 'aucune',
  }),
  filosofi({
    id: 'indice-gini',
    libelle: 'Indice de Gini du niveau de vie',
    libelleCourt: 'Indice de Gini',
    description: 'Mesure de la dispersion des niveaux de vie entre personnes (0 : égalité parfaite, 1 : inégalité maximale).',
    unite: 'indice',
    decimales: 3,
    polarite: 'higher_is_worse',
    sources: ['disp'],
    approximation: 'aucune',
  }),
  filosofi({
    id: 'part-menages-imposes',
    libelle: 'Part des ménages fiscaux imposés',
    libelleCourt: 'Ménages imposés',
    description: 'Part des ménages fiscaux redevables de l’impôt sur le revenu.',
    unite: '%',
    decimales: 1,
    polarite: 'higher_is_better',
    sources: ['xls', 'cc'],
    approximation: 'moyenne-ponderee-menages',
  }),
  ...TRANCHES_AGE.map(([suffixe, libelle]) =>
    filosofi({
      id: `taux-pauvrete-${suffixe}`,
      libelle: `Taux de pauvreté des ménages dont le référent fiscal a ${libelle}`,
      libelleCourt: `Pauvreté, référent ${libelle}`,
      description: `Taux de pauvreté (seuil à 60 %) des personnes des ménages dont le référent fiscal a ${libelle}.`,
      unite: '%',
      decimales: 1,
      polarite: 'higher_is_worse',
      sources: ['xls', 'cc'],
      approximation: 'moyenne-ponderee-personnes',
      notes: ['Approximation des périmètres pondérée par l’ensemble des personnes, faute d’effectifs par âge : à lire comme un ordre de grandeur.'],
    }),
  ),
  ...(
    [
      ['proprietaires', 'propriétaires de leur logement'],
      ['locataires', 'locataires'],
    ] as const
  ).map(([suffixe, libelle]) =>
    filosofi({
      id: `taux-pauvrete-${suffixe}`,
      libelle: `Taux de pauvreté des ménages ${libelle}`,
      libelleCourt: `Pauvreté, ${libelle.split(' ')[0]}`,
      description: `Taux de pauvreté (seuil à 60 %) des personnes des ménages ${libelle}.`,
      unite: '%',
      decimales: 1,
      polarite: 'higher_is_worse',
      sources: ['xls', 'cc'],
      approximation: 'moyenne-ponderee-personnes',
      notes: ['Approximation des périmètres pondérée par l’ensemble des personnes, faute d’effectifs par statut d’occupation.'],
    }),
  ),
  ...(
    [
      ['part-revenus-activite', 'Part des revenus d’activité dans le revenu disponible', 'Revenus d’activité'],
      ['part-pensions', 'Part des pensions, retraites et rentes dans le revenu disponible', 'Pensions et retraites'],
      ['part-revenus-patrimoine', 'Part des revenus du patrimoine dans le revenu disponible', 'Revenus du patrimoine'],
      ['part-prestations-sociales', 'Part des prestations sociales dans le revenu disponible', 'Prestations sociales'],
      ['part-minima-sociaux', 'Part des minima sociaux dans le revenu disponible', 'Minima sociaux'],
      ['part-impots', 'Part des impôts dans le revenu disponible', 'Impôts'],
    ] as const
  ).map(([id, libelle, court]) =>
    filosofi({
      id,
      libelle,
      libelleCourt: court,
      description: `${libelle} (structure du revenu disponible, Filosofi).`,
      unite: '%',
      decimales: 1,
      polarite: 'neutral',
      sources: id === 'part-revenus-activite' ? ['xls', 'cc'] : ['disp', 'xls', 'cc'],
      approximation: 'aucune',
    }),
  ),
];
