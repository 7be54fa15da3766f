import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { sqlPath, type Params, type Session } from '../duckdb/duckdb.ts';
import macrosSql from '../sql/macros.sql';
import { exactPoissonInterval } from '../stats/rates.ts';
import { zForConfidence } from '../stats/distributions.ts';
import agregationSql from './agregation.sql';
import diffusionSql from './diffusion.sql';
import { INDICATEURS } from './registry.ts';
import type { Indicateur, ParametreSql } from './types.ts';
import resultatsSql from './resultats.sql';
import pairesEmboiteesSql from './paires-emboitees.sql';
import secondaireSql from './secret-secondaire.sql';
import secretsCommunesSql from './secrets-communes.sql';
import { masquesSysteme } from './secret-systeme.ts';

/**
 * The indicator engine: runs every indicator's SQL into bricks, then aggregates, standardises,
 * computes intervals, applies secrecy and compares, once for all indicators, in DuckDB.
 * Inputs are logical views created by the caller (see briques.md): `mesures`, `publies`,
 * `populations`, plus `appartenance`, `appartenance_dep`, `references_territoires`,
 * `territoires_connus`, `populations_territoires`.
 */

/** One source table of a view: a trusted local path and its dataset/millésime labels. */
export interface SourceParquet {
  dataset: string;
  millesime: string;
  fichier: string;
  /** COG of the codes (published values: the geography their territories are drawn on). */
  cogSource?: number | null;
}

const IDENTIFIANT = /^[a-z0-9][a-z0-9-]*$/;
const MILLESIME = /^[0-9]{4}(?:-[0-9]{4})?$/;

function litteral(valeur: string, motif: RegExp): string {
  // Dataset names and millésimes come from manifests the engine wrote; checked anyway before
  // they become SQL literals.
  if (!motif.test(valeur)) throw new Error(`Valeur inattendue dans un manifeste : ${valeur}`);
  return `'${valeur}'`;
}

/** `mesures`: the harmonised commune measures of every dataset version, as one view. */
export async function creerVueMesures(s: Session, sources: readonly SourceParquet[]): Promise<void> {
  const parties = sources.map(
    (x) => `SELECT ${litteral(x.dataset, IDENTIFIANT)} AS dataset, ${litteral(x.millesime, MILLESIME)} AS millesime,
      coalesce(code_commune, '?' || codes_source) AS cle, code_commune, code_departement, variable, periode, sexe, age, valeur, modalite, statut
      FROM read_parquet(${sqlPath(x.fichier)}, hive_partitioning = false)`,
  );
  const vide = `SELECT NULL::VARCHAR AS dataset, NULL::VARCHAR AS millesime, NULL::VARCHAR AS cle, NULL::VARCHAR AS code_commune, NULL::VARCHAR AS code_departement,
      NULL::VARCHAR AS variable, NULL::VARCHAR AS periode, NULL::VARCHAR AS sexe, NULL::VARCHAR AS age, NULL::DOUBLE AS valeur, NULL::VARCHAR AS modalite, NULL::VARCHAR AS statut WHERE false`;
  await s.run(`CREATE OR REPLACE TEMP VIEW mesures AS ${[vide, ...parties].join('\nUNION ALL\n')}`);
}

/** `publies`: values published for levels above the commune, from the lake. */
export async function creerVuePublies(s: Session, sources: readonly SourceParquet[]): Promise<void> {
  const parties = sources.map(
    (x) => `SELECT ${litteral(x.dataset, IDENTIFIANT)} AS dataset, ${litteral(x.millesime, MILLESIME)} AS millesime,
      ${Number.isInteger(x.cogSource) ? String(x.cogSource) : 'NULL'}::INTEGER AS cog_source,
      niveau, code, variable, periode, sexe, age, valeur, statut
      FROM read_parquet(${sqlPath(x.fichier)}, hive_partitioning = false)
      -- levels above the commune only; France métropolitaine is not France
      WHERE niveau IN ('epci', 'departement', 'region', 'france')`,
  );
  const vide = `SELECT NULL::VARCHAR AS dataset, NULL::VARCHAR AS millesime, NULL::INTEGER AS cog_source, NULL::VARCHAR AS niveau, NULL::VARCHAR AS code, NULL::VARCHAR AS variable,
      NULL::VARCHAR AS periode, NULL::VARCHAR AS sexe, NULL::VARCHAR AS age, NULL::DOUBLE AS valeur, NULL::VARCHAR AS statut WHERE false`;
  await s.run(`CREATE OR REPLACE TEMP VIEW publies AS ${[vide, ...parties].join('\nUNION ALL\n')}`);
}

