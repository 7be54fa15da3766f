import { sqlPath, type Db } from '../duckdb/duckdb.ts';
import { TerritoireInconnuError } from '../errors.ts';
import type { StatutValeur, TerritoireRef } from '../model/api-types.ts';
import type { Niveau } from '../model/niveaux.ts';
import { comparerPeriodes } from '../model/periodes.ts';
import type { EtatMarts } from './marts-reader.ts';
import populationPerimetreSql from './population-perimetre.sql';
import territoireSql from './territoire.sql';

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

/** Levels above each level, nearest first (a CLS perimeter has no parent in the territories mart). */
const PARENTS: Readonly<Record<Niveau, readonly Niveau[]>> = {
  commune: ['epci', 'departement', 'region', 'france'],
  epci: ['departement', 'region', 'france'],
  departement: ['region', 'france'],
  region: ['france'],
  france: [],
  cls: [],
};

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
 * Like `lireTerritoire`, and a CLS perimeter absent from the territories mart is still known when
 * the population mart has a row for it: its name is then its code, it has no parent and no
 * commune count (0), its population is the latest value of that mart.
 */
export async function lireTerritoireOuPerimetre(db: Db, etat: EtatMarts, niveau: Niveau, code: string): Promise<TerritoireLu> {
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
