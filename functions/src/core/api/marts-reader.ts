import { LacNonPretError } from '../errors.ts';
import type { ManifesteMarts } from '../marts/manifeste.ts';
import { sqlPath } from '../duckdb/duckdb.ts';
import type { Runtime } from '../runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../storage/keys.ts';
import { getJson } from '../storage/storage.ts';

/**
 * Gives the API the current marts as DuckDB tables (small: loaded in memory). The marts manifest is re-read at most every
 * `ttlMs` (0 = every request, the local default); when it names new files, they are fetched
 * (S3: downloaded once per ETag) and the tables are replaced.
 */
export interface MartsReader {
  actuel(): Promise<ManifesteMarts>;
}

export function createMartsReader(runtime: Runtime, options: { ttlMs?: number } = {}): MartsReader {
  const ttlMs = options.ttlMs ?? 0;
  let courant: { manifeste: ManifesteMarts; lu: number; cle: string } | null = null;
  let enCours: Promise<ManifesteMarts> | null = null;

  const rafraichir = async (): Promise<ManifesteMarts> => {
    const manifeste = await getJson<ManifesteMarts>(runtime.storage, CLE_MANIFESTE_MARTS);
    if (!manifeste) throw new LacNonPretError(`${CLE_MANIFESTE_MARTS} absent`);
    const cle = manifeste.marts.territoires.cle;
    if (!courant || courant.cle !== cle) {
      const fichier = await runtime.storage.localPath(cle);
      await runtime.db.run(`CREATE OR REPLACE TABLE territoires AS SELECT * FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)`);
    }
    courant = { manifeste, lu: Date.now(), cle };
    return manifeste;
  };

  return {
    async actuel() {
      if (courant && Date.now() - courant.lu < ttlMs) return courant.manifeste;
      if (!enCours) enCours = rafraichir().finally(() => (enCours = null));
      return enCours;
    },
  };
}
