import { definir } from '../definir.ts';
import type { Indicateur } from '../types.ts';
import agesSql from './ages.sql';

/**
 * Age structure and ageing from the population estimates (INSEE, département × sex × 5-year age,
 * 1975-2021). No commune base with ages is staged (data-formats.md): département, région and France only.
 */

const BANDES = ['0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85-89', '90-94', '95+'];
const depuis = (age: string) => BANDES.slice(BANDES.indexOf(age));
const jusqua = (age: string) => BANDES.slice(0, BANDES.indexOf(age) + 1);
const PERIODES = Array.from({ length: 2021 - 1975 + 1 }, (_, i) => String(1975 + i));
const SOURCE = { producteur: 'Insee', jeu: 'Estimations de population par département, sexe et âge quinquennal (1975-2021)', millesimes: ['2021'] };
const NOTE = 'Pas de base communale par âge dans les extraits : indicateur disponible pour les départements, régions et la France.';

function part(id: string, libelle: string, libelleCourt: string, num: string[], polarite: 'neutral' | 'higher_is_worse'): Indicateur {
  return definir(
    {
      id,
      libelle,
      libelleCourt,
      description: `${libelle} au 1er janvier (estimations de population).`,
      theme: 'demographie',
      unite: '%',
      multiplicateur: 100,
      decimales: 1,
      polarite,
      methode: 'proportion',
      numerateur: libelleCourt,
      denominateur: 'Population totale estimée',
      sources: [SOURCE],
      niveaux: ['departement', 'region', 'france'],
      niveauBrique: 'departement',
      secret: 'aucun',
      seuilDiffusion: 0,
      comparable: true,
      periodes: PERIODES,
      notes: [NOTE],
    },
    [{ sql: agesSql, parametres: { ages_num: num, ages_den: BANDES } }],
  );
}

export const INDICATEURS_AGES: Indicateur[] = [
  part('part-moins-20-ans', 'Part des moins de 20 ans', 'Moins de 20 ans', jusqua('15-19'), 'neutral'),
  part('part-65-ans-et-plus', 'Part des 65 ans et plus', '65 ans et plus', depuis('65-69'), 'neutral'),
  part('part-75-ans-et-plus', 'Part des 75 ans et plus', '75 ans et plus', depuis('75-79'), 'neutral'),
  definir(
    {
      id: 'indice-vieillissement',
      libelle: 'Indice de vieillissement',
      libelleCourt: 'Indice de vieillissement',
      description: 'Personnes de 65 ans et plus pour 100 personnes de moins de 20 ans (estimations de population).',
      theme: 'demographie',
      unite: 'pour 100 moins de 20 ans',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'neutral',
      methode: 'ratio',
      numerateur: 'Population de 65 ans et plus',
      denominateur: 'Population de moins de 20 ans',
      sources: [SOURCE],
      niveaux: ['departement', 'region', 'france'],
      niveauBrique: 'departement',
      secret: 'aucun',
      seuilDiffusion: 0,
      comparable: false,
      periodes: PERIODES,
      notes: [NOTE],
    },
    [{ sql: agesSql, parametres: { ages_num: depuis('65-69'), ages_den: jusqua('15-19') } }],
  ),
];
