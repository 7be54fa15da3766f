import type { ColonneTable, ExtraitLu } from '../adapter.ts';
import { CODE_STATUT, type CleLigne, type VariableSource } from '../mesures.ts';

/**
 * Wide staging for Géoclip tables: one staging row per source line (so that the manifest's line
 * counts stay those of the file), one (value, statut, modality) triple per source column, and the
 * variable AND period of each column in a side table — a Géoclip column is an indicator for one
 * year (`Taux brut de mortalité 2023`), and a column may hold categories (`4_Tres_dotee`).
 * `extraitMesuresLarges` has neither a per-column period nor text values; long rows would work
 * but stage one row per value (slower). DuckDB unpivots; the output columns are exactly those of
 * the common measure dataset (`mesures.ts`).
 */

export interface ColonneStaging {
  /** Index into `variables`. */
  variable: number;
  /** The source header, e.g. `Insee - Statistiques locales : Taux brut de mortalité 2023`. */
  colonneSource: string;
  periode: string;
}

export interface LigneStaging {
  cle: Omit<CleLigne, 'periode'>;
  /** Per source column: value (numeric columns), status code, modality (categorical columns). */
  valeurs: Array<number | null>;
  statuts: number[];
  modalites: Array<string | null>;
}

export function extraitMesuresParColonne(args: {
  millesime: string;
  cogSource: number | null;
  partie: string;
  lignesLues: number;
  variables: VariableSource[];
  colonnes: ColonneStaging[];
  lignes: LigneStaging[];
}): ExtraitLu {
  const k = args.colonnes.length;
  const colonnes: ColonneTable[] = [
    { nom: 'ligne', type: 'INTEGER' },
    { nom: 'niveau', type: 'VARCHAR' },
    { nom: 'code', type: 'VARCHAR' },
    { nom: 'libelle', type: 'VARCHAR' },
    { nom: 'sexe', type: 'VARCHAR' },
    { nom: 'age', type: 'VARCHAR' },
  ];
  for (let i = 0; i < k; i++) colonnes.push({ nom: `v${i}`, type: 'DOUBLE' }, { nom: `s${i}`, type: 'INTEGER' }, { nom: `t${i}`, type: 'VARCHAR' });
  // Generated identifiers only (v0, s0, t0, …): nothing from the file is spliced into the SQL.
  const triplets = Array.from({ length: k }, (_, i) => `(v${i}, s${i}, t${i}) AS '${i}'`).join(', ');
  const sql = `WITH m AS (
    SELECT ligne, niveau, code, libelle, sexe, age, i::INTEGER AS i, v, s, t
    -- INCLUDE NULLS: a secret or unavailable cell (NULL value) is a row too, with its statut
    FROM staging UNPIVOT INCLUDE NULLS ((v, s, t) FOR i IN (${triplets}))
)
SELECT
    m.niveau,
    m.code,
    m.libelle,
    col.variable,
    col.periode,
    m.sexe,
    m.age,
    -- a value exists exactly when its statut is 'ok'
    CASE WHEN m.s = 0 THEN m.v END AS valeur,
    CASE WHEN m.s = 0 THEN m.t END AS modalite,
    CASE m.s WHEN 0 THEN 'ok' WHEN 1 THEN 'secret' WHEN 2 THEN 'absent' ELSE 'non_disponible' END AS statut,
    m.ligne AS ligne_source,
    col.colonne AS colonne_source
FROM m
JOIN staging_colonnes AS col ON col.idx = m.i
-- source order: line, then column
ORDER BY
    m.ligne,
    m.i`;
  return {
    millesime: args.millesime,
    cogSource: args.cogSource,
    partie: args.partie,
    colonnes,
    lignes: args.lignes.map((l) => {
      const row: Array<string | number | null> = [l.cle.ligne, l.cle.niveau, l.cle.code, l.cle.libelle, l.cle.sexe, l.cle.age];
      for (let i = 0; i < k; i++) row.push(l.valeurs[i] ?? null, l.statuts[i] ?? CODE_STATUT.absent, l.modalites[i] ?? null);
      return row;
    }),
    lignesLues: args.lignesLues,
    annexes: [
      {
        nom: 'staging_colonnes',
        colonnes: [
          { nom: 'idx', type: 'INTEGER' },
          { nom: 'variable', type: 'VARCHAR' },
          { nom: 'colonne', type: 'VARCHAR' },
          { nom: 'periode', type: 'VARCHAR' },
        ],
        lignes: args.colonnes.map((c, i) => [i, args.variables[c.variable]!.id, c.colonneSource, c.periode]),
      },
    ],
    normalisationSql: sql,
    variables: args.variables,
    niveaux: [...new Set(args.lignes.map((l) => l.cle.niveau))].sort(),
  };
}
