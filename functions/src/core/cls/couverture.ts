import { listValue } from '@duckdb/node-api';
import { sqlPath, type Session } from '../duckdb/duckdb.ts';
import { ParametreInvalideError, TerritoireInconnuError } from '../errors.ts';
import { estDateIso } from '../model/dates.ts';
import { isCodeValide } from '../model/niveaux.ts';
import macrosSql from './couverture.sql';
import territoiresSql from './couverture-territoires.sql';
import epciSql from './epci-besoins.sql';

/**
 * Coverage of the territories by the contrats locaux de santé (CLS) at a date, and the EPCI left
 * uncovered ranked by need. Pure functions over a DuckDB session and three Parquet files; they
 * create temporary views and macros prefixed `couverture_` / `cls_` in that session.
 *
 * Which perimeter is in force at a date: for each CLS, the version whose [date_debut, date_fin]
 * contains the date (bounds included, date_fin empty = no end), if that version is signed
 * (statut `signe`, or `termine` / `resilie`: ended since, in force within its dates). A CLS
 * `en_preparation` never covers anything. Versions of a CLS never overlap (checked at ingestion),
 * so at most one version of each CLS is in force. An EPCI member stands for its communes of the
 * current geography (territories mart); a commune in several CLS is covered once.
 */

export interface FichiersCouverture {
  /** Lake Parquet of the CLS registry (dataset `registre-cls`). */
  registre: string;
  /** Territories mart (`marts/territoires`): every level, communes with EPCI, département, région and population. */
  territoires: string;
  /**
   * Indicators mart (`indicateur, niveau, code, periode, valeur, statut`…), one file or several
   * (e.g. one per indicator), for the need score; optional.
   */
  indicateurs?: string | readonly string[] | null;
}

export const NIVEAUX_COUVERTURE = ['departement', 'region', 'france'] as const;
export type NiveauCouverture = (typeof NIVEAUX_COUVERTURE)[number];

/**
 * Need indicators of the score (higher value = more need), in the order they are reported:
 * poverty rate, crude mortality rate, share of the population in under-served zones (nurses).
 */
export const INDICATEURS_BESOIN = ['taux-pauvrete', 'taux-mortalite-brute', 'part-population-zone-sous-dotee-infirmiers'] as const;

export interface CouvertureTerritoire {
  niveau: NiveauCouverture;
  code: string;
  libelle: string;
  /** Population municipale of the territory (territories mart), null when absent (Mayotte). */
  population: number | null;
  statutPopulation: 'ok' | 'partiel' | 'absent';
  /** Population municipale of its communes covered by a CLS in force. */
  populationCouverte: number;
  /** populationCouverte / population, in [0, 1]; null without a population. */
  partPopulation: number | null;
  nbCommunes: number;
  nbCommunesCouvertes: number;
  /** nbCommunesCouvertes / nbCommunes, in [0, 1]. */
  partCommunes: number | null;
  /** Covered communes without a population (their inhabitants are missing from populationCouverte). */
  nbCommunesCouvertesSansPopulation: number;
  /** CLS in force with at least one commune in the territory. */
  nbCls: number;
  cls: string[];
}

export interface CouvertureResultat {
  date: string;
  niveau: NiveauCouverture;
  territoires: CouvertureTerritoire[];
}

export interface ComposanteBesoin {
  indicateur: string;
  periode: string;
  valeur: number;
  /** Percentile rank of the value among the EPCI of the scope with a value, in [0, 1]. */
  rangPercentile: number;
}

export interface EpciBesoin {
  code: string;
  libelle: string;
  codeDepartement: string | null;
  codeRegion: string | null;
  population: number | null;
  populationCouverte: number;
  partPopulation: number | null;
  nbCommunes: number;
  nbCommunesCouvertes: number;
  /** Mean of the percentile ranks of the components, in [0, 1]; null without any component. */
  score: number | null;
  composantes: ComposanteBesoin[];
}

export interface EpciNonCouvertsResultat {
  date: string;
  perimetre: { niveau: 'departement' | 'region' | 'france'; code: string };
  /** EPCI of the scope (their rank base). */
  nbEpci: number;
  indicateurs: {
    /** Indicators with values for the EPCI of the scope, at the period used, and how many EPCI have one. */
    utilises: Array<{ indicateur: string; periode: string; nbEpci: number }>;
    /** Requested indicators with no EPCI value in the scope: left out of the score. */
    absents: string[];
  };
  /** EPCI with no covered commune, most in need first, at most `limite`. */
  nonCouverts: EpciBesoin[];
  totalNonCouverts: number;
  /** EPCI with some but not all communes covered, most in need first, at most `limite`. */
  partiellementCouverts: EpciBesoin[];
  totalPartiellementCouverts: number;
}

