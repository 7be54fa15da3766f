import type { ColonneTable, ExtraitLu } from './adapter.ts';
import type { StatutMesure } from './lecture/nombres.ts';

/**
 * The common shape of every indicator-type extract in the lake ("mesures", long format): one row
 * per territory × variable × period (× sex × age band when the source has them), the value typed
 * with a `statut` saying why it is absent (secret, absent, non disponible) — never 0.
 *
 * Adapters hand over their rows as the source lays them out — wide (one column per variable:
 * Filosofi, Géoclip) or long (one row per value: CépiDc, Observatoire) — with statuses as small
 * integers; DuckDB does the unpivot and the joins. This keeps ingestion of a 900 000-value
 * commune file around a second.
 */

export const NIVEAUX_SOURCE = ['commune', 'arrondissement-municipal', 'epci', 'departement', 'region', 'france', 'france-metropolitaine'] as const;
export type NiveauSource = (typeof NIVEAUX_SOURCE)[number];

/** Status codes in staging tables (index → statut). */
export const STATUTS: readonly StatutMesure[] = ['ok', 'secret', 'absent', 'non_disponible'];
export const CODE_STATUT: Readonly<Record<StatutMesure, number>> = { ok: 0, secret: 1, absent: 2, non_disponible: 3 };

export interface VariableSource {
  /** kebab-case id, stable: `nombre-menages-fiscaux`, `mediane-niveau-vie`. */
  id: string;
  /** The source's own column or label (e.g. `MED19`), for provenance. */
  colonneSource: string;
  libelle: string;
  unite: string;
  /** True for counts that add up across communes; medians, rates and shares do not. */
  additive: boolean;
  /** `modalite`: a categorical value (e.g. a zoning class) carried as text, `valeur` NULL. */
  type?: 'nombre' | 'modalite';
}

/** Identification of one source line. */
export interface CleLigne {
  ligne: number;
  niveau: NiveauSource;
  code: string;
  libelle: string | null;
  periode: string;
  sexe: string | null;
  age: string | null;
}

const COLONNES_CLE: ColonneTable[] = [
  { nom: 'ligne', type: 'INTEGER' },
  { nom: 'niveau', type: 'VARCHAR' },
  { nom: 'code', type: 'VARCHAR' },
  { nom: 'libelle', type: 'VARCHAR' },
  { nom: 'periode', type: 'VARCHAR' },
  { nom: 'sexe', type: 'VARCHAR' },
  { nom: 'age', type: 'VARCHAR' },
];

const cleVersLigne = (c: CleLigne): Array<string | number | null> => [c.ligne, c.niveau, c.code, c.libelle, c.periode, c.sexe, c.age];

/** Status byte of a cell whose value is null (OR-ed with its status code). */
const NUL = 0x80;

/**
 * Wide rows kept compactly while an adapter reads its file: the key of every line, and the values
 * and status codes of its variables in typed arrays, off the JavaScript heap. An adapter that
 * adds each line as it reads it keeps only short-lived arrays. A million values held as
 * JavaScript arrays (boxed numbers), then a second time as staging rows, survived into V8's old
 * generation, which V8 then sized at several times that live set: several hundred MB resident
 * over an ingestion run. Staging rows are generated from here one at a time (`rangee`).
 */
export class LignesLarges {
  readonly cles: CleLigne[] = [];
  /** Values per line. */
  readonly variables: number;
  #valeurs: Float64Array;
  #statuts: Uint8Array;

  constructor(variables: number) {
    this.variables = variables;
    this.#valeurs = new Float64Array(variables * 1024);
    this.#statuts = new Uint8Array(variables * 1024);
  }

  get length(): number {
    return this.cles.length;
  }