/** Runs a SQL script statement by statement (statements end with `;` at the end of a line). */
export async function executerScript(s: Session, script: string): Promise<void> {
  for (const instruction of script.split(/;\s*\n/)) {
    const sql = instruction.replace(/^\s*--.*$/gm, '').trim().replace(/;$/, '');
    if (sql) await s.run(sql);
  }
}

export async function chargerMacros(s: Session): Promise<void> {
  await executerScript(s, macrosSql);
}

export interface EtapeMoteur {
  etape: string;
  ms: number;
}

/**
 * The order indicators are computed in: the registry's, except that an indicator masked with
 * others (`masqueAvec`) comes after every indicator, so that their masks are known (the registry
 * refuses a `masqueAvec` that is itself masked with another).
 */
const ORDRE_MOTEUR: readonly Indicateur[] = [...INDICATEURS.filter((i) => i.definition.masqueAvec.length === 0), ...INDICATEURS.filter((i) => i.definition.masqueAvec.length > 0)];

/** Bricks held before a batch is processed: bounds memory (one Filosofi indicator is ~250 k). */
const BRIQUES_PAR_LOT = 1_200_000;

/** Indicators of one family run as one query (bounds the batch's growth between two checks). */
const INDICATEURS_PAR_FAMILLE = 4;

/** SQL type of a family parameter, from its value: numbers are DOUBLE, so that 1 and 2.5 share a column. */
function typeSql(valeur: ParametreSql): string {
  if (Array.isArray(valeur)) return valeur.some((v) => typeof v === 'string') ? 'VARCHAR[]' : 'DOUBLE[]';
  return typeof valeur === 'number' ? 'DOUBLE' : 'VARCHAR';
}

/** Runs the requetes of several indicators of one family as one query (see RequeteIndicateur.famille). */
async function executerFamille(
  s: Session,
  sql: string,
  lignes: ReadonlyArray<{ indicateur: string; parametres: Record<string, ParametreSql>; variables: readonly string[] | undefined }>,
): Promise<void> {
  const [premiere] = lignes;
  if (!premiere) return;
  const variables = new Set<string>();
  for (const l of lignes) {
    if (!l.variables || l.variables.length === 0) throw new Error(`Famille de requêtes : variables lues absentes pour ${l.indicateur}`);
    for (const v of l.variables) variables.add(v);
  }
  const noms = Object.keys(premiere.parametres);
  const colonnes = ['indicateur VARCHAR', ...noms.map((n) => `${n} ${typeSql(premiere.parametres[n]!)}`)];
  await s.run(`CREATE OR REPLACE TEMP TABLE requetes_lot (${colonnes.join(', ')})`);
  for (const l of lignes) {
    const valeurs: Params = { indicateur: l.indicateur };
    // lists are bound as DuckDB lists (their element type is read from the values, then cast)
    for (const n of noms) {
      const v = l.parametres[n];
      if (v === undefined) throw new Error(`Famille de requêtes : paramètre « ${n} » absent pour ${l.indicateur}`);
      valeurs[n] = Array.isArray(v) ? listValue(v) : v;
    }
    await s.run(`INSERT INTO requetes_lot VALUES ($indicateur, ${noms.map((n) => `$${n}::${typeSql(l.parametres[n]!)}`).join(', ')})`, valeurs);
  }
  await s.run(`INSERT INTO briques ${sql}`, { variables: listValue([...variables].sort()) });
}

export interface FichierIndicateur {
  indicateur: string;
  fichier: string;
  lignes: number;
}

/** The INSEE-secret commune rows kept out of the indicator files (ADR 0012). */
export interface FichierSecrets {
  fichier: string;
  /** Lists (one per indicator and period). */
  listes: number;
  /** Commune rows they stand for. */
  lignes: number;
}

export interface OptionsMoteur {
  /**
   * true (default): INSEE-secret commune rows are stored as lists of codes beside the indicator
   * files; false: written in full in them (the shape of marts before version 2).
   */
  compacterSecrets?: boolean;
}

