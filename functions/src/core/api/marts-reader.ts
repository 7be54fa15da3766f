import { LacNonPretError, MartsIllisiblesError } from '../errors.ts';
import type { ManifesteMarts } from '../marts/manifeste.ts';
import { sqlPath } from '../duckdb/duckdb.ts';
import { isNiveau, type Niveau } from '../model/niveaux.ts';
import { comparerPeriodes, dernierePeriode } from '../model/periodes.ts';
import type { Runtime } from '../runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../storage/keys.ts';
import { getJson } from '../storage/storage.ts';
import periodesSql from './periodes.sql';
import secretsCommunesSql from './secrets-communes.sql';

/**
 * Gives the API the current marts: the territories mart and the CLS perimeters as DuckDB tables
 * (small: loaded in memory), and the indicator marts as local Parquet files DuckDB reads on each
 * request (large: one file per indicator, sorted by level, code and period, so a territory is a
 * small range). The marts manifest is re-read at most every `ttlMs` (0 = every request);
 * when it names new files, they are fetched (S3: downloaded once per ETag), the territories table
 * is replaced and the periods present in each indicator file are listed once.
 */
export interface MartsReader {
  actuel(): Promise<ManifesteMarts>;
  /** The manifest plus what the API needs to read the indicator marts. */
  etat(): Promise<EtatMarts>;
}

export interface EtatMarts {
  manifeste: ManifesteMarts;
  /** Changes whenever a mart changes: the key of the response caches. */
  version: string;
  indicateurs: ReadonlyMap<string, MartIndicateur>;
  /**
   * True when the lake has the CLS perimeters mart (loaded as the `perimetres_cls` table: code,
   * libelle, code_commune). Older lakes lack it: the table is then empty.
   */
  perimetresCls: boolean;
}

export interface MartIndicateur {
  id: string;
  /** Local Parquet file (a trusted path, quoted with `sqlPath` when embedded in SQL). */
  fichier: string;
  /** True when some of its commune rows are INSEE-secret rows kept as lists (see relations-marts.ts). */
  secrets: boolean;
  /** Rows of the mart: those of its file and those its secret lists stand for. */
  lignes: number;
  /** Periods present at each level, oldest first. */
  periodes: ReadonlyMap<Niveau, readonly string[]>;
  /**
   * The default period at each level: the latest whose values are compared with France (a
   * profile shows a territory beside its département, région and France, and an EPCI and its
   * département the same period: crude mortality 2013-2018 rather than a département-only
   * published 2023 value), else the latest holding at least one value, else the latest present.
   */
  parDefaut: ReadonlyMap<Niveau, string>;
  /**
   * The approximated values of the references (départements, régions, France), by
   * `niveau/code/periode` → approximation method: a reference value shown beside a territory's
   * must say so too (methods.md §1.2: never an approximated median without its flag).
   */
  referencesApprochees: ReadonlyMap<string, string>;
}