  /** Adds a line: `valeurs[k]`/`statuts[k]` are the value and status code of variable k (missing: null, `absent`). */
  ajouter(cle: CleLigne, valeurs: ArrayLike<number | null | undefined>, statuts: ArrayLike<number | undefined>): void {
    const k = this.variables;
    const debut = this.cles.length * k;
    if (debut + k > this.#valeurs.length) {
      const valeursPlus = new Float64Array(this.#valeurs.length * 2);
      valeursPlus.set(this.#valeurs);
      this.#valeurs = valeursPlus;
      const statutsPlus = new Uint8Array(this.#statuts.length * 2);
      statutsPlus.set(this.#statuts);
      this.#statuts = statutsPlus;
    }
    for (let i = 0; i < k; i++) {
      const statut = statuts[i] ?? CODE_STATUT.absent;
      if (!Number.isInteger(statut) || statut < 0 || statut >= NUL) throw new Error(`Code de statut invalide : ${statut}`);
      const valeur = valeurs[i] ?? null;
      this.#valeurs[debut + i] = valeur ?? 0;
      this.#statuts[debut + i] = valeur === null ? statut | NUL : statut;
    }
    this.cles.push(cle);
  }

  /** Replaces a status code on every cell (an adapter's placeholder, known only at the end of the file). */
  remplacerStatut(de: number, par: number): void {
    if (!Number.isInteger(par) || par < 0 || par >= NUL) throw new Error(`Code de statut invalide : ${par}`);
    const statuts = this.#statuts.subarray(0, this.cles.length * this.variables);
    for (let j = 0; j < statuts.length; j++) if ((statuts[j]! & ~NUL) === de) statuts[j] = (statuts[j]! & NUL) | par;
  }

  /** Staging row of line `n`: the key columns, then value and status code of each variable. */
  rangee(n: number): Array<string | number | null> {
    const row = cleVersLigne(this.cles[n]!);
    for (let j = n * this.variables, fin = j + this.variables; j < fin; j++) {
      const statut = this.#statuts[j]!;
      row.push(statut & NUL ? null : this.#valeurs[j]!, statut & ~NUL);
    }
    return row;
  }
}

/** The variables' ids and source columns, bound as list parameters of the normalisation SQL. */
export function parametresVariables(variables: readonly VariableSource[]): Record<string, string[]> {
  for (const v of variables) if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v.id)) throw new Error(`Identifiant de variable invalide : ${v.id}`);
  return { variables: variables.map((v) => v.id), colonnes: variables.map((v) => v.colonneSource) };
}

/**
 * Projection of measure rows from `m` (ligne, niveau, code, libelle, periode, sexe, age, i, v, s,
 * t). Variable names are looked up by index in list parameters bound at execution (`$variables`,
 * `$colonnes`, and `$periodes` for per-column periods): no join of the large unpivoted table.
 */
const projection = (periode: string) => `
SELECT
    m.niveau,
    m.code,
    m.libelle,
    $variables[m.i + 1] AS variable,
    ${periode} AS periode,
    m.sexe,
    m.age,
    -- a value exists exactly when its statut is 'ok'
    CASE WHEN m.s = 0 THEN m.v END AS valeur,
    CASE WHEN m.s = 0 THEN m.t END AS modalite,
    CASE m.s WHEN 0 THEN 'ok' WHEN 1 THEN 'secret' WHEN 2 THEN 'absent' ELSE 'non_disponible' END AS statut,
    m.ligne AS ligne_source,
    $colonnes[m.i + 1] AS colonne_source
FROM m`;

/** Final projection of long rows: the integer sort keys keep the Parquet byte-identical run after run. */
const SELECT_FINAL = `${projection('m.periode')}
-- source order: line, then column (integer keys, cheap to sort)
ORDER BY
    m.ligne,
    m.i`;

/**
 * Wide rows: `valeurs[k]`/`statuts[k]` are the value and status code of `variables[k]`; with
 * `periodes`, `periodes[k]` is the period of every value of `variables[k]` (else the line's).
 */
export function extraitMesuresLarges(args: {
  millesime: string;
  cogSource: number | null;
  partie?: string | null;
  lignesLues: number;
  variables: VariableSource[];
  periodes?: string[];
  lignes: LignesLarges | Array<{ cle: CleLigne; valeurs: Array<number | null>; statuts: number[] }>;
}): ExtraitLu {
  const k = args.variables.length;
  if (args.periodes && args.periodes.length !== k) throw new Error(`${args.periodes.length} périodes pour ${k} variables`);
  let lignes: LignesLarges;
  if (args.lignes instanceof LignesLarges) lignes = args.lignes;
  else {
    lignes = new LignesLarges(k);
    for (const l of args.lignes) lignes.ajouter(l.cle, l.valeurs, l.statuts);
  }
  if (lignes.variables !== k) throw new Error(`${lignes.variables} valeurs par ligne pour ${k} variables`);
  const colonnes: ColonneTable[] = [...COLONNES_CLE];
  for (let i = 0; i < k; i++) colonnes.push({ nom: `v${i}`, type: 'DOUBLE' }, { nom: `s${i}`, type: 'INTEGER' });
  // Generated identifiers only (v0, s0, …): nothing from the file is spliced into the SQL.
  const paires = Array.from({ length: k }, (_, i) => `(v${i}, s${i}) AS '${i}'`).join(', ');
  // Source order (line, then column) without sorting the unpivoted rows: the staging table (one
  // row per line, a few ten thousand; the key columns break ties on `ligne`) is sorted, and
  // UNPIVOT streams each row's values in column order into the order-preserving COPY (checked by
  // the integration tests on the files as written). Sorting the million unpivoted rows held
  // hundreds of MB: the sort key and every payload column.
  const sql = `WITH m AS (
    SELECT ligne, niveau, code, libelle, periode, sexe, age, i::INTEGER AS i, v, s, NULL::VARCHAR AS t
    -- INCLUDE NULLS: a secret cell (NULL value) is a row too, with its statut
    FROM (
        SELECT *
        FROM staging
        ORDER BY
            ligne,
            niveau,
            code,
            periode,
            sexe,
            age
    ) UNPIVOT INCLUDE NULLS ((v, s) FOR i IN (${paires}))
)${projection(args.periodes ? '$periodes[m.i + 1]' : 'm.periode')}`;
  let tableau: Array<Array<string | number | null>> | null = null;
  return {
    millesime: args.millesime,
    cogSource: args.cogSource,
    partie: args.partie ?? null,
    colonnes,
    // Built only if read (tests, tools): ingestion streams `rangees`.
    get lignes() {
      return (tableau ??= Array.from({ length: lignes.length }, (_, n) => lignes.rangee(n)));
    },
    rangees: {
      get nombre() {
        return lignes.length;
      },
      *parcourir() {
        for (let n = 0; n < lignes.length; n++) yield lignes.rangee(n);
      },
    },
    lignesLues: args.lignesLues,
    parametres: { ...parametresVariables(args.variables), ...(args.periodes ? { periodes: args.periodes } : {}) },
    normalisationSql: sql,
    variables: args.variables,
    niveaux: [...new Set(lignes.cles.map((c) => c.niveau))].sort(),
  };
}

/** Long rows: one value per row, `variable` indexing `variables`; `modalite` for categorical ones. */
export function extraitMesuresLongues(args: {
  millesime: string;
  cogSource: number | null;
  partie?: string | null;
  lignesLues: number;
  variables: VariableSource[];
  lignes: Array<{ cle: CleLigne; variable: number; valeur: number | null; statut: number; modalite?: string | null }>;
}): ExtraitLu {
  return {
    millesime: args.millesime,
    cogSource: args.cogSource,
    partie: args.partie ?? null,
    colonnes: [...COLONNES_CLE, { nom: 'i', type: 'INTEGER' }, { nom: 'v', type: 'DOUBLE' }, { nom: 's', type: 'INTEGER' }, { nom: 't', type: 'VARCHAR' }],
    lignes: args.lignes.map((l) => [...cleVersLigne(l.cle), l.variable, l.valeur, l.statut, l.modalite ?? null]),
    lignesLues: args.lignesLues,
    lignesAcceptees: new Set(args.lignes.map((l) => l.cle.ligne)).size,
    parametres: parametresVariables(args.variables),
    normalisationSql: `WITH m AS (SELECT * FROM staging)${SELECT_FINAL}`,
    variables: args.variables,
    niveaux: [...new Set(args.lignes.map((l) => l.cle.niveau))].sort(),
  };
}
