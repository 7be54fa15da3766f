import type { SourceValeur } from '../model/api-types.ts';
import type { Harmonisation } from './harmonisation.ts';

export interface EntreeMarts {
  millesime: string;
  sha256: string;
  cleParquet: string;
  cogSource: number | null;
}

export interface PassageRapport {
  codesSource: number;
  identiques: number;
  arrondissements: number;
  transferes: Array<{ code: string; vers: string; detail: string }>;
  nonPlaces: Array<{ code: string; detail: string }>;
  scindes: Array<{ code: string; detail: string }>;
}

/** `marts/manifest.json`: written last; the API reads only what it names. */
export interface ManifesteMarts {
  versionMarts: number;
  calculeLe: string;
  /** Fingerprint of the territories mart's inputs. */
  empreinteTerritoires: string;
  /** Commune-level measure datasets moved to the current COG, by `dataset/version`. */
  harmonisations: Record<string, Harmonisation & { empreinte: string }>;
  entrees: { populations: EntreeMarts; mouvements: EntreeMarts | null };
  /** Fingerprint of the indicator marts' inputs (registry, harmonised measures, published values). */
  empreinteIndicateurs: string;
  marts: {
    territoires: { cle: string; etag: string };
    /** One file per indicator: every value of every territory and period (canonical shape). */
    indicateurs: Record<string, { cle: string; etag: string; lignes: number }>;
    /**
     * CLS perimeters and their communes (`code`, `libelle`, `code_commune`, sorted by code then
     * commune): one territory per perimeter version (`<id>.v<n>`) and one for the latest (`<id>`).
     * Absent from lakes computed before it existed.
     */
    perimetresCls?: { cle: string; etag: string };
    /**
     * The INSEE-secret commune rows, kept out of the indicator files (ADR 0012): one row per
     * indicator and period (`indicateur`, `periode`, `methode`, `origine`, `comparable`, `source`, `millesime`,
     * `codes`: the sorted commune codes). `lignes`: the commune rows they stand for. Absent from
     * lakes computed before marts version 2, whose indicator files hold those rows in full.
     */
    secretsCommunes?: { cle: string; etag: string; listes: number; lignes: number };
  };
  /**
   * Time per stage of the indicator engine, secondary masks, CLS perimeters used, rows written in
   * the indicator files and INSEE-secret commune rows stored as lists.
   */
  moteur: { etapes: Array<{ etape: string; ms: number }>; masquesSecondaires: number; masquesComplementaires?: number; cls: number; lignes: number; secretsCommunes?: number };
  population: SourceValeur;
  rapport: PassageRapport;
}