/**
 * Runs the registry into one Parquet file per indicator (canonical shape, sorted by level, code,
 * period) and returns the time per stage. Indicators are processed in batches of about a million bricks: every stage runs once
 * per batch, set-based, so the fixed cost of a query is paid a few times, not once per indicator.
 * Needs `standard_france_2006 (bas INTEGER, population DOUBLE)`: 5-year bands of the standard.
 */
export async function executerMoteur(
  s: Session,
  dossier: string,
  options: OptionsMoteur = {},
): Promise<{ etapes: EtapeMoteur[]; masquesSecondaires: number; masquesComplementaires: number; fichiers: FichierIndicateur[]; secrets: FichierSecrets }> {
  await chargerMacros(s);
  // health rows masked so far (all batches), and the indicators masked with them (masqueAvec)
  await s.run('CREATE OR REPLACE TEMP TABLE masques_sante (indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR)');
  await s.run('CREATE OR REPLACE TEMP TABLE masques_lies (indicateur VARCHAR, source VARCHAR)');
  await s.append('masques_lies', ORDRE_MOTEUR.flatMap((i) => i.definition.masqueAvec.map((source) => [i.definition.id, source])));
  const agregation = agregationSql.replaceAll('{{compacter_secrets}}', options.compacterSecrets === false ? 'false' : 'true');
  await s.run(`CREATE OR REPLACE TEMP TABLE secrets_communes (
      indicateur VARCHAR, periode VARCHAR, methode VARCHAR, origine VARCHAR, comparable BOOLEAN, source VARCHAR, millesime VARCHAR, codes VARCHAR[])`);
  await s.run(`CREATE OR REPLACE TEMP TABLE defs (
      indicateur VARCHAR, methode VARCHAR, multiplicateur DOUBLE, annees DOUBLE, approximation VARCHAR,
      polarite VARCHAR, secret VARCHAR, seuil INTEGER, comparable BOOLEAN, theme VARCHAR, ordre INTEGER)`);
  await s.append(
    'defs',
    INDICATEURS.map((i, ordre) => {
      const d = i.definition;
      return [d.id, d.methode, d.multiplicateur, d.annees ?? null, d.approximation, d.polarite, d.secret, d.seuilDiffusion, d.comparable ? 1 : 0, d.theme, ordre];
    }) as Array<Array<string | number | null>>,
  );
  await s.run('CREATE OR REPLACE TEMP TABLE poisson_exact (o DOUBLE, bas DOUBLE, haut DOUBLE)');
  const exacts = new Set<number>();
  const z = zForConfidence(0.95);
  const duree = { briques: 0, agregation: 0, valeurs: 0, secret: 0, comparaisons: 0 };
  const fichiers: FichierIndicateur[] = [];
  let masquesSecondaires = 0;
  let masquesComplementaires = 0;
  const chrono = (etape: keyof typeof duree, depuis: number) => {
    duree[etape] += performance.now() - depuis;
    return performance.now();
  };
  const creerBriques = () =>
    s.run(`CREATE OR REPLACE TEMP TABLE briques (
        indicateur VARCHAR, niveau VARCHAR, publie BOOLEAN, code VARCHAR, code_departement VARCHAR, periode VARCHAR, age VARCHAR,
        numerateur DOUBLE, denominateur DOUBLE, valeur DOUBLE, poids DOUBLE, statut VARCHAR, source VARCHAR, millesime VARCHAR)`);

  let lot: string[] = [];
  await creerBriques();
  // family requetes waiting to run as one query: famille → SQL and one parameter row per indicator
  const enAttente = new Map<string, { sql: string; lignes: Array<{ indicateur: string; parametres: Record<string, ParametreSql>; variables: readonly string[] | undefined }> }>();
  const familles = (i: number) => new Set((ORDRE_MOTEUR[i]?.requetes ?? []).flatMap((r) => (r.famille ? [r.famille] : [])));
  for (const [rang, { definition, requetes }] of ORDRE_MOTEUR.entries()) {
    let t = performance.now();
    for (const r of requetes) {
      if (r.famille) {
        const f = enAttente.get(r.famille) ?? { sql: r.sql, lignes: [] };
        f.lignes.push({ indicateur: definition.id, parametres: r.parametres, variables: r.variables });
        enAttente.set(r.famille, f);
        continue;
      }
      const parametres: Params = { indicateur: definition.id };
      // lists are bound as DuckDB lists (their element type is read from the values)
      for (const [cle, valeur] of Object.entries(r.parametres)) parametres[cle] = Array.isArray(valeur) ? listValue(valeur) : valeur;
      await s.run(`INSERT INTO briques SELECT $indicateur, * FROM (${r.sql})`, parametres);
    }
    lot.push(definition.id);
    const suivantes = familles(rang + 1);
    for (const [famille, f] of enAttente) {
      if (f.lignes.length < INDICATEURS_PAR_FAMILLE && suivantes.has(famille)) continue;
      await executerFamille(s, f.sql, f.lignes);
      enAttente.delete(famille);
    }
    t = chrono('briques', t);
    if (enAttente.size > 0) continue;
    const [{ n } = { n: 0 }] = await s.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM briques');
    if (n < BRIQUES_PAR_LOT && rang < ORDRE_MOTEUR.length - 1) continue;

    // The batch, set-based: aggregation, values and intervals, secrecy, comparisons.
    await construireStandard(s);
    await executerScript(s, agregation);
    await s.run(`INSERT INTO secrets_communes ${secretsCommunesSql}`);
    t = chrono('agregation', t);
    await completerPoissonExact(s, exacts);
    await s.run(`CREATE OR REPLACE TEMP TABLE resultats AS ${resultatsSql}`, { z });
    await s.run('DROP TABLE agrege_territoires');
    t = chrono('valeurs', t);
    const masques = await appliquerSecret(s);
    masquesSecondaires += masques.secondaires;
    masquesComplementaires += masques.complementaires;
    t = chrono('secret', t);
    // reference values of the batch: départements, régions and France
    await s.run(`CREATE OR REPLACE TEMP TABLE valeurs_reference AS
        SELECT indicateur, periode, niveau, code, valeur FROM resultats WHERE niveau IN ('departement', 'region', 'france')`);
    // the batch's rows with their comparisons, once; then one file per indicator
    await s.run(`CREATE OR REPLACE TEMP TABLE sortie AS ${diffusionSql}`);
    await s.run('DROP TABLE resultats');
    for (const id of lot) {
      // Each indicator's rows go to their own file, sorted by level, code and period: a
      // territory's rows are one small range of each file (profile, series), a level one range.
      const fichier = path.join(dossier, `${id}.parquet`);
      await s.run(`COPY (SELECT * FROM sortie WHERE indicateur = $indicateur ORDER BY niveau, code, periode) TO ${sqlPath(fichier)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)`, { indicateur: id });
      fichiers.push({ indicateur: id, fichier, lignes: 0 });
    }
    await s.run('DROP TABLE sortie');
    await s.run('DROP TABLE valeurs_reference');
    await creerBriques();
    lot = [];
    chrono('comparaisons', t);
  }
  const lignes = await s.all<{ fichier: string; n: number }>(
    `SELECT filename AS fichier, count(*)::INTEGER AS n FROM read_parquet([${fichiers.map((f) => sqlPath(f.fichier)).join(', ')}], filename = true) GROUP BY ALL`,
  );
  const parFichier = new Map(lignes.map((l) => [path.resolve(l.fichier), l.n]));
  for (const f of fichiers) f.lignes = parFichier.get(path.resolve(f.fichier)) ?? 0;
  // (a name no indicator id can take: ids start with a letter or a digit)
  const secrets: FichierSecrets = { fichier: path.join(dossier, '_secrets-communes.parquet'), listes: 0, lignes: 0 };
  await s.run(`COPY (SELECT * FROM secrets_communes ORDER BY indicateur, periode) TO ${sqlPath(secrets.fichier)} (FORMAT parquet, COMPRESSION zstd)`);
  const [compte] = await s.all<{ listes: number; lignes: number }>('SELECT count(*)::INTEGER AS listes, coalesce(sum(len(codes)), 0)::INTEGER AS lignes FROM secrets_communes');
  secrets.listes = compte?.listes ?? 0;
  secrets.lignes = compte?.lignes ?? 0;
  await s.run('DROP TABLE secrets_communes');
  const etapes: EtapeMoteur[] = [
    { etape: 'briques', ms: duree.briques },
    { etape: 'agrégation', ms: duree.agregation },
    { etape: 'valeurs et intervalles', ms: duree.valeurs },
    { etape: 'secret', ms: duree.secret },
    { etape: 'comparaisons et écriture', ms: duree.comparaisons },
  ];
  await s.run('DROP TABLE masques_sante');
  return { etapes, masquesSecondaires, masquesComplementaires, fichiers, secrets };
}

