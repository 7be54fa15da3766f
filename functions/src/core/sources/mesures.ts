import type { ColonneTable, ExtraitLu } from './adapter.ts';
import type { StatutMesure } from './lecture/nombres.ts';
import mesuresSql from './mesures.sql';

/**
 * The common shape of every indicator-type extract in the lake ("mesures", long format): one row
 * per territory × variable × period (× sex × age band when the source has them), the value typed
 * with a `statut` saying why it is absent (secret, absent, non disponible) — never 0.
 */

export const NIVEAUX_SOURCE = ['commune', 'arrondissement-municipal', 'epci', 'departement', 'region', 'france', 'france-metropolitaine'] as const;
export type NiveauSource = (typeof NIVEAUX_SOURCE)[number];

export interface VariableSource {
  /** kebab-case id, stable: `nombre-menages`, `mediane-niveau-vie`. */
  id: string;
  /** The source's own column name (e.g. `MED19`), for provenance. */
  colonneSource: string;
  libelle: string;
  unite: string;
  /** True for counts that add up across communes; medians, rates and shares do not. */
  additive: boolean;
}

export interface LigneMesure {
  ligne: number;
  colonne: string;
  niveau: NiveauSource;
  code: string;
  libelle: string | null;
  variable: string;
  periode: string;
  sexe: string | null;
  age: string | null;
  valeur: number | null;
  statut: StatutMesure;
}

export const COLONNES_MESURES: ColonneTable[] = [
  { nom: 'ligne', type: 'INTEGER' },
  { nom: 'colonne', type: 'VARCHAR' },
  { nom: 'niveau', type: 'VARCHAR' },
  { nom: 'code', type: 'VARCHAR' },
  { nom: 'libelle', type: 'VARCHAR' },
  { nom: 'variable', type: 'VARCHAR' },
  { nom: 'periode', type: 'VARCHAR' },
  { nom: 'sexe', type: 'VARCHAR' },
  { nom: 'age', type: 'VARCHAR' },
  { nom: 'valeur', type: 'DOUBLE' },
  { nom: 'statut', type: 'VARCHAR' },
];

export { mesuresSql };

/** Packs validated measures into an extract for the common normalisation SQL. */
export function extraitMesures(args: {
  millesime: string;
  cogSource: number | null;
  lignesLues: number;
  variables: VariableSource[];
  mesures: LigneMesure[];
}): ExtraitLu {
  const niveaux = [...new Set(args.mesures.map((m) => m.niveau))].sort();
  return {
    millesime: args.millesime,
    cogSource: args.cogSource,
    colonnes: COLONNES_MESURES,
    lignes: args.mesures.map((m) => [m.ligne, m.colonne, m.niveau, m.code, m.libelle, m.variable, m.periode, m.sexe, m.age, m.valeur, m.statut]),
    lignesLues: args.lignesLues,
    variables: args.variables,
    niveaux,
  };
}
