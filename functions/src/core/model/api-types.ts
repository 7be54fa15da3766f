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

/*
 * Indicators (`/api/indicateurs…` and the territory profile). Value fields keep the column names
 * of the indicator marts (snake_case), so a JSON value, a CSV column and a mart column match.
 */

/** Why a value is what it is (see the indicator engine): `ok`, `partiel`, `masque`, `secret`, … */
export type StatutIndicateur =
  | 'ok'
  | 'partiel'
  | 'masque'
  /** In the marts only: published as `masque` (see api/valeurs.ts, statutPublie). */
  | 'masque_secondaire'
  | 'masque_complementaire'
  | 'secret'
  | 'absent'
  | 'non_disponible'
  | 'non_agrege'
  | 'denominateur_nul'
  | 'non_calculable'
  | 'donnees_incoherentes'
  | 'non_publie';

/** How a value compares with a reference territory; null when not comparable. */
export type Drapeau = 'similar' | 'higher_worse' | 'higher_better' | 'lower_better' | 'lower_worse' | 'higher' | 'lower' | 'not_computable';

/**
 * One value of an indicator for one territory and period, with its comparisons. A masked or
 * secret value (`statut` `masque`, `masque_secondaire`, `masque_complementaire`, `secret`) never carries a number in
 * `valeur`, `numerateur`, `ic_bas`, `ic_haut` or `p_*`.
 */
export interface ValeurIndicateur {
  valeur: number | null;
  ic_bas: number | null;
  ic_haut: number | null;
  methode_ic: string | null;
  statut: StatutIndicateur;
  numerateur: number | null;
  denominateur: number | null;
  /** `petits_effectifs` when the value rests on few events. */
  fiabilite: string | null;
  /** `publie` (the producer's value) or `calcule` (computed from commune values). */
  origine: string | null;
  /** How an unpublished perimeter was approximated (e.g. `moyenne-ponderee-personnes`), else null. */
  approximation: string | null;
  /** Share of the territory's population covered by commune values, in [0, 1]. */
  couverture: number | null;
  departement_reference: string | null;
  valeur_departement: number | null;
  drapeau_departement: Drapeau | null;
  p_departement: number | null;
  region_reference: string | null;
  valeur_region: number | null;
  drapeau_region: Drapeau | null;
  p_region: number | null;
  valeur_france: number | null;
  drapeau_france: Drapeau | null;
  p_france: number | null;
  source: string | null;
  millesime: string | null;
}

/** An indicator in the catalogue: its definition without the SQL. */
export interface IndicateurResume {
  id: string;
  libelle: string;
  libelleCourt: string;
  description: string;
  theme: string;
  libelleTheme: string;
  /** The portrait of the local health diagnostic gathering the theme (`territoire`, `sante`, `ressources`). */
  portrait: string;
  unite: string;
  multiplicateur: number;
  decimales: number;
  polarite: 'higher_is_worse' | 'higher_is_better' | 'neutral';
  methode: string;
  comparable: boolean;
  secret: 'sante' | 'insee' | 'aucun';
  /** Levels the definition produces. */
  niveaux: Niveau[];
  /** Periods of the indicator: those its marts hold (any level, oldest first), else those its definition names. */
  periodes: string[];
  /** True when the source is a synthetic example, never a real figure. */
  synthetique: boolean;
  /** True when the current marts hold values of the indicator. */
  calcule: boolean;
}

/** GET /api/indicateurs */
export interface CatalogueReponse {
  indicateurs: IndicateurResume[];
  themes: Array<{ id: string; libelle: string; portrait: string }>;
  portraits: Array<{ id: string; libelle: string; themes: string[] }>;
}

/** GET /api/indicateurs/{id} */
export interface FicheIndicateurReponse extends IndicateurResume {
  numerateur: string | null;
  denominateur: string | null;
  seuilDiffusion: number;
  /** How an unpublished perimeter is approximated (`aucune` when it is not). */
  approximation: string;
  annees: number | null;
  niveauBrique: string;
  sources: Array<{ producteur: string; jeu: string; millesimes: string[] }>;
  notes: string[];
  /** Periods present in the mart, by level, oldest first. */
  periodesDisponibles: Partial<Record<Niveau, string[]>>;
  /** Rows of the indicator's mart. */
  lignes: number;
  calculeLe: string | null;
}

/** GET /api/indicateurs/{id}/valeurs */
export interface ValeursReponse {
  indicateur: string;
  niveau: Niveau;
  /** The period served (the latest present at this level by default); null when the level has none. */
  periode: string | null;
  periodes: string[];
  filtre: { departement: string } | { region: string } | null;
  valeurs: Array<{ code: string; libelle: string | null } & ValeurIndicateur>;
}

/** One indicator in a territory profile: its latest period at the territory's level. */
export interface IndicateurProfil extends ValeurIndicateur {
  indicateur: string;
  libelle: string;
  libelleCourt: string;
  unite: string;
  decimales: number;
  polarite: IndicateurResume['polarite'];
  synthetique: boolean;
  /** Null with `statut: 'non_disponible'` when the indicator has no value at this level. */
  periode: string | null;
  /**
   * How each reference value (`valeur_departement`, `valeur_region`, `valeur_france`) was
   * approximated, when it is (an unpublished median averaged over communes, say); null when it is
   * the producer's or an exact sum.
   */
  approximation_departement: string | null;
  approximation_region: string | null;
  approximation_france: string | null;
}

/** GET /api/territoires/{niveau}/{code}/profil */
export interface ProfilReponse {
  territoire: TerritoireRef & { parents: TerritoireRef[]; population: number | null };
  calculeLe: string;
  portraits: Array<{
    id: string;
    libelle: string;
    themes: Array<{ id: string; libelle: string; indicateurs: IndicateurProfil[] }>;
  }>;
}

/** GET /api/territoires/{niveau}/{code}/series?indicateur= */
export interface SeriesReponse {
  indicateur: string;
  territoire: TerritoireRef;
  /** The territory first, then its département, région and France references. */
  series: Array<
    TerritoireRef & {
      role: 'territoire' | 'departement' | 'region' | 'france';
      valeurs: Array<{ periode: string } & ValeurIndicateur>;
    }
  >;
}

/** GET /api/territoires/{niveau}/{code}/communes?indicateur=[&periode=] */
export interface CommunesIndicateurReponse {
  territoire: TerritoireRef;
  indicateur: string;
  periode: string | null;
  periodes: string[];
  total: number;
  communes: Array<{ code: string; libelle: string; population: number | null } & ValeurIndicateur>;
}