/** Exact Poisson limits of the small counts (O < 10) of the current indicator, once per distinct count. */
async function completerPoissonExact(s: Session, exacts: Set<number>): Promise<void> {
  const petits = await s.all<{ o: number | null }>(
    `SELECT DISTINCT numerateur AS o FROM agrege WHERE methode IN ('taux', 'icm') AND numerateur >= 0 AND numerateur < 10 AND age IS NULL
     UNION
     SELECT DISTINCT sum(numerateur) FROM agrege WHERE methode = 'icm' AND age IS NOT NULL GROUP BY indicateur, niveau, code, periode HAVING sum(numerateur) < 10`,
  );
  const lignes: Array<[number, number | null, number | null]> = [];
  for (const { o } of petits) {
    if (o === null || exacts.has(o)) continue;
    exacts.add(o);
    const i = exactPoissonInterval(o, 0.95);
    lignes.push([o, i.lower, i.upper]);
  }
  await s.append('poisson_exact', lignes);
}

/**
 * Standard population of the current standardised indicator: France 2006 (both sexes), 5-year
 * bands summed into the indicator's own bands; a band off the 5-year limits is an error.
 */
async function construireStandard(s: Session): Promise<void> {
  await s.run(`CREATE OR REPLACE TEMP TABLE standard AS
    WITH bandes AS (
        SELECT DISTINCT indicateur, age,
            CAST(regexp_extract(age, '^(\\d+)', 1) AS INTEGER) AS bas,
            CASE WHEN age LIKE '%+' THEN 999 ELSE CAST(regexp_extract(age, '-(\\d+)$', 1) AS INTEGER) END AS haut
        FROM briques
        JOIN defs USING (indicateur)
        WHERE defs.methode = 'taux-standardise' AND age IS NOT NULL
    )
    SELECT b.indicateur, b.age, b.bas, b.haut, sum(f.population) AS poids
    FROM bandes AS b
    LEFT JOIN standard_france_2006 AS f ON f.bas >= b.bas AND f.bas <= b.haut
    GROUP BY ALL`);
  const invalides = await s.all<{ indicateur: string; age: string }>(
    `SELECT indicateur, age FROM standard WHERE poids IS NULL OR bas IS NULL OR bas % 5 <> 0 OR (haut <> 999 AND (haut + 1) % 5 <> 0) ORDER BY ALL`,
  );
  if (invalides.length > 0) {
    throw new Error(
      `Population standard France 2006 absente (estimations de population) ou classes d’âge incompatibles avec ses bandes quinquennales : ${invalides.map((b) => `${b.indicateur} « ${b.age} »`).join(', ')}`,
    );
  }
}