/** Coverage of every territory of `niveau` (or of `code` only) by the CLS in force at `date`. */
export async function couvertureCls(
  session: Session,
  fichiers: FichiersCouverture,
  options: { date: string; niveau: NiveauCouverture; code?: string },
): Promise<CouvertureResultat> {
  const date = verifierDate(options.date);
  const niveau = options.niveau;
  if (!(NIVEAUX_COUVERTURE as readonly string[]).includes(niveau)) {
    throw new ParametreInvalideError('niveau', `Paramètre « niveau » invalide : « ${String(niveau).slice(0, 30)} » (attendu : ${NIVEAUX_COUVERTURE.join(', ')}).`);
  }
  const code = options.code ?? '';
  if (options.code !== undefined && !isCodeValide(niveau, code)) {
    throw new ParametreInvalideError('code', `Paramètre « code » invalide pour le niveau « ${niveau} » : « ${String(code).slice(0, 30)} ».`);
  }
  await preparer(session, fichiers);
  const rows = await session.all<{
    niveau: NiveauCouverture;
    code: string;
    libelle: string;
    population: number | null;
    statut_population: CouvertureTerritoire['statutPopulation'];
    population_couverte: number;
    part_population: number | null;
    nb_communes: number;
    nb_communes_couvertes: number;
    part_communes: number | null;
    nb_communes_couvertes_sans_population: number;
    cls: string[];
  }>(territoiresSql, { date, niveau, code });
  if (options.code !== undefined && rows.length === 0) throw new TerritoireInconnuError(niveau, code);
  return {
    date,
    niveau,
    territoires: rows.map((r) => ({
      niveau: r.niveau,
      code: r.code,
      libelle: r.libelle,
      population: r.population,
      statutPopulation: r.statut_population,
      populationCouverte: r.population_couverte,
      partPopulation: r.part_population,
      nbCommunes: r.nb_communes,
      nbCommunesCouvertes: r.nb_communes_couvertes,
      partCommunes: r.part_communes,
      nbCommunesCouvertesSansPopulation: r.nb_communes_couvertes_sans_population,
      nbCls: r.cls.length,
      cls: r.cls,
    })),
  };
}

/**
 * EPCI with no commune covered by a CLS in force at `date`, and separately those partially
 * covered, each ranked by need (score descending, then population descending, then code). The
 * score is the mean of the percentile ranks, among all the EPCI of the scope, of the need
 * indicators present (`INDICATEURS_BESOIN` unless `indicateurs` is given); see docs/adr/0008.
 * Scope: the EPCI whose main département (holding most of their population) is `departement`,
 * or whose région is `region`, else all.
 */
