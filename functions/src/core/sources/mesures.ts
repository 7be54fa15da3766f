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

const cleVersLigne = (c: CleLigne) => [c.ligne, c.niveau, c.code, c.libelle, c.periode, c.sexe, c.age];

/** The variables' ids and source columns, bound as list parameters of the normalisation SQL. */
export function parametresVariables(variables: readonly VariableSource[]): Record<string, string[]> {
  for (const v of variables) if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v.id)) throw new Error(`Identifiant de variable invalide : ${v.id}`);
  return { variables: variables.map((v) => v.id), colonnes: variables.map((v) => v.colonneSource) };
}

/**
 * Final projection of measure rows. Variable names are looked up by index in list parameters
 * bound at execution (`$variables`, `$colonnes`): no join of the large unpivoted table; the
 * integer sort keys keep the Parquet byte-identical run after run.
 */
const SELECT_FINAL = `
SELECT
    m.niveau,
    m.code,
    m.libelle,
    $variables[m.i + 1] AS variable,
    m.periode,
    m.sexe,
    m.age,
    -- a value exists exactly when its statut is 'ok'
    CASE WHEN m.s = 0 THEN m.v END AS valeur,
    CASE WHEN m.s = 0 THEN m.t END AS modalite,
    CASE m.s WHEN 0 THEN 'ok' WHEN 1 THEN 'secret' WHEN 2 THEN 'absent' ELSE 'non_disponible' END AS statut,
    m.ligne AS ligne_source,
    $colonnes[m.i + 1] AS colonne_source
FROM m
-- source order: line, then column (integer keys, cheap to sort)
ORDER BY
    m.ligne,
    m.i`;

/** Wide rows: `valeurs[k]`/`statuts[k]` are the value and status code of `variables[k]`. */
export function extraitMesuresLarges(args: {
  millesime: string;
  cogSource: number | null;
  partie?: string | null;
  lignesLues: number;
  variables: VariableSource[];
  lignes: Array<{ cle: CleLigne; valeurs: Array<number | null>; statuts: number[] }>;
}): ExtraitLu {
  const k = args.variables.length;
  const colonnes: ColonneTable[] = [...COLONNES_CLE];
  for (let i = 0; i < k; i++) colonnes.push({ nom: `v${i}`, type: 'DOUBLE' }, { nom: `s${i}`, type: 'INTEGER' });
  // Generated identifiers only (v0, s0, …): nothing from the file is spliced into the SQL.
  const paires = Array.from({ length: k }, (_, i) => `(v${i}, s${i}) AS '${i}'`).join(', ');
  const sql = `WITH m AS (
    SELECT ligne, niveau, code, libelle, periode, sexe, age, i::INTEGER AS i, v, s, NULL::VARCHAR AS t
    -- INCLUDE NULLS: a secret cell (NULL value) is a row too, with its statut
    FROM staging UNPIVOT INCLUDE NULLS ((v, s) FOR i IN (${paires}))
)${SELECT_FINAL}`;
  return {
    millesime: args.millesime,
    cogSource: args.cogSource,
    partie: args.partie ?? null,
    colonnes,
    lignes: args.lignes.map((l) => {
      const row: Array<string | number | null> = cleVersLigne(l.cle);
      for (let i = 0; i < k; i++) row.push(l.valeurs[i] ?? null, l.statuts[i] ?? CODE_STATUT.absent);
      return row;
    }),
    lignesLues: args.lignesLues,
    parametres: parametresVariables(args.variables),
    normalisationSql: sql,
    variables: args.variables,
    niveaux: [...new Set(args.lignes.map((l) => l.cle.niveau))].sort(),
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