export function createMartsReader(runtime: Runtime, options: { ttlMs?: number } = {}): MartsReader {
  const ttlMs = options.ttlMs ?? 0;
  let courant: { etat: EtatMarts; lu: number; etag: string; cleIndicateurs: string } | null = null;
  let enCours: Promise<EtatMarts> | null = null;

  const rafraichir = async (): Promise<EtatMarts> => {
    // The manifest is only re-read when its ETag changes (a stat locally, a HEAD on S3).
    const objet = await runtime.storage.head(CLE_MANIFESTE_MARTS);
    if (!objet) throw new LacNonPretError(`${CLE_MANIFESTE_MARTS} absent`);
    if (courant && courant.etag === objet.etag) {
      courant.lu = Date.now();
      return courant.etat;
    }
    const manifeste = await getJson<ManifesteMarts>(runtime.storage, CLE_MANIFESTE_MARTS);
    if (!manifeste) throw new LacNonPretError(`${CLE_MANIFESTE_MARTS} absent`);
    const cle = manifeste.marts.territoires.cle;
    const clePerimetres = manifeste.marts.perimetresCls?.cle ?? null;
    const marts = manifeste.marts.indicateurs ?? {};
    const secrets = manifeste.marts.secretsCommunes ?? null;
    // (the secret lists tell which commune periods each indicator has: part of its reading)
    const cleIndicateurs = [...Object.entries(marts).map(([id, m]) => `${id}=${m.cle}@${m.etag}`), `secrets=${secrets ? `${secrets.cle}@${secrets.etag}` : ''}`].sort().join('|');
    // the indicator files are fetched (a HEAD each on S3) and read only when one of them changed
    const memes = courant !== null && courant.cleIndicateurs === cleIndicateurs ? courant.etat.indicateurs : null;
    // local file → its key, to name the mart a failure is about
    const cles = new Map<string, string>();
    let indicateurs: ReadonlyMap<string, MartIndicateur>;
    try {
      const fichiers = new Map<string, string>();
      for (const [id, m] of Object.entries(marts)) {
        const fichier = memes?.get(id)?.fichier ?? (await runtime.storage.localPath(m.cle));
        fichiers.set(id, fichier);
        cles.set(fichier, m.cle);
      }
      const chemins = { territoires: cle, perimetres: clePerimetres, secrets: secrets && { cle: secrets.cle, fichiers: [...fichiers.values()], version: `${secrets.cle}@${secrets.etag}|${cleIndicateurs}` } };
      await chargerTables(runtime, chemins, cles);
      indicateurs = memes ?? (await lireIndicateurs(runtime, marts, fichiers));
    } catch (error) {
      // a mart the manifest names but that cannot be read, when the failure names it (by its
      // file, or by its key); any other failure (network, disk, a bug) stays what it is
      const message = error instanceof Error ? error.message : String(error);
      const toutes = [cle, clePerimetres, secrets?.cle, ...Object.values(marts).map((m) => m.cle)].filter((c): c is string => typeof c === 'string');
      const nommee = [...cles].find(([fichier]) => message.includes(fichier))?.[1] ?? toutes.find((c) => message.includes(c));
      if (nommee === undefined) throw error;
      throw new MartsIllisiblesError(nommee, { cause: error });
    }
    const etat: EtatMarts = {
      manifeste,
      version: `${manifeste.calculeLe}|${cle}|${clePerimetres ?? ''}|${cleIndicateurs}`,
      indicateurs,
      perimetresCls: clePerimetres !== null,
    };
    courant = { etat, lu: Date.now(), etag: objet.etag, cleIndicateurs };
    return etat;
  };

  const etat = async (): Promise<EtatMarts> => {
    if (courant && Date.now() - courant.lu < ttlMs) return courant.etat;
    if (!enCours) enCours = rafraichir().finally(() => (enCours = null));
    return enCours;
  };

  return {
    etat,
    async actuel() {
      return (await etat()).manifeste;
    },
  };
}

/**
 * The marts loaded as tables in each database. The tables belong to the database, not to a
 * reader: several readers on one runtime (the local server and a test's API, say) load them one
 * at a time, and only when the mart changed (two concurrent `CREATE OR REPLACE` of one table
 * conflict in DuckDB).
 */
const tablesChargees = new WeakMap<
  Runtime['db'],
  { territoires: string | null; perimetres: string | null | undefined; secrets: string | null | undefined; file: Promise<void> }
>();

/** The INSEE-secret commune lists of a manifest and the local files of its indicator marts. */
interface SecretsACharger {
  cle: string;
  fichiers: readonly string[];
  /** Changes when the lists or an indicator mart change (the reference values come from the marts). */
  version: string;
}

