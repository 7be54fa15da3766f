/**
 * A source adapter recognises one upstream format by its content (header signature, never the
 * file name), validates every line (errors name file, line and column), and hands typed rows to
 * its normalisation SQL, which produces the lake dataset.
 */

export interface ColonneTable {
  nom: string;
  type: 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'DATE';
}

export interface ExtraitLu {
  millesime: string;
  /** COG millésime of the codes in the file (state at 1 January of that year). */
  cogSource: number | null;
  /** Columns of the staging table, and its rows, validated. */
  colonnes: ColonneTable[];
  lignes: Array<Array<string | number | null>>;
  lignesLues: number;
}

export interface Provenance {
  producteur: string;
  jeuDeDonnees: string;
  licence: string;
}

export interface SourceAdapter {
  /** Stable id, also the dataset name in the lake: kebab-case ASCII. */
  id: string;
  libelle: string;
  provenance: Provenance;
  extension: string;
  /** Increment when the normalised output changes: forces a re-ingest of unchanged files. */
  versionSchema: number;
  /** True when the first line (header, BOM stripped) is this format's. */
  reconnaitre(premiereLigne: string): boolean;
  /** Validates and types the whole file; throws `SourceSchemaError` at the first bad cell. */
  lire(texte: string, fichier: string, millesimeImpose: string | null): ExtraitLu;
  /** SELECT over the staging table `staging` producing the dataset rows. */
  normalisationSql: string;
}
