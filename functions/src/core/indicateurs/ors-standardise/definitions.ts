import { definir } from '../definir.ts';
import type { Indicateur } from '../types.ts';
import decesParAgeSql from './deces-par-age.sql';

/**
 * Standardised mortality from an ORS/ARS indicator table with age-specific counts (template in
 * data/ors): direct standardisation on the France 2006 population (built from INSEE's estimates,
 * both sexes, bands summed to the table's bands) with Dobson limits, and ICM against the rates of
 * all territories of the table. The staged example is SYNTHETIC: its values are labelled so.
 */

const SOURCE = { producteur: 'ORS / ARS (table d’indicateurs)', jeu: 'Exemple SYNTHÉTIQUE de décès par âge (modèle data/ors)', millesimes: ['2022'] };
const NOTES = [
  'Données d’exemple SYNTHÉTIQUES : elles illustrent le calcul, ce ne sont pas des valeurs réelles.',
  'Aucun taux standardisé sous 10 décès ; taux signalé peu fiable sous 20 décès (methods.md §9).',
];

export const INDICATEURS_ORS: Indicateur[] = [
  definir(
    {
      id: 'taux-standardise-mortalite-ors',
      libelle: 'Taux standardisé de mortalité (population France 2006)',
      libelleCourt: 'Mortalité standardisée (calculée)',
      description: 'Taux de mortalité toutes causes standardisé sur l’âge (standardisation directe, population de référence France 2006, deux sexes), calculé à partir des décès par âge de la table ORS.',
      theme: 'etat-sante',
      unite: 'pour 100 000',
      multiplicateur: 100000,
      decimales: 1,
      polarite: 'higher_is_worse',
      methode: 'taux-standardise',
      numerateur: 'Décès par classe d’âge',
      denominateur: 'Population (années-personnes) par classe d’âge',
      sources: [SOURCE],
      niveaux: ['departement', 'region', 'france'],
      niveauBrique: 'departement',
      secret: 'sante',
      seuilDiffusion: 10,
      comparable: true,
      periodes: ['2017-2019'],
      synthetique: true,
      notes: NOTES,
    },
    [{ sql: decesParAgeSql, parametres: { variable: 'deces-toutes-causes' } }],
  ),
  definir(
    {
      id: 'icm-mortalite-ors',
      libelle: 'Indice comparatif de mortalité (ICM)',
      libelleCourt: 'ICM toutes causes',
      description: 'Décès observés rapportés aux décès attendus si le territoire avait les taux par âge de l’ensemble des territoires de la table (× 100).',
      theme: 'etat-sante',
      unite: 'indice (100 = référence)',
      multiplicateur: 100,
      decimales: 1,
      polarite: 'higher_is_worse',
      methode: 'icm',
      numerateur: 'Décès observés',
      denominateur: 'Décès attendus',
      sources: [SOURCE],
      niveaux: ['departement', 'region', 'france'],
      niveauBrique: 'departement',
      secret: 'sante',
      seuilDiffusion: 0,
      comparable: true,
      periodes: ['2017-2019'],
      synthetique: true,
      notes: [...NOTES, 'Référence : taux par âge de l’ensemble des départements de la table (la France quand la table est complète).'],
    },
    [{ sql: decesParAgeSql, parametres: { variable: 'deces-toutes-causes' } }],
  ),
];