export async function epciNonCouverts(
  session: Session,
  fichiers: FichiersCouverture,
  options: { date: string; departement?: string; region?: string; limite: number; indicateurs?: readonly string[] },
): Promise<EpciNonCouvertsResultat> {
  const date = verifierDate(options.date);
  const { departement, region, limite } = options;
  if (departement !== undefined && region !== undefined) {
    throw new ParametreInvalideError('region', 'Paramètres « departement » et « region » exclusifs : donnez l’un ou l’autre.');
  }
  if (departement !== undefined && !isCodeValide('departement', departement)) {
    throw new ParametreInvalideError('departement', `Paramètre « departement » invalide : « ${String(departement).slice(0, 30)} ».`);
  }
  if (region !== undefined && !isCodeValide('region', region)) {
    throw new ParametreInvalideError('region', `Paramètre « region » invalide : « ${String(region).slice(0, 30)} ».`);
  }
  if (!Number.isInteger(limite) || limite < 1 || limite > 1000) {
    throw new ParametreInvalideError('limite', `Paramètre « limite » invalide : « ${String(limite).slice(0, 30)} » (attendu : un entier de 1 à 1000).`);
  }
  const indicateurs = [...(options.indicateurs ?? INDICATEURS_BESOIN)];
  if (indicateurs.length === 0) throw new ParametreInvalideError('indicateurs', 'Paramètre « indicateurs » vide : au moins un indicateur de besoin est attendu.');
  await preparer(session, fichiers);

  const perimetre = departement !== undefined ? { niveau: 'departement' as const, code: departement } : region !== undefined ? { niveau: 'region' as const, code: region } : { niveau: 'france' as const, code: 'FR' };
  if (perimetre.niveau !== 'france') {
    const [existe] = await session.all('SELECT 1 AS un FROM couverture_territoires WHERE niveau = $niveau AND code = $code', perimetre);
    if (!existe) throw new TerritoireInconnuError(perimetre.niveau, perimetre.code);
  }

  const rows = await session.all<{
    code: string;
    libelle: string;
    code_departement: string | null;
    code_region: string | null;
    population: number | null;
    population_couverte: number;
    part_population: number | null;
    nb_communes: number;
    nb_communes_couvertes: number;
    score: number | null;
    indicateur: string | null;
    periode: string | null;
    valeur: number | null;
    rang_percentile: number | null;
  }>(epciSql, { date, departement: departement ?? '', region: region ?? '', indicateurs: listValue(indicateurs) });

  // Rows come one per EPCI × component, EPCI in rank order: gather the components.
  const epci: EpciBesoin[] = [];
  const periodes = new Map<string, { periode: string; nbEpci: number }>();
  for (const r of rows) {
    let e = epci[epci.length - 1];
    if (e?.code !== r.code) {
      e = {
        code: r.code,
        libelle: r.libelle,
        codeDepartement: r.code_departement,
        codeRegion: r.code_region,
        population: r.population,
        populationCouverte: r.population_couverte,
        partPopulation: r.part_population,
        nbCommunes: r.nb_communes,
        nbCommunesCouvertes: r.nb_communes_couvertes,
        score: r.score,
        composantes: [],
      };
      epci.push(e);
    }
    if (r.indicateur !== null) {
      e.composantes.push({ indicateur: r.indicateur, periode: r.periode!, valeur: r.valeur!, rangPercentile: r.rang_percentile! });
      const p = periodes.get(r.indicateur) ?? { periode: r.periode!, nbEpci: 0 };
      p.nbEpci += 1;
      periodes.set(r.indicateur, p);
    }
  }
  for (const e of epci) e.composantes.sort((a, b) => indicateurs.indexOf(a.indicateur) - indicateurs.indexOf(b.indicateur));
  const nonCouverts = epci.filter((e) => e.nbCommunesCouvertes === 0);
  const partiels = epci.filter((e) => e.nbCommunesCouvertes > 0 && e.nbCommunesCouvertes < e.nbCommunes);
  return {
    date,
    perimetre,
    nbEpci: epci.length,
    indicateurs: {
      utilises: indicateurs.filter((i) => periodes.has(i)).map((i) => ({ indicateur: i, ...periodes.get(i)! })),
      absents: indicateurs.filter((i) => !periodes.has(i)),
    },
    nonCouverts: nonCouverts.slice(0, limite),
    totalNonCouverts: nonCouverts.length,
    partiellementCouverts: partiels.slice(0, limite),
    totalPartiellementCouverts: partiels.length,
  };
}

/** A real calendar date `AAAA-MM-JJ`, else a `ParametreInvalideError` naming `date`. */
function verifierDate(date: string): string {
  if (typeof date !== 'string' || !estDateIso(date)) {
    throw new ParametreInvalideError('date', `Paramètre « date » invalide : « ${String(date).slice(0, 30)} » (attendu : une date du calendrier AAAA-MM-JJ, ex. 2024-06-30).`);
  }
  return date;
}

/** The logical views over the three files, then the macros of couverture.sql. */
async function preparer(session: Session, fichiers: FichiersCouverture): Promise<void> {
  await session.run(`CREATE OR REPLACE TEMP VIEW couverture_registre AS SELECT * FROM read_parquet(${sqlPath(fichiers.registre)}, hive_partitioning = false)`);
  await session.run(`CREATE OR REPLACE TEMP VIEW couverture_territoires AS SELECT * FROM read_parquet(${sqlPath(fichiers.territoires)}, hive_partitioning = false)`);
  const valeurs = fichiers.indicateurs === null || fichiers.indicateurs === undefined ? [] : typeof fichiers.indicateurs === 'string' ? [fichiers.indicateurs] : [...fichiers.indicateurs];
  await session.run(
    valeurs.length > 0
      ? `CREATE OR REPLACE TEMP VIEW couverture_valeurs AS
         SELECT indicateur, niveau, code, periode, valeur::DOUBLE AS valeur
         FROM read_parquet([${valeurs.map(sqlPath).join(', ')}], hive_partitioning = false, union_by_name = true)`
      : `CREATE OR REPLACE TEMP VIEW couverture_valeurs AS
         SELECT NULL::VARCHAR AS indicateur, NULL::VARCHAR AS niveau, NULL::VARCHAR AS code, NULL::VARCHAR AS periode, NULL::DOUBLE AS valeur
         WHERE false`,
  );
  await session.run(macrosSql);
}
