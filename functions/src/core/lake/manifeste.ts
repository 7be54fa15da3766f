import type { Provenance } from '../sources/adapter.ts';
import type { VariableSource } from '../sources/mesures.ts';
import { cleManifesteLake } from '../storage/keys.ts';
import { getJson, type Storage } from '../storage/storage.ts';

/** One published version (millésime) of a dataset in the lake. */
export interface VersionDataset {
  millesime: string;
  cogSource: number | null;
  fichier: string;
  sha256: string;
  cleRaw: string;
  cleParquet: string;
  lignesLues: number;
  lignesAcceptees: number;
  lignesRejetees: number;
  versionSchema: number;
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

/** The most recent millésime of a dataset. */
export function derniereVersion(manifeste: ManifesteDataset): VersionDataset | null {
  const millesimes = Object.keys(manifeste.versions).sort();
  const last = millesimes[millesimes.length - 1];
  return last === undefined ? null : manifeste.versions[last]!;
}
