import { valeursPubliees } from '../commun.ts';
import type { DefinitionIndicateurEntree, Indicateur, RequeteIndicateur } from '../types.ts';
import { definir } from '../definir.ts';
import combinaisonSql from './combinaison.sql';

/**
 * Indicators of the comparateur de territoires (INSEE, RP 2013 and 2018, état civil 2013-2018):
 * each a ratio of linear combinations of commune counts, summed over any territory (methods.md §1.1).
 */

const SOURCE_COMPARATEUR = { producteur: 'Insee', jeu: 'Comparateur de territoires (RP 2013 et 2018, état civil 2013-2018)', millesimes: ['2022'] };

/** Person-years between 1 January 2013 and 1 January 2018: 5 × the mean of the two populations. */
const ANNEES_PERSONNES = { termes: ['population@2013', 'population@2018'], coefs: [2.5, 2.5] };

function combinaison(periode: string, num: { termes: string[]; coefs: number[] }, den: { termes: string[]; coefs: number[] }): RequeteIndicateur {
  return {
    sql: combinaisonSql,
    parametres: { dataset: 'comparateur', periode, num_termes: num.termes, num_coefs: num.coefs, den_termes: den.termes, den_coefs: den.coefs },
    famille: 'combinaison',
    variables: [...new Set([...num.termes, ...den.termes].map((t) => t.split('@')[0]!))],
  };
}

const un = (terme: string) => ({ termes: [terme], coefs: [1] });

/** What the comparateur's indicators share: source, every level, no disclosure threshold of their own. */
function comparateur(periode: string, secret: DefinitionIndicateurEntree['secret'], comparable: boolean) {
  const niveaux: DefinitionIndicateurEntree['niveaux'] = ['commune', 'epci', 'departement', 'region', 'france', 'cls'];
  return { sources: [SOURCE_COMPARATEUR], niveaux, secret, seuilDiffusion: 0, comparable, periodes: [periode] };
}

