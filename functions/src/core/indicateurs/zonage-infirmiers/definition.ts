import { definir } from '../definir.ts';
import sql from './zonage-infirmiers.sql';

export const ZONAGE_INFIRMIERS = definir(
  {
    id: 'part-population-zone-sous-dotee-infirmiers',
    libelle: 'Part de la population vivant en zone très sous-dotée ou sous-dotée en infirmiers',
    libelleCourt: 'Population en zone sous-dotée (infirmiers)',
    description: 'Population municipale des communes classées « très sous-dotées » ou « sous-dotées » par le zonage infirmiers des ARS (CartoSanté), rapportée à la population des communes zonées.',
    theme: 'offre-acces-soins',
    unite: '%',
    multiplicateur: 100,
    decimales: 1,
    polarite: 'higher_is_worse',
    methode: 'ratio',
    numerateur: 'Population des communes très sous-dotées ou sous-dotées',
    denominateur: 'Population des communes zonées',
    sources: [
      { producteur: 'ARS / CartoSanté (Atlasanté)', jeu: 'Zonage infirmiers par commune', millesimes: ['2026'] },
      { producteur: 'Insee', jeu: 'Populations légales', millesimes: ['2023'] },
    ],
    niveaux: ['commune', 'epci', 'departement', 'region', 'france', 'cls'],
    secret: 'aucun',
    seuilDiffusion: 0,
    comparable: false,
    periodes: ['2026'],
    notes: ['Part exhaustive (toutes les communes zonées) : pas d’intervalle de confiance.'],
  },
  [{ sql, parametres: {} }],
);