/**
 * The sets of communes whose total can be derived from published totals, beside the territories
 * themselves, once per engine run from `appartenance`: nested pairs of territories
 * (paires-emboitees.sql) and the parts of départements outside the EPCI wholly inside them.
 * Secondary suppression (secret-secondaire.sql) protects them as it protects a territory's total.
 */
export async function preparerMargesSecret(s: Session): Promise<void> {
  await s.run(`CREATE OR REPLACE TEMP TABLE paires_emboitees AS ${pairesEmboiteesSql}`);
  // EPCI wholly inside one département; and, per département, its communes outside them (in an
  // EPCI that straddles a border, or in none): the département's total minus those EPCI's totals
  // is their total, which secondary suppression protects too (secret-secondaire.sql)
  await s.run(`CREATE OR REPLACE TEMP TABLE epci_internes AS
    SELECT e.code AS code_epci, any_value(d.code) AS code_departement
    FROM appartenance AS e
    JOIN appartenance AS d ON d.code_commune = e.code_commune AND d.niveau = 'departement'
    WHERE e.niveau = 'epci'
    GROUP BY e.code
    HAVING count(DISTINCT d.code) = 1`);
  await s.run(`CREATE OR REPLACE TEMP TABLE parties_derivees AS
    SELECT d.code_commune, 'reste-departement' AS niveau, d.code
    FROM appartenance AS d
    LEFT JOIN appartenance AS e ON e.code_commune = d.code_commune AND e.niveau = 'epci'
    WHERE d.niveau = 'departement'
        AND (e.code IS NULL OR e.code NOT IN (SELECT code_epci FROM epci_internes))`);
}

