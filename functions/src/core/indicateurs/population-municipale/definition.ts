import { definir } from '../definir.ts';
import sql from './population-municipale.sql';

export const POPULATION_MUNICIPALE = definir(
  {
    id: 'population-municipale',
    libelle: 'Population municipale',
    libelleCourt: 'Population',
    description: 'Population municipale des populations légales (recensement), sur la géographie en vigueur.',
    theme: 'demographie',
    unite: 'habitants',
    multiplicateur: 1,
    decimales: 0,
    polarite: 'neutral',
    methode: 'effectif',
    numerateur: 'Population municipale',
    denominateur: null,
    sources: [{ producteur: 'Insee', jeu: 'Recensement de la population, populations légales', millesimes: ['2023'] }],
    niveaux: ['commune', 'epci', 'departement', 'region', 'france', 'cls'],
    secret: 'aucun',
    seuilDiffusion: 0,
    comparable: false,
    periodes: ['2023'],
    notes: ['Populations légales millésime 2023, en vigueur au 1er janvier 2026. Mayotte est absente du fichier communal de l’Insee : la France est alors partielle.'],
  },
  [{ sql, parametres: {} }],
);
