import { valeursPubliees } from '../commun.ts';
import { definir } from '../definir.ts';
import type { Indicateur, Polarite } from '../types.ts';

/**
 * Published health-status values by département (INSEE Statistiques locales 2023, CépiDc
 * standardised death rates 2010-2023): shown as published with their source; never recomputed,
 * never averaged into a région (methods.md §1.3). Without deaths by age no local recomputation
 * can be checked against them (data-formats.md).
 */

const STATS_LOCALES = { producteur: 'Insee', jeu: 'Statistiques locales : espérance de vie et mortalité par département', millesimes: ['2023'] };
const CEPIDC = { producteur: 'CépiDc (Inserm)', jeu: 'Taux standardisés de décès par département', millesimes: ['2010-2023'] };
const NOTE = 'Valeur publiée par département, sans intervalle de confiance ; non calculable pour les autres périmètres.';
// Units: INSEE Statistiques locales gives its death rates per 1 000 inhabitants (Ain 2023: 0-64
// → 1.4, 65 + → 35.7; data/insee/statistiques-locales/PROVENANCE.md), the CépiDc per 100 000.

function publie(args: { id: string; dataset: string; variable: string; libelle: string; libelleCourt: string; unite: string; decimales: number; polarite: Polarite; source: typeof STATS_LOCALES; periodes: string[]; notes?: string[] }): Indicateur {
  return definir(
    {
      id: args.id,
      libelle: args.libelle,
      libelleCourt: args.libelleCourt,
      description: `${args.libelle} (valeur publiée).`,
      theme: 'etat-sante',
      unite: args.unite,
      multiplicateur: 1,
      decimales: args.decimales,
      polarite: args.polarite,
      methode: 'publie',
      numerateur: null,
      denominateur: null,
      sources: [args.source],
      niveaux: ['departement'],
      niveauBrique: 'departement',
      secret: 'aucun',
      seuilDiffusion: 0,
      comparable: false,
      periodes: args.periodes,
      notes: [NOTE, ...(args.notes ?? [])],
    },
    [valeursPubliees({ dataset: args.dataset, variable: args.variable, niveaux: ['departement', 'region', 'france'] })],
  );
}

const ANNEES_CEPIDC = Array.from({ length: 14 }, (_, i) => String(2010 + i));

export const INDICATEURS_MORTALITE_PUBLIEE: Indicateur[] = [
  publie({ id: 'esperance-vie-naissance-femmes', dataset: 'geoclip', variable: 'esperance-de-vie-des-femmes-a-la-naissance', libelle: 'Espérance de vie des femmes à la naissance', libelleCourt: 'Espérance de vie (femmes)', unite: 'années', decimales: 1, polarite: 'higher_is_better', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'esperance-vie-naissance-hommes', dataset: 'geoclip', variable: 'esperance-de-vie-des-hommes-a-la-naissance', libelle: 'Espérance de vie des hommes à la naissance', libelleCourt: 'Espérance de vie (hommes)', unite: 'années', decimales: 1, polarite: 'higher_is_better', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'esperance-vie-60-ans-femmes', dataset: 'geoclip', variable: 'esperance-de-vie-des-femmes-a-60-ans', libelle: 'Espérance de vie des femmes à 60 ans', libelleCourt: 'Espérance de vie à 60 ans (femmes)', unite: 'années', decimales: 1, polarite: 'higher_is_better', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'esperance-vie-60-ans-hommes', dataset: 'geoclip', variable: 'esperance-de-vie-des-hommes-a-60-ans', libelle: 'Espérance de vie des hommes à 60 ans', libelleCourt: 'Espérance de vie à 60 ans (hommes)', unite: 'années', decimales: 1, polarite: 'higher_is_better', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite-prematuree', dataset: 'geoclip', variable: 'taux-de-mortalite-standardise-des-0-a-64-ans', libelle: 'Taux standardisé de mortalité prématurée (0-64 ans)', libelleCourt: 'Mortalité prématurée standardisée', unite: '‰', decimales: 1, polarite: 'higher_is_worse', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite-65-ans-et-plus', dataset: 'geoclip', variable: 'taux-de-mortalite-standardise-des-65-ans-ou-plus', libelle: 'Taux standardisé de mortalité des 65 ans et plus', libelleCourt: 'Mortalité standardisée 65 ans et plus', unite: '‰', decimales: 1, polarite: 'higher_is_worse', source: STATS_LOCALES, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite', dataset: 'cepidc-long', variable: 'taux-standardise-mortalite-toutes-causes', libelle: 'Taux standardisé de mortalité toutes causes', libelleCourt: 'Mortalité standardisée', unite: 'pour 100 000', decimales: 1, polarite: 'higher_is_worse', source: CEPIDC, periodes: ANNEES_CEPIDC, notes: ['Population de référence choisie par le CépiDc (voir la source).'] }),
  publie({ id: 'taux-standardise-mortalite-tumeurs', dataset: 'cepidc-long', variable: 'taux-standardise-mortalite-tumeurs', libelle: 'Taux standardisé de mortalité par tumeurs', libelleCourt: 'Mortalité par tumeurs', unite: 'pour 100 000', decimales: 1, polarite: 'higher_is_worse', source: CEPIDC, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite-circulatoire', dataset: 'cepidc-long', variable: 'taux-standardise-mortalite-maladies-de-l-appareil-circulatoire', libelle: 'Taux standardisé de mortalité par maladies de l’appareil circulatoire', libelleCourt: 'Mortalité cardio-vasculaire', unite: 'pour 100 000', decimales: 1, polarite: 'higher_is_worse', source: CEPIDC, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite-respiratoire', dataset: 'cepidc-long', variable: 'taux-standardise-mortalite-maladies-de-l-appareil-respiratoire', libelle: 'Taux standardisé de mortalité par maladies de l’appareil respiratoire', libelleCourt: 'Mortalité respiratoire', unite: 'pour 100 000', decimales: 1, polarite: 'higher_is_worse', source: CEPIDC, periodes: ['2023'] }),
  publie({ id: 'taux-standardise-mortalite-causes-externes', dataset: 'cepidc-long', variable: 'taux-standardise-mortalite-causes-externes-de-morbidite-et-mortalite', libelle: 'Taux standardisé de mortalité par causes externes (accidents, suicides…)', libelleCourt: 'Mortalité par causes externes', unite: 'pour 100 000', decimales: 1, polarite: 'higher_is_worse', source: CEPIDC, periodes: ['2023'] }),
];