function chargerTables(
  runtime: Runtime,
  cles: { territoires: string; perimetres: string | null; secrets: SecretsACharger | null },
  /** Filled with each local file read → its key. */
  lus: Map<string, string>,
): Promise<void> {
  const etat = tablesChargees.get(runtime.db) ?? { territoires: null, perimetres: undefined, secrets: undefined, file: Promise.resolve() };
  tablesChargees.set(runtime.db, etat);
  const suite = etat.file.then(async () => {
    if (etat.territoires !== cles.territoires) {
      const fichier = await runtime.storage.localPath(cles.territoires);
      lus.set(fichier, cles.territoires);
      await runtime.db.run(`CREATE OR REPLACE TABLE territoires AS SELECT * FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)`);
      etat.territoires = cles.territoires;
    }
    if (etat.perimetres !== cles.perimetres) {
      await chargerPerimetres(runtime, cles.perimetres, lus);
      etat.perimetres = cles.perimetres;
    }
    const versionSecrets = cles.secrets?.version ?? null;
    if (etat.secrets !== versionSecrets) {
      await chargerSecrets(runtime, cles.secrets, lus);
      etat.secrets = versionSecrets;
    }
  });
  // the next load waits for this one, failed or not
  etat.file = suite.catch(() => {});
  return suite;
}

/** The CLS perimeters (small: a few communes per contract) as a table; empty when the lake lacks the mart. */
async function chargerPerimetres(runtime: Runtime, cle: string | null, lus: Map<string, string>): Promise<void> {
  if (cle === null) {
    await runtime.db.run('CREATE OR REPLACE TABLE perimetres_cls (code VARCHAR, libelle VARCHAR, code_commune VARCHAR)');
    return;
  }
  const fichier = await runtime.storage.localPath(cle);
  lus.set(fichier, cle);
  await runtime.db.run(`CREATE OR REPLACE TABLE perimetres_cls AS SELECT code::VARCHAR AS code, libelle::VARCHAR AS libelle, code_commune::VARCHAR AS code_commune FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)`);
}

/**
 * The INSEE-secret commune lists (ADR 0012) as tables: `secrets_indicateurs` (one row per
 * indicator and period, `ensemble` naming its list: most indicators of one Filosofi file share the
 * same list), `secrets_codes` (ensemble, code; sorted by code, so a commune is one small range),
 * `secrets_references` (the département, région and France values of those indicators), and the
 * view `secrets_lignes` that rebuilds the rows. Empty for lakes without the lists.
 */
async function chargerSecrets(runtime: Runtime, secrets: SecretsACharger | null, lus: Map<string, string>): Promise<void> {
  const db = runtime.db;
  if (secrets === null) {
    await db.run(`CREATE OR REPLACE TABLE secrets_indicateurs (
        indicateur VARCHAR, periode VARCHAR, methode VARCHAR, origine VARCHAR, comparable BOOLEAN, source VARCHAR, millesime VARCHAR, ensemble INTEGER)`);
    await db.run('CREATE OR REPLACE TABLE secrets_codes (ensemble INTEGER, code VARCHAR)');
    await db.run('CREATE OR REPLACE TABLE secrets_references (indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR, valeur DOUBLE)');
  } else {
    const fichier = await runtime.storage.localPath(secrets.cle);
    lus.set(fichier, secrets.cle);
    await db.run(`CREATE OR REPLACE TABLE secrets_listes AS
        SELECT *, dense_rank() OVER (ORDER BY codes)::INTEGER AS ensemble FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)`);
    await db.run('CREATE OR REPLACE TABLE secrets_indicateurs AS SELECT * EXCLUDE (codes) FROM secrets_listes');
    await db.run(`CREATE OR REPLACE TABLE secrets_codes AS
        SELECT ensemble, unnest(codes) AS code FROM (SELECT DISTINCT ON (ensemble) ensemble, codes FROM secrets_listes) ORDER BY code, ensemble`);
    await db.run('DROP TABLE secrets_listes');
    const sources = secrets.fichiers.length > 0 ? `read_parquet([${secrets.fichiers.map(sqlPath).join(', ')}], hive_partitioning = false)` : null;
    await db.run(
      sources === null
        ? 'CREATE OR REPLACE TABLE secrets_references (indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR, valeur DOUBLE)'
        : 
      `CREATE OR REPLACE TABLE secrets_references AS
        SELECT indicateur, niveau, code, periode, valeur
        FROM ${sources}
        WHERE niveau IN ('departement', 'region', 'france')
            AND indicateur IN (SELECT indicateur FROM secrets_indicateurs)`,
    );
  }
  await db.run(secretsCommunesSql);
}

