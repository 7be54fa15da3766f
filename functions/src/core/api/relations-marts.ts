import { sqlPath } from '../duckdb/duckdb.ts';
import type { MartIndicateur } from './marts-reader.ts';

/**
 * What the queries read of the indicator marts: their Parquet files plus the INSEE-secret commune
 * rows the engine keeps out of them as lists (ADR 0012), rebuilt by the view `secrets_lignes`
 * (secrets-communes.sql). Every reader of an indicator mart goes through these relations, so
 * that a secret commune is served as `secret`, never as absent.
 */

type SourceMart = Pick<MartIndicateur, 'id' | 'fichier' | 'secrets'>;

const IDENTIFIANT = /^[a-z0-9][a-z0-9-]*$/;

function litteralId(id: string): string {
  // ids come from the marts manifest the engine wrote: checked anyway before they become literals
  if (!IDENTIFIANT.test(id)) throw new Error(`Identifiant d’indicateur inattendu dans le manifeste : ${id}`);
  return `'${id}'`;
}

/** One indicator mart as a relation (a trusted path). */
export function relationMart(m: SourceMart): string {
  const fichier = `read_parquet(${sqlPath(m.fichier)}, hive_partitioning = false)`;
  if (!m.secrets) return fichier;
  return `(SELECT * FROM ${fichier} UNION ALL BY NAME SELECT * FROM secrets_lignes WHERE indicateur = ${litteralId(m.id)})`;
}

/** Several indicator marts as one relation, each row with the `filename` of its mart. */
export function relationMarts(marts: readonly SourceMart[]): string {
  const fichiers = `SELECT * FROM read_parquet([${marts.map((m) => sqlPath(m.fichier)).join(', ')}], filename = true, hive_partitioning = false)`;
  const avecSecrets = marts.filter((m) => m.secrets);
  if (avecSecrets.length === 0) return `(${fichiers})`;
  const noms = avecSecrets.map((m) => `(${sqlPath(m.fichier)}, ${litteralId(m.id)})`).join(', ');
  return `(${fichiers}
    UNION ALL BY NAME
    SELECT f.filename, s.* FROM secrets_lignes AS s JOIN (VALUES ${noms}) AS f(filename, indicateur) USING (indicateur))`;
}