export const INDICATEURS_RECENSEMENT: Indicateur[] = [
  definir(
    {
      id: 'densite-population',
      libelle: 'Densité de population',
      libelleCourt: 'Densité',
      description: 'Population municipale 2018 rapportée à la superficie du territoire.',
      theme: 'demographie',
      unite: 'hab./km²',
      multiplicateur: 1,
      decimales: 1,
      polarite: 'neutral',
      methode: 'ratio',
      numerateur: 'Population municipale 2018',
      denominateur: 'Superficie (km²)',
      ...comparateur('2018', 'aucun', false),
    },
    [combinaison('2018', un('population@2018'), un('superficie@2021'))],
  ),
  definir(
    {
      id: 'evolution-annuelle-population',
      libelle: 'Taux d’évolution annuel moyen de la population 2013-2018',
      libelleCourt: 'Évolution annuelle de la population',
      description: 'Variation annuelle moyenne de la population municipale entre 2013 et 2018 : (P2018 / P2013)^(1/5) − 1.',
      theme: 'demographie',
      unite: '% par an',
      multiplicateur: 100,
      decimales: 2,
      polarite: 'neutral',
      methode: 'evolution',
      annees: 5,
      numerateur: 'Population municipale 2018',
      denominateur: 'Population municipale 2013',
      ...comparateur('2013-2018', 'aucun', false),
    },
    [combinaison('2013-2018', un('population@2018'), un('population@2013'))],
  ),
  definir(
    {
      id: 'taux-variation-solde-naturel',
      libelle: 'Taux annuel de variation de la population dû au solde naturel 2013-2018',
      libelleCourt: 'Variation due au solde naturel',
      description: 'Naissances moins décès domiciliés entre 2013 et 2018, rapportés aux années-personnes de la période.',
      theme: 'demographie',
      unite: '% par an',
      multiplicateur: 100,
      decimales: 2,
      polarite: 'neutral',
      methode: 'ratio',
      numerateur: 'Naissances − décès domiciliés 2013-2018',
      denominateur: 'Années-personnes 2013-2018 (5 × population moyenne)',
      ...comparateur('2013-2018', 'aucun', false),
      // its count holds the deaths: masked wherever they are (births − balance would give them back)
      masqueAvec: ['taux-mortalite-brute'],
      notes: ['Masqué là où le nombre de décès de la période l’est (de 1 à 10, ou secret secondaire) : avec les naissances et les populations publiées, il redonnerait ce nombre.'],
    },
    [combinaison('2013-2018', { termes: ['naissances@2013-2018', 'deces@2013-2018'], coefs: [1, -1] }, ANNEES_PERSONNES)],
  ),
  definir(
    {
      id: 'taux-variation-solde-migratoire',
      libelle: 'Taux annuel de variation de la population dû au solde migratoire apparent 2013-2018',
      libelleCourt: 'Variation due au solde migratoire',
      description: 'Variation de population non expliquée par le solde naturel (P2018 − P2013 − naissances + décès), rapportée aux années-personnes.',
      theme: 'demographie',
      unite: '% par an',
      multiplicateur: 100,
      decimales: 2,
      polarite: 'neutral',
      methode: 'ratio',
      numerateur: 'P2018 − P2013 − (naissances − décès)',
      denominateur: 'Années-personnes 2013-2018',
      ...comparateur('2013-2018', 'aucun', false),
      // its count holds the deaths: masked wherever they are (births − balance would give them back)
      masqueAvec: ['taux-mortalite-brute'],
      notes: ['Masqué là où le nombre de décès de la période l’est (de 1 à 10, ou secret secondaire) : avec les naissances et les populations publiées, il redonnerait ce nombre.'],
    },
    [
      combinaison(
        '2013-2018',
        { termes: ['population@2018', 'population@2013', 'naissances@2013-2018', 'deces@2013-2018'], coefs: [1, -1, -1, 1] },
        ANNEES_PERSONNES,
      ),
    ],
  ),
  definir(
    {
      id: 'taux-natalite',
      libelle: 'Taux de natalité 2013-2018',
      libelleCourt: 'Natalité',
      description: 'Naissances domiciliées entre le 1er janvier 2013 et le 1er janvier 2018 pour 1 000 années-personnes.',
      theme: 'demographie',
      unite: '‰',
      multiplicateur: 1000,
      decimales: 1,
      polarite: 'neutral',
      methode: 'taux',
      numerateur: 'Naissances domiciliées 2013-2018',
      denominateur: 'Années-personnes 2013-2018 (5 × (P2013 + P2018) / 2)',
      ...comparateur('2013-2018', 'aucun', true),
    },
    [combinaison('2013-2018', un('naissances@2013-2018'), ANNEES_PERSONNES)],
  ),
  definir(
    {
      id: 'taux-mortalite-brute',
      libelle: 'Taux brut de mortalité',
      libelleCourt: 'Mortalité brute',
      description:
        'Décès domiciliés de la période pour 1 000 années-personnes, selon la définition de l’Observatoire des territoires (2013-2018 : 1 000 × décès / (5 × (P2013 + P2018) / 2)). Non standardisé sur l’âge : à lire avec la structure par âge.',
      theme: 'etat-sante',
      unite: '‰',
      multiplicateur: 1000,
      decimales: 1,
      polarite: 'higher_is_worse',
      methode: 'taux',
      numerateur: 'Décès domiciliés 2013-2018',
      denominateur: 'Années-personnes 2013-2018',
      sources: [
        SOURCE_COMPARATEUR,
        { producteur: 'Observatoire des territoires (ANCT)', jeu: 'Taux de mortalité par période intercensitaire, régions (valeurs publiées, 1968-2018)', millesimes: ['2018'] },
        { producteur: 'Insee', jeu: 'Statistiques locales : taux brut de mortalité par département (valeur publiée)', millesimes: ['2023'] },
      ],
      niveaux: ['commune', 'epci', 'departement', 'region', 'france', 'cls'],
      secret: 'sante',
      seuilDiffusion: 11,
      comparable: true,
      periodes: ['2013-2018'],
      notes: [
        'Effectifs de décès de 1 à 10 masqués (secret statistique des données de santé), avec masquage secondaire.',
        'Périodes antérieures : valeurs publiées par l’Observatoire des territoires (régions), sans intervalle de confiance.',
      ],
    },
    [
      combinaison('2013-2018', un('deces@2013-2018'), ANNEES_PERSONNES),
      valeursPubliees({ dataset: 'observatoire-long', variable: 'taux-mortalite', niveaux: ['region'], periodesExclues: ['2013-2018'] }),
      valeursPubliees({ dataset: 'geoclip', variable: 'taux-brut-de-mortalite', niveaux: ['departement'] }),
    ],
  ),
  definir(
    {
      id: 'taux-chomage',
      libelle: 'Taux de chômage des 15-64 ans (recensement)',
      libelleCourt: 'Chômage 15-64 ans',
      description: 'Chômeurs de 15 à 64 ans parmi les actifs de 15 à 64 ans, au sens du recensement 2018.',
      theme: 'determinants-socio-economiques',
      unite: '%',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'higher_is_worse',
      methode: 'proportion',
      numerateur: 'Chômeurs de 15-64 ans',
      denominateur: 'Actifs de 15-64 ans',
      ...comparateur('2018', 'insee', true),
      notes: ['Au sens du recensement (déclaratif), différent du taux de chômage au sens du BIT.', 'Intervalle de Wilson : il ignore le plan de sondage du recensement (communes de 10 000 habitants ou plus).'],
    },
    [combinaison('2018', un('chomeurs-15-64-ans@2018'), un('actifs-15-64-ans@2018'))],
  ),
  definir(
    {
      id: 'part-logements-vacants',
      libelle: 'Part des logements vacants',
      libelleCourt: 'Logements vacants',
      description: 'Logements vacants parmi l’ensemble des logements, recensement 2018.',
      theme: 'logement-environnement',
      unite: '%',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'higher_is_worse',
      methode: 'proportion',
      numerateur: 'Logements vacants',
      denominateur: 'Logements',
      ...comparateur('2018', 'insee', true),
    },
    [combinaison('2018', un('logements-vacants@2018'), un('logements@2018'))],
  ),
  definir(
    {
      id: 'part-residences-secondaires',
      libelle: 'Part des résidences secondaires et logements occasionnels',
      libelleCourt: 'Résidences secondaires',
      description: 'Résidences secondaires et logements occasionnels parmi l’ensemble des logements, recensement 2018.',
      theme: 'logement-environnement',
      unite: '%',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'neutral',
      methode: 'proportion',
      numerateur: 'Résidences secondaires et logements occasionnels',
      denominateur: 'Logements',
      ...comparateur('2018', 'insee', true),
    },
    [combinaison('2018', un('residences-secondaires-logements-occasionnels@2018'), un('logements@2018'))],
  ),
  definir(
    {
      id: 'part-residences-principales-proprietaires',
      libelle: 'Part des résidences principales occupées par leur propriétaire',
      libelleCourt: 'Propriétaires occupants',
      description: 'Résidences principales occupées par des propriétaires parmi les résidences principales, recensement 2018.',
      theme: 'logement-environnement',
      unite: '%',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'neutral',
      methode: 'proportion',
      numerateur: 'Résidences principales occupées par leur propriétaire',
      denominateur: 'Résidences principales',
      ...comparateur('2018', 'insee', true),
    },
    [combinaison('2018', un('residences-principales-proprietaires@2018'), un('residences-principales@2018'))],
  ),
  definir(
    {
      id: 'taille-moyenne-menages',
      libelle: 'Nombre moyen de personnes par ménage (approché)',
      libelleCourt: 'Personnes par ménage',
      description: 'Population municipale 2018 rapportée au nombre de ménages 2018 (approche : la population municipale inclut les personnes hors ménages).',
      theme: 'demographie',
      unite: 'personnes',
      multiplicateur: 1,
      decimales: 2,
      polarite: 'neutral',
      methode: 'ratio',
      numerateur: 'Population municipale 2018',
      denominateur: 'Ménages 2018',
      ...comparateur('2018', 'aucun', false),
    },
    [combinaison('2018', un('population@2018'), un('menages@2018'))],
  ),
];
