/**
 * The key layout of the lake, shared with the infrastructure (IAM prefixes, S3 triggers):
 *
 *   raw/depot/...                                   uploads (S3 trigger of the ingest Lambda)
 *   raw/<source>/<millesime>/<sha256>.<ext>          immutable copy of every accepted extract
 *   lake/<dataset>/millesime=<YYYY>/[partie=<p>/]data-<hash>.parquet   normalised dataset
 *   lake/<dataset>/manifest.json                     written last: what is published
 *   marts/<mart>/data.parquet                        served tables
 *   marts/manifest.json                              written last: what the API reads
 */

export const PREFIXE_DEPOT = 'raw/depot/';

export function cleRaw(source: string, millesime: string, sha256: string, extension: string): string {
  return `raw/${source}/${millesime}/${sha256}.${extension}`;
}

export function cleLake(dataset: string, millesime: string, partie: string | null, empreinte: string): string {
  // The content hash in the name makes every published version a new object: a reader holding
  // the previous manifest still reads the previous file.
  const p = partie ? `partie=${partie}/` : '';
  return `lake/${dataset}/millesime=${millesime}/${p}data-${empreinte.slice(0, 16)}.parquet`;
}

/** Key of a version in a dataset manifest: the millésime, and the part when there are several. */
export function cleVersion(millesime: string, partie: string | null | undefined): string {
  return partie ? `${millesime}/${partie}` : millesime;
}

export function cleManifesteLake(dataset: string): string {
  return `lake/${dataset}/manifest.json`;
}

export function cleMart(mart: string, empreinte: string): string {
  return `marts/${mart}/data-${empreinte.slice(0, 16)}.parquet`;
}

export const CLE_MANIFESTE_MARTS = 'marts/manifest.json';
