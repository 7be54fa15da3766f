import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { sqlPath } from '../duckdb/duckdb.ts';
import type { Runtime } from '../runtime.ts';
import { SourceSchemaError } from '../errors.ts';
import { entreeSource } from '../sources/adapter.ts';
import { adaptateurParId, detecterFormat } from '../sources/registry.ts';
import { getJson } from '../storage/storage.ts';
import { cleLake, cleManifesteLake, cleRaw, cleVersion } from '../storage/keys.ts';
import { lireManifesteDataset, type ManifesteDataset, type VersionDataset } from './manifeste.ts';

export interface IngestInput {
  /** File name for messages and provenance (no directory). */
  fichier: string;
  bytes: Uint8Array;
  /** Explicit millésime, for formats that do not carry their year. */
  millesime?: string | null;
}

export interface IngestResultat {
  statut: 'publie' | 'inchange';
  dataset: string;
  millesime: string;
  version: VersionDataset;
}

/**
 * Ingests one extract: detect its format, validate every line, then publish in this order —
 * immutable raw copy, Parquet dataset, manifest last. Validation happens before any write, so a
 * bad file leaves the lake byte-identical; the same file twice is a no-op.
 */
export async function ingererExtrait(runtime: Runtime, input: IngestInput): Promise<IngestResultat> {
  const { storage, db } = runtime;
  if (input.bytes.byteLength === 0) throw new SourceSchemaError({ fichier: input.fichier }, 'fichier vide');
  // The same bytes already published, under the same schema and given with the same millésime:
  // nothing to parse again — `npm start` on an up-to-date lake only hashes its files.
  const sha256Entree = createHash('sha256').update(input.bytes).digest('hex');
  const deja = await versionPubliee(runtime, sha256Entree, input.millesime ?? null);
  if (deja) return { statut: 'inchange', dataset: deja.dataset, millesime: deja.version.millesime, version: deja.version };
  const entree = entreeSource(input.fichier, input.bytes);
  const adapter = detecterFormat(entree);
  const extrait = adapter.lire(entree, input.millesime ?? null);
  const sha256 = sha256Entree;

  const manifeste = await lireManifesteDataset(storage, adapter.id);
  const partie = extrait.partie ?? null;
  const cleV = cleVersion(extrait.millesime, partie);
  const existante = manifeste?.versions[cleV];
  if (existante && existante.sha256 === sha256 && existante.versionSchema === adapter.versionSchema) {
    return { statut: 'inchange', dataset: adapter.id, millesime: extrait.millesime, version: existante };
  }

  const raw = cleRaw(adapter.id, extrait.millesime, sha256, adapter.extension);
  if (!(await storage.head(raw))) await storage.put(raw, input.bytes, { contentType: 'text/csv; charset=utf-8' });

  const workDir = await mkdtemp(path.join(runtime.tmpDir, 'ingest-'));
  try {
    const parquet = path.join(workDir, 'data.parquet');
    const lignesAcceptees = extrait.lignesAcceptees ?? extrait.rangees?.nombre ?? extrait.lignes.length;
    const normalisation = extrait.normalisationSql ?? adapter.normalisationSql;
    if (!normalisation) throw new Error(`Adaptateur ${adapter.id} sans SQL de normalisation`);
    const lignesDataset = await db.sequentialSession(async (s) => {
      const staging = { nom: 'staging', colonnes: extrait.colonnes, lignes: extrait.rangees ? extrait.rangees.parcourir() : extrait.lignes };
      for (const table of [staging, ...(extrait.annexes ?? [])]) {
        await s.run(`CREATE TEMP TABLE ${table.nom} (${table.colonnes.map((c) => `"${c.nom}" ${c.type}`).join(', ')})`);
        await s.append(table.nom, table.lignes, table.colonnes.map((c) => c.type));
        if (Array.isArray(table.lignes)) table.lignes.length = 0; // in DuckDB now: let the JavaScript copy go
      }
      const parametres = Object.fromEntries(Object.entries(extrait.parametres ?? {}).map(([k, v]) => [k, listValue(v)]));
      await s.run(`COPY (${normalisation}) TO ${sqlPath(parquet)} (FORMAT parquet, COMPRESSION zstd)`, parametres);
      const [row] = await s.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlPath(parquet)}, hive_partitioning = false)`);
      return row?.n ?? 0;
    });
    const empreinte = createHash('sha256').update(`${sha256}:${adapter.versionSchema}:${cleV}`).digest('hex');
    const cleParquet = cleLake(adapter.id, extrait.millesime, partie, empreinte);
    await runtime.storage.putFile(cleParquet, parquet, { contentType: 'application/vnd.apache.parquet' });

    const version: VersionDataset = {
      millesime: extrait.millesime,
      partie,
      cogSource: extrait.cogSource,
      fichier: input.fichier,
      sha256,
      cleRaw: raw,
      cleParquet,
      lignesLues: extrait.lignesLues,
      lignesAcceptees,
      lignesRejetees: extrait.lignesLues - lignesAcceptees,
      lignesDataset,
      versionSchema: adapter.versionSchema,
      millesimeImpose: input.millesime ?? null,
      ingereLe: runtime.now().toISOString(),
      encodage: (() => {
        try {
          return entree.texte().encodage;
        } catch {
          return null; // a binary format (XLSX, ZIP)
        }
      })(),
      ...(extrait.variables ? { variables: extrait.variables } : {}),
      ...(extrait.niveaux ? { niveaux: extrait.niveaux } : {}),
    };
    const suivant: ManifesteDataset = {
      dataset: adapter.id,
      libelle: adapter.libelle,
      provenance: adapter.provenance,
      versions: { ...(manifeste?.versions ?? {}), [cleV]: version },
    };
    await storage.put(cleManifesteLake(adapter.id), `${JSON.stringify(suivant, null, 2)}\n`, { contentType: 'application/json' });
    return { statut: 'publie', dataset: adapter.id, millesime: extrait.millesime, version };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** A published version of any dataset holding exactly these bytes, under the current schema, given with the same millésime. */
async function versionPubliee(runtime: Runtime, sha256: string, millesime: string | null): Promise<{ dataset: string; version: VersionDataset } | null> {
  const cles = (await runtime.storage.list('lake/')).map((o) => o.key).filter((k) => /^lake\/[a-z0-9-]+\/manifest\.json$/.test(k));
  for (const cle of cles) {
    const m = await getJson<ManifesteDataset>(runtime.storage, cle);
    const adapter = m ? adaptateurParId(m.dataset) : undefined;
    if (!m || !adapter) continue;
    const v = Object.values(m.versions).find((x) => x.sha256 === sha256 && x.versionSchema === adapter.versionSchema && (x.millesimeImpose ?? null) === millesime);
    if (v) return { dataset: m.dataset, version: v };
  }
  return null;
}
