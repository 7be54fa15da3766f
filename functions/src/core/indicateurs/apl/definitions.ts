import { valeursCommunales } from '../commun.ts';
import { definir } from '../definir.ts';
import type { Indicateur } from '../types.ts';

/**
 * DREES accessibilité potentielle localisée (APL) to GPs: computed by DREES per commune (two-step
 * floating catchment); above the commune, the mean of commune APLs weighted by the standardised
 * population, as DREES does, flagged as an approximation (methods.md §1.3).
 */

const SOURCE = { producteur: 'DREES', jeu: 'Accessibilité potentielle localisée (APL) aux médecins généralistes', millesimes: ['2021'] };

function apl(id: string, variable: string, libelle: string, libelleCourt: string): Indicateur {
  return definir(
    {
      id,
      libelle,
      libelleCourt,
      description: `${libelle} : consultations accessibles par habitant standardisé et par an (DREES).`,
      theme: 'offre-acces-soins',
      unite: 'consultations / hab. standardisé / an',
      multiplicateur: 1,
      decimales: 2,
      polarite: 'higher_is_better',
      methode: 'moyenne-ponderee',
      numerateur: null,
      denominateur: null,
      sources: [SOURCE],
      niveaux: ['commune', 'epci', 'departement', 'region', 'france', 'cls'],
      secret: 'aucun',
      seuilDiffusion: 0,
      comparable: false,
      approximation: 'moyenne-ponderee-population-standardisee',
      periodes: ['2021'],
      notes: [
        'Au-delà de la commune : moyenne des APL communales pondérée par la population standardisée (approximation signalée).',
        'Un APL de 0 est une vraie valeur ; les communes sans valeur (inhabitées, Mayotte) sont exclues et la couverture est indiquée.',
      ],
    },
    [valeursCommunales({ datasets: ['apl-drees'], variable, poids: ['population-standardisee-apl'] })],
  );
}

export const INDICATEURS_APL: Indicateur[] = [
  apl('apl-medecins-generalistes', 'apl-medecins-generalistes', 'Accessibilité potentielle localisée aux médecins généralistes', 'APL médecins généralistes'),
  apl(
    'apl-medecins-generalistes-65-ans-et-moins',
    'apl-medecins-generalistes-65-ans-et-moins',
    'Accessibilité potentielle localisée aux médecins généralistes de 65 ans et moins',
    'APL généralistes ≤ 65 ans',
  ),
];
