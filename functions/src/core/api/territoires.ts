import { sqlPath, type Db } from '../duckdb/duckdb.ts';
import { TerritoireInconnuError } from '../errors.ts';
import type { StatutValeur, TerritoireRef } from '../model/api-types.ts';
import { CODE_FRANCE, type Niveau } from '../model/niveaux.ts';
import { comparerPeriodes } from '../model/periodes.ts';
import type { EtatMarts } from './marts-reader.ts';
import perimetresClsSql from './perimetres-cls.sql';
import populationPerimetreSql from './population-perimetre.sql';
import territoireSql from './territoire.sql';
import territoiresNiveauSql from './territoires-niveau.sql';

/** A row of the territories mart, as the API reads it. */
export type TerritoireRow = {
  niveau: Niveau;
  code: string;
  libelle: string;
  code_departement: string | null;
  code_region: string | null;
  code_epci: string | null;
  population: number | null;
  nb_communes: number;
  nb_communes_avec_valeur: number;
  statut: StatutValeur;
};

/**
 * Levels above each level, nearest first. An EPCI's département and région are those of the
 * territories mart (where most of it lies); a CLS perimeter's, those holding most of its
 * population (the engine's references).
 */
const PARENTS: Readonly<Record<Niveau, readonly Niveau[]>> = {
  commune: ['epci', 'departement', 'region', 'france'],
  epci: ['departement', 'region', 'france'],
  departement: ['region', 'france'],
  region: ['france'],
  france: [],
  cls: ['departement', 'region', 'france'],
};

/** The code of the parent of `row` at level `niveau` (France: its only code). */
function codeParent(row: TerritoireRow, niveau: Niveau): string | null {
  if (niveau === 'epci') return row.code_epci;
  if (niveau === 'departement') return row.code_departement;
  if (niveau === 'region') return row.code_region;
  return niveau === 'france' ? CODE_FRANCE : null;
}

/** Parents of `row` among `index` (rows of the territories mart by `niveau/code`), nearest first. */
function parentsDe(row: TerritoireRow, index: ReadonlyMap<string, TerritoireRow>): TerritoireRef[] {
  return PARENTS[row.niveau].flatMap((n) => {
    const p = index.get(`${n}/${codeParent(row, n)}`);
    return p ? [{ niveau: p.niveau, code: p.code, libelle: p.libelle }] : [];
  });
}

/** Rows of the territories mart at `niveau` (none: '') and at the levels above `pour`, by `niveau/code`. */
async function indexTerritoires(db: Db, niveau: Niveau | '', pour: Niveau): Promise<{ rows: TerritoireRow[]; index: Map<string, TerritoireRow> }> {
  const rows = await db.all<TerritoireRow>(territoiresNiveauSql, { niveau, niveaux_parents: PARENTS[pour].join(',') });
  return { rows, index: new Map(rows.map((r) => [`${r.niveau}/${r.code}`, r])) };
}

export type TerritoireLu = { row: TerritoireRow; parents: TerritoireRef[] };

/** A territory of the territories mart and its parents; `TerritoireInconnuError` when absent. */
export async function lireTerritoire(db: Db, niveau: Niveau, code: string): Promise<TerritoireLu> {
  const niveauxParents = PARENTS[niveau];
  const rows = await db.all<TerritoireRow & { est_cible: boolean }>(territoireSql, { niveau, code, niveaux_parents: niveauxParents.join(',') });
  const row = rows.find((r) => r.est_cible);
  if (!row) throw new TerritoireInconnuError(niveau, code);
  const parents = niveauxParents
    .map((n) => rows.find((r) => r.niveau === n && !r.est_cible))
    .filter((r): r is TerritoireRow & { est_cible: boolean } => r !== undefined)
    .map((r) => ({ niveau: r.niveau, code: r.code, libelle: r.libelle }));
  return { row, parents };
}


/** The indicator whose mart vouches for a CLS perimeter absent from the territories mart. */
const INDICATEUR_POPULATION = 'population-municipale';

/**
 * Like `lireTerritoire`, and a CLS perimeter (never in the territories mart) is read from the CLS
 * perimeters mart: its name, its communes' population. In a lake computed before that mart
 * existed, a perimeter is still known when the population mart has a row for it: its name is then
 * its code, it has no parent and no commune count (0), its population is the latest value of that
 * mart.
 */
export async function lireTerritoireOuPerimetre(db: Db, etat: EtatMarts, niveau: Niveau, code: string): Promise<TerritoireLu> {
  if (niveau === 'cls' && etat.perimetresCls) {
    const [row] = await db.all<TerritoireRow>(perimetresClsSql, { code });
    if (!row) throw new TerritoireInconnuError(niveau, code);
    const { index } = await indexTerritoires(db, '', 'cls');
    return { row, parents: parentsDe(row, index) };
  }
  try {
    return await lireTerritoire(db, niveau, code);
  } catch (error) {
    const mart = etat.indicateurs.get(INDICATEUR_POPULATION);
    if (niveau !== 'cls' || !(error instanceof TerritoireInconnuError) || !mart?.periodes.has('cls')) throw error;
    const rows = await db.all<{ periode: string; valeur: number | null; statut: string }>(
populationPerimetreSql.replaceAll('{{fichier}}', () => sqlPath(mart.fichier)), { code }
    );
    const derniere = rows.sort((a, b) => comparerPeriodes(a.periode, b.periode)).at(-1);
    if (!derniere) throw error;
    const statut: StatutValeur = derniere.valeur === null ? 'absent' : derniere.statut === 'partiel' ? 'partiel' : 'ok';
    return {
      row: { niveau, code, libelle: code, code_departement: null, code_region: null, code_epci: null, population: derniere.valeur, nb_communes: 0, nb_communes_avec_valeur: 0, statut },
      parents: [],
    };
  }
}

/**
 * Every territory of a level with its parents, in code order, in two queries: for warming the
 * profiles of France, régions, départements, EPCI and CLS perimeters (not meant for communes). A
 * lake without the CLS perimeters mart lists no perimeter.
 */
export async function lireTerritoiresDuNiveau(db: Db, etat: EtatMarts, niveau: Niveau): Promise<TerritoireLu[]> {
  if (niveau === 'cls') {
    if (!etat.perimetresCls) return [];
    const rows = await db.all<TerritoireRow>(perimetresClsSql, { code: '' });
    const { index } = await indexTerritoires(db, '', 'cls');
    return rows.map((row) => ({ row, parents: parentsDe(row, index) }));
  }
  const { rows, index } = await indexTerritoires(db, niveau, niveau);
  return rows.filter((r) => r.niveau === niveau).map((row) => ({ row, parents: parentsDe(row, index) }));
}
