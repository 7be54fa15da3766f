import type { Provenance } from '../sources/adapter.ts';
import type { VariableSource } from '../sources/mesures.ts';
import { cleManifesteLake } from '../storage/keys.ts';
import { getJson, type Storage } from '../storage/storage.ts';

/** One published version (millésime) of a dataset in the lake. */
export interface VersionDataset {
  millesime: string;
  /** Part of the millésime (e.g. the geographic level of a Filosofi file), or null. */
  partie: string | null;
  cogSource: number | null;
  fichier: string;
  sha256: string;
  cleRaw: string;
  cleParquet: string;
  lignesLues: number;
  lignesAcceptees: number;
  lignesRejetees: number;
  /** Rows of the normalised dataset (measures: one per territory × variable × period). */
  lignesDataset: number;
  versionSchema: number;
  /** The millésime given with the file (`--millesime`, catalogue, S3 key), or null. */
  millesimeImpose?: string | null;
  ingereLe: string;
  /** Encoding the text was read in (`null` for binary formats). */
  encodage: string | null;
  /** Measure datasets: their variables and the geographic levels present. */
  variables?: VariableSource[];
  niveaux?: string[];
}

/** `lake/<dataset>/manifest.json`: written last, so a reader never sees half a publication. */
export interface ManifesteDataset {
  dataset: string;
  libelle: string;
  provenance: Provenance;
  versions: Record<string, VersionDataset>;
}

export async function lireManifesteDataset(storage: Storage, dataset: string): Promise<ManifesteDataset | null> {
  return getJson<ManifesteDataset>(storage, cleManifesteLake(dataset));
}

/** The most recent millésime of a dataset (of a given part, if any). */
export function derniereVersion(manifeste: ManifesteDataset, partie: string | null = null): VersionDataset | null {
  const versions = Object.values(manifeste.versions)
    .filter((v) => (v.partie ?? null) === partie)
    .sort((a, b) => (a.millesime < b.millesime ? -1 : a.millesime > b.millesime ? 1 : 0));
  return versions[versions.length - 1] ?? null;
}
