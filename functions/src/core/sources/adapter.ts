import type { VariableSource } from './mesures.ts';
import { decoderTexte, type TexteDecode } from './lecture/decodage.ts';
import { lireClasseur, type Classeur } from './lecture/xlsx.ts';

/**
 * A source adapter recognises one upstream format by its content (header signature, never the
 * file name), validates every line (errors name file, line and column), and hands typed rows to
 * its normalisation SQL, which produces the lake dataset.
 */

export interface ColonneTable {
  nom: string;
  type: 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'DATE';
}

/** A small side table the normalisation SQL joins (e.g. the variables of a measure file). */
export interface TableAnnexe {
  nom: string;
  colonnes: ColonneTable[];
  lignes: Array<Array<string | number | null>>;
}

export interface ExtraitLu {
  millesime: string;
  /** Part of the millésime when a dataset comes in several files (e.g. one per level). */
  partie?: string | null;
  /** COG millésime of the codes in the file (state at 1 January of that year). */
  cogSource: number | null;
  /** Columns of the staging table, and its rows, validated. */
  colonnes: ColonneTable[];
  lignes: Array<Array<string | number | null>>;
  /**
   * Large extracts: the staging rows generated one at a time from a compact store, which is what
   * ingestion appends (`lignes` is then built only if read).
   */
  rangees?: { nombre: number; parcourir(): Iterable<Array<string | number | null>> };
  lignesLues: number;
  /** Source lines accepted, when staging rows are not one per source line (long measures). */
  lignesAcceptees?: number;
  annexes?: TableAnnexe[];
  /** Named list parameters bound when the normalisation SQL runs (e.g. the variable names). */
  parametres?: Record<string, string[]>;
  /** Normalisation SQL generated for this extract (measure datasets); else the adapter's. */
  normalisationSql?: string;
  /** For measure datasets: the variables, with their unit and whether they add up. */
  variables?: VariableSource[];
  /** Geographic levels present (measure datasets). */
  niveaux?: string[];
}

export interface Provenance {
  producteur: string;
  jeuDeDonnees: string;
  licence: string;
}

/** One uploaded file: its bytes, and its text decoded on demand (once). */
export interface EntreeSource {
  fichier: string;
  bytes: Uint8Array;
  texte(): TexteDecode;
  /** The workbook, parsed on first use (XLSX inputs); throws a `SourceSchemaError` otherwise. */
  classeur(): Classeur;
  /** The first `n` lines of the text, or `[]` for a binary file. */
  premieresLignes(n: number): string[];
}

export function entreeSource(fichier: string, bytes: Uint8Array): EntreeSource {
  let decode: TexteDecode | null = null;
  let classeurLu: Classeur | null = null;
  const texte = () => (decode ??= decoderTexte(bytes, fichier));
  return {
    fichier,
    bytes,
    texte,
    classeur: () => (classeurLu ??= lireClasseur(bytes, fichier)),
    premieresLignes(n) {
      try {
        const t = texte().texte;
        const out: string[] = [];
        let start = t.charCodeAt(0) === 0xfeff ? 1 : 0;
        while (out.length < n && start < t.length) {
          const end = t.indexOf('\n', start);
          out.push(t.slice(start, end === -1 ? t.length : end).replace(/\r$/, ''));
          if (end === -1) break;
          start = end + 1;
        }
        return out;
      } catch {
        return [];
      }
    },
  };
}

export interface SourceAdapter {
  /** Stable id, also the dataset name in the lake: kebab-case ASCII. */
  id: string;
  libelle: string;
  provenance: Provenance;
  /** Extension of the immutable raw copy. */
  extension: string;
  /** Increment when the normalised output changes: forces a re-ingest of unchanged files. */
  versionSchema: number;
  /** True when the content (header signature) is this format's. Must not throw. */
  reconnaitre(entree: EntreeSource): boolean;
  /** Validates and types the whole file; throws `SourceSchemaError` at the first bad cell. */
  lire(entree: EntreeSource, millesimeImpose: string | null): ExtraitLu;
  /** SELECT over the staging table `staging` producing the dataset rows (table datasets). */
  normalisationSql?: string;
}