/** Lists, in one scan of the indicator files, the periods present at each level and those with values. */
async function lireIndicateurs(runtime: Runtime, marts: ManifesteMarts['marts']['indicateurs'], fichiers: ReadonlyMap<string, string>): Promise<Map<string, MartIndicateur>> {
  const entrees = Object.entries(marts);
  const parFichier = new Map<string, string>([...fichiers].map(([id, f]) => [f, id]));
  const periodes = new Map<string, Map<Niveau, Array<{ periode: string; avecValeur: boolean; avecReference: boolean }>>>();
  if (fichiers.size > 0) {
    const rows = await runtime.db.all<{ fichier: string; niveau: string; periode: string; avec_valeur: boolean; avec_reference: boolean }>(periodesSql.replaceAll('{{fichiers}}', () => [...fichiers.values()].map(sqlPath).join(', ')));
    for (const r of rows) {
      const id = parFichier.get(r.fichier);
      if (id === undefined || !isNiveau(r.niveau)) continue;
      const parNiveau = periodes.get(id) ?? new Map<Niveau, Array<{ periode: string; avecValeur: boolean; avecReference: boolean }>>();
      parNiveau.set(r.niveau, [...(parNiveau.get(r.niveau) ?? []), { periode: r.periode, avecValeur: r.avec_valeur, avecReference: r.avec_reference }]);
      periodes.set(id, parNiveau);
    }
  }
  // periods whose secret communes are kept as lists (a period of secret communes only is present
  // too), and how many rows the lists stand for
  const secretes = new Map<string, number>();
  const listes = await runtime.db.all<{ indicateur: string; periode: string; n: number }>(
    'SELECT s.indicateur, s.periode, count(*)::INTEGER AS n FROM secrets_indicateurs AS s JOIN secrets_codes AS c USING (ensemble) GROUP BY ALL',
  );
  for (const r of listes) {
    secretes.set(r.indicateur, (secretes.get(r.indicateur) ?? 0) + r.n);
    const parNiveau = periodes.get(r.indicateur) ?? new Map<Niveau, Array<{ periode: string; avecValeur: boolean; avecReference: boolean }>>();
    const liste = parNiveau.get('commune') ?? [];
    if (!liste.some((x) => x.periode === r.periode)) liste.push({ periode: r.periode, avecValeur: false, avecReference: false });
    parNiveau.set('commune', liste);
    periodes.set(r.indicateur, parNiveau);
  }
  const approchees = new Map<string, Map<string, string>>();
  if (fichiers.size > 0) {
    const rows = await runtime.db.all<{ fichier: string; niveau: string; code: string; periode: string; approximation: string }>(
      `SELECT filename AS fichier, niveau, code, periode, approximation
       FROM read_parquet([${[...fichiers.values()].map(sqlPath).join(', ')}], filename = true, hive_partitioning = false)
       WHERE niveau IN ('departement', 'region', 'france') AND approximation IS NOT NULL`,
    );
    for (const r of rows) {
      const id = parFichier.get(r.fichier);
      if (id === undefined) continue;
      const m = approchees.get(id) ?? new Map<string, string>();
      m.set(`${r.niveau}/${r.code}/${r.periode}`, r.approximation);
      approchees.set(id, m);
    }
  }
  const out = new Map<string, MartIndicateur>();
  for (const [id, m] of entrees) {
    const parNiveau = new Map<Niveau, string[]>();
    const parDefaut = new Map<Niveau, string>();
    for (const [niveau, liste] of periodes.get(id) ?? []) {
      const triees = liste.map((x) => x.periode).sort(comparerPeriodes);
      parNiveau.set(niveau, triees);
      parDefaut.set(
        niveau,
        dernierePeriode(liste.filter((x) => x.avecReference).map((x) => x.periode)) ?? dernierePeriode(liste.filter((x) => x.avecValeur).map((x) => x.periode)) ?? triees.at(-1)!,
      );
    }
    out.set(id, { id, fichier: fichiers.get(id)!, secrets: secretes.has(id), lignes: m.lignes + (secretes.get(id) ?? 0), periodes: parNiveau, parDefaut, referencesApprochees: approchees.get(id) ?? new Map() });
  }
  return out;
}
