/**
 * JSON shapes of the public API (`/api/...`). Browser-safe types shared by the core (which
 * produces them) and the web app (which displays them). Field names are French domain words.
 */
import type { Niveau } from './niveaux.ts';

export interface TerritoireRef {
  niveau: Niveau;
  code: string;
  libelle: string;
}

/** Where a value comes from: shown beside every value in the UI. */
export interface SourceValeur {
  indicateur: string; // 'population-municipale'
  libelle: string; // 'Population municipale'
  producteur: string; // 'Insee'
  source: string; // 'Recensement de la population, populations légales'
  millesime: string; // '2023'
  enVigueurDepuis: string | null; // ISO date, '2026-01-01'
  geographie: string; // 'COG 2026'
}

/** `statut` says why a value is what it is: `ok`, `partiel` (some communes lack a value), `absent`. */
export type StatutValeur = 'ok' | 'partiel' | 'absent';

export interface Population {
  valeur: number | null;
  statut: StatutValeur;
  /** Communes of the territory, and how many of them have a value in the source. */
  communes: number;
  communesAvecValeur: number;
  source: SourceValeur;
}

/** GET /api/territoires?q= */
export interface RechercheReponse {
  q: string;
  resultats: Array<TerritoireRef & { contexte: string | null; population: number | null }>;
}

/** GET /api/territoires/{niveau}/{code} */
export interface TerritoireReponse extends TerritoireRef {
  parents: TerritoireRef[];
  population: Population;
}

/** GET /api/territoires/{niveau}/{code}/communes */
export interface CommunesReponse {
  territoire: TerritoireRef;
  total: number;
  tri: 'population' | 'libelle' | 'code';
  ordre: 'asc' | 'desc';
  limite: number;
  decalage: number;
  communes: Array<{ code: string; libelle: string; population: number | null; statut: StatutValeur }>;
  source: SourceValeur;
}

/** Every 4xx/5xx body. `message` is French and names the parameter at fault. */
export interface ErreurReponse {
  erreur: { code: string; message: string; parametre?: string };
}

/** GET /api/sources: every dataset of the lake with its provenance, version by version. */
export interface SourcesReponse {
  sources: Array<{
    dataset: string;
    libelle: string;
    producteur: string;
    jeuDeDonnees: string;
    licence: string;
    versions: Array<{
      millesime: string;
      partie: string | null;
      fichier: string;
      sha256: string;
      geographieSource: string | null;
      encodage: string | null;
      niveaux: string[];
      variables: Array<{ id: string; libelle: string; unite: string; colonneSource: string }>;
      lignesLues: number;
      lignesAcceptees: number;
      lignesRejetees: number;
      ingereLe: string;
    }>;
  }>;
}
