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
  marts: { territoires: { cle: string; etag: string } };
  population: SourceValeur;
  rapport: PassageRapport;
}