/**
 * What a masked row loses: its value, count and interval, and whatever tells its count apart:
 * the interval method (exact under 10 events, Byar from 10) and the reliability flag (under 20).
 */
const EFFACER = 'valeur = NULL, numerateur = NULL, ic_bas = NULL, ic_haut = NULL, variance = NULL, methode_ic = NULL, fiabilite = NULL';

/**
 * Secrecy of health-outcome counts (methods.md §9, decision 3): counts 1 to 10 are masked with
 * their rate and interval; then secondary suppression: in every territory (EPCI, département,
 * région, CLS…) whose communes include exactly one masked commune, the unmasked commune with the
 * smallest non-zero count is masked too, so that no masked count can be recovered by subtraction
 * from the territory's total. Repeated until stable (a new mask may isolate one in another
 * territory), then the system-wide check (secret-systeme.ts): no combination of published totals
 * gives a count from 1 to 10 back. Then complementary masks: an indicator whose count contains a health indicator's
 * (`masqueAvec`: the natural balance holds the deaths) is masked wherever that one is, since the
 * difference of two published counts (births − natural balance) would give the deaths back.
 * Masked health rows are kept in `masques_sante` for the batches that follow.
 */
export async function appliquerSecret(s: Session): Promise<{ secondaires: number; complementaires: number }> {
  const [{ sante } = { sante: 0 }] = await s.all<{ sante: number }>(`SELECT count(*)::INTEGER AS sante FROM defs JOIN (SELECT DISTINCT indicateur FROM briques) USING (indicateur) WHERE secret = 'sante'`);
  let secondaires = 0;
  if (sante > 0) {
    await s.run(`UPDATE resultats
      SET statut = 'masque', ${EFFACER}
      WHERE secret = 'sante'
          AND methode IN ('taux', 'icm', 'taux-standardise')
          -- 0 is shown; 1 to 10 are not
          AND numerateur_brut > 0
          AND numerateur_brut < 11`);
    const masquerSecondaires = () =>
      s.run(`
        UPDATE resultats AS r
        SET statut = 'masque_secondaire', ${EFFACER}
        FROM a_masquer AS c
        WHERE r.indicateur = c.indicateur AND r.periode = c.periode AND r.code = c.code AND r.niveau = c.niveau`);
    for (let tour = 0; tour < 20; tour++) {
      await s.run(`CREATE OR REPLACE TEMP TABLE a_masquer AS ${secondaireSql}`);
      const [r] = await s.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM a_masquer');
      if (!r || r.n === 0) break;
      await masquerSecondaires();
      secondaires += r.n;
    }
    // then everything published together: what combinations of totals still give back
    const systeme = await masquesSysteme(s);
    if (systeme.length > 0) {
      await s.run('CREATE OR REPLACE TEMP TABLE a_masquer (indicateur VARCHAR, periode VARCHAR, niveau VARCHAR, code VARCHAR)');
      await s.append('a_masquer', systeme.map((m) => [m.indicateur, m.periode, m.niveau, m.code]));
      await masquerSecondaires();
      secondaires += systeme.length;
    }
    await s.run(`INSERT INTO masques_sante SELECT indicateur, niveau, code, periode FROM resultats WHERE secret = 'sante' AND statut LIKE 'masque%'`);
  }
  const [{ n: complementaires } = { n: 0 }] = await s.all<{ n: number }>(`
    UPDATE resultats AS r
    SET statut = 'masque_complementaire', ${EFFACER}
    FROM masques_lies AS l, masques_sante AS m
    WHERE l.indicateur = r.indicateur
        AND m.indicateur = l.source
        AND m.niveau = r.niveau AND m.code = r.code AND m.periode = r.periode
        AND r.statut NOT LIKE 'masque%'
        AND r.statut <> 'secret'
    RETURNING 1 AS n`).then((lignes) => [{ n: lignes.length }]);
  return { secondaires, complementaires };
}
