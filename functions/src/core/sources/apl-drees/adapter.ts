import { SourceSchemaError } from '../../errors.ts';
import type { EntreeSource, ExtraitLu, SourceAdapter } from '../adapter.ts';
import { type Cellule, type Classeur, texteCellule } from '../lecture/xlsx.ts';
import { lireZip, estZip } from '../lecture/zip.ts';
import { CODE_STATUT, extraitMesuresLarges, type CleLigne, type VariableSource } from '../mesures.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule } from '../texte.ts';

/**
 * DREES, "Accessibilité potentielle localisée (APL) aux médecins généralistes", by commune.
 * Two layouts are read:
 *
 * - **single-year workbook** (`APL_mg_2021.xlsx`): one sheet, header on row 1 — `Code commune |
 *   Libellé de la commune | Population totale | APL aux médecins généralistes (sans borne d'âge)
 *   | … de 65 ans et moins | … de 62 ans et moins | Population standardisée par la consommation de
 *   soins par tranche d'âge`, data from row 2. The year is not in the file: the millésime must
 *   be given (catalogue: 2021); geography COG of the next year (APL 2021 → COG 2022, verified).
 * - **multi-year workbook** (as described by third-party code; no real file available, tested
 *   on a synthetic one): one sheet per year (`APL 2022`, older `APL_2019`), 8 title/notes rows,
 *   header on row 9 (`Code commune INSEE`, `Commune`, `APL aux médecins généralistes`, `… de 65
 *   ans ou moins` or `… de moins de 65 ans`, `… de 62 ans ou moins`, `… de 60 ans ou moins`,
 *   `Population standardisée 20AA pour la médecine générale`, `Population totale 20AA`; some
 *   headers with a trailing space), then a units row, then the communes. Each sheet is a
 *   period; the millésime is the most recent year; the COG is assumed to be that year + 1, as
 *   for the single-year file (unverified).
 *
 * Headers are matched after trimming, accent and case folding. An APL of 0 is a real value (no
 * GP reachable); an empty cell is `absent` (23 communes in 2021: uninhabited Meuse villages,
 * Mayotte), never 0. Paris, Lyon and Marseille come as their 45 arrondissements, whose label is
 * empty in the single-year file (accepted for them only).
 */

const UNITE_APL = 'consultations/visites accessibles par an et par habitant standardisé';

interface DefColonne {
  cle: 'code' | 'libelle' | 'variable';
  variable?: Omit<VariableSource, 'colonneSource'>;
  /** Year printed in the header (`Population totale 2022`), checked against the sheet's. */
  annee?: string;
  entier?: boolean;
}

const apl = (suffixe: string, precision: string): Omit<VariableSource, 'colonneSource'> => ({
  id: `apl-medecins-generalistes${suffixe}`,
  libelle: `APL aux médecins généralistes${precision}`,
  unite: UNITE_APL,
  additive: false,
});

/** Header text → its meaning; null when unknown. */
export function colonneApl(entete: string): DefColonne | null {
  const t = entete
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  if (t === 'code commune' || t === 'code commune insee' || t === 'code insee de la commune') return { cle: 'code' };
  if (t === 'libelle de la commune' || t === 'commune' || t === 'libelle commune' || t === 'nom de la commune') return { cle: 'libelle' };
  let m: RegExpExecArray | null;
  if ((m = /^population totale(?: (\d{4}))?$/.exec(t))) {
    return { cle: 'variable', annee: m[1], entier: true, variable: { id: 'population-totale', libelle: 'Population totale', unite: 'habitants', additive: true } };
  }
  if ((m = /^population standardisee(?: (\d{4}))?(?: par la consommation de soins par tranche d'age| pour la medecine generale)$/.exec(t))) {
    return {
      cle: 'variable',
      annee: m[1],
      variable: { id: 'population-standardisee-apl', libelle: 'Population standardisée par la consommation de soins de médecine générale', unite: 'habitants standardisés', additive: true },
    };
  }
  if (/^apl aux medecins generalistes(?: \(sans borne d'age\))?$/.test(t)) return { cle: 'variable', variable: apl('', ' (sans borne d’âge)') };
  if ((m = /^apl aux medecins generalistes (?:de )?(\d{2}) ans (?:et|ou) moins$/.exec(t))) {
    return { cle: 'variable', variable: apl(`-${m[1]}-ans-et-moins`, ` de ${m[1]} ans et moins`) };
  }
  // "de moins de 65 ans" (older sheets) is kept apart from "65 ans ou moins": the two wordings
  // may not define the same population of doctors.
  if ((m = /^apl aux medecins generalistes de moins de (\d{2}) ans$/.exec(t))) {
    return { cle: 'variable', variable: apl(`-moins-de-${m[1]}-ans`, ` de moins de ${m[1]} ans`) };
  }
  return null;
}

const RE_FEUILLE_ANNEE = /^APL[ _](\d{4})$/i;
const LIGNE_ENTETE_MULTI = 9;

const classeur = (entree: EntreeSource): Classeur => entree.classeur();

const texteDe = texteCellule;

function estEnteteApl(ligne: Cellule[] | undefined): boolean {
  if (ligne === undefined) return false;
  const defs = ligne.map((x) => (typeof x === 'string' ? colonneApl(x) : null));
  return defs[0]?.cle === 'code' && defs.some((d) => d?.variable?.id === 'apl-medecins-generalistes');
}

/** The layout of the workbook: its data sheets with their header row and year (null: single-year). */
function disposition(c: Classeur): Array<{ nom: string; ligneEntete: number; annee: string | null }> | null {
  const annuelles = c.feuilles.filter((f) => RE_FEUILLE_ANNEE.test(f));
  if (annuelles.length > 0) {
    return annuelles.map((nom) => ({ nom, ligneEntete: LIGNE_ENTETE_MULTI, annee: RE_FEUILLE_ANNEE.exec(nom)![1]! }));
  }
  // Single-year: the first sheet, header on row 1.
  const nom = c.feuilles[0]!;
  return estEnteteApl(c.feuille(nom).lignes[0]) ? [{ nom, ligneEntete: 1, annee: null }] : null;
}

export const aplDrees: SourceAdapter = {
  id: 'apl-drees',
  libelle: 'Accessibilité potentielle localisée (APL) aux médecins généralistes',
  provenance: {
    producteur: 'DREES',
    jeuDeDonnees: 'Indicateur d’accessibilité potentielle localisée (APL) aux médecins généralistes, par commune',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'xlsx',
  versionSchema: 1,

  reconnaitre(entree) {
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      // Cheap filter before parsing a whole sheet: the words "APL aux m…" must appear in the
      // shared strings or in a worksheet part (inline strings), else it is not an APL workbook.
      const parties = lireZip(b, entree.fichier).filter((e) => /^xl\/(?:sharedStrings\.xml|worksheets\/[^/]+\.xml)$/i.test(e.nom));
      if (!parties.some((e) => Buffer.from(e.lire()).includes('APL aux m'))) return false;
      const c = classeur(entree);
      const d = disposition(c);
      if (d === null) return false;
      // Multi-year: at least one year sheet has the APL header on row 9.
      return d.some((f) => estEnteteApl(c.feuille(f.nom).lignes[f.ligneEntete - 1]));
    } catch {
      return false;
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const c = classeur(entree);
    const d = disposition(c);
    if (d === null) {
      throw new SourceSchemaError(
        { fichier, ligne: 1 },
        `feuille « ${c.feuilles[0]} » : en-tête APL introuvable (ni « Code commune » en ligne 1, ni feuilles « APL AAAA » avec l’en-tête en ligne ${LIGNE_ENTETE_MULTI})`,
      );
    }
    const multi = d[0]!.annee !== null;
    let millesime: string;
    if (multi) {
      millesime = String(Math.max(...d.map((f) => Number(f.annee))));
      if (millesimeImpose !== null && millesimeImpose !== millesime) {
        throw new SourceSchemaError({ fichier }, `millésime ${millesimeImpose} demandé, mais l’année la plus récente du classeur (feuilles « APL AAAA ») est ${millesime}`);
      }
    } else {
      if (millesimeImpose === null) {
        throw new SourceSchemaError(
          { fichier },
          'millésime absent : ce classeur APL (une seule feuille, en-tête en ligne 1) ne porte pas son année, précisez-la (catalogue ou option --millesime, ex. 2021)',
        );
      }
      if (!/^20\d{2}$/.test(millesimeImpose)) throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : une année, ex. 2021)`);
      millesime = millesimeImpose;
    }

    const variables: VariableSource[] = [];
    const indexVariable = new Map<string, number>();
    const lues: Array<{ cle: CleLigne; valeurs: Map<number, number | null> }> = [];
    /** Variables present in each sheet (period): only those become rows of the dataset. */
    const presentes: Array<{ periode: string; k: number }> = [];
    let lignesLues = 0;
    for (const f of d) {
      const periode = f.annee ?? millesime;
      const rows = c.feuille(f.nom).lignes;
      const erreur = (ligne: number, col: number | undefined, colonne: string | undefined, raison: string): never => {
        throw new SourceSchemaError(
          col === undefined ? { fichier, ligne } : { fichier, ligne, numeroColonne: col + 1, colonne: colonne ?? `colonne ${col + 1}` },
          `feuille « ${f.nom} » : ${raison}`,
        );
      };
      // Header: every non-empty cell must be a known column.
      const entete = rows[f.ligneEntete - 1] ?? [];
      const colonnes: Array<{ index: number; nom: string; def: DefColonne; k: number }> = [];
      let colCode = -1;
      let colLibelle = -1;
      entete.forEach((x, i) => {
        const nom = texteDe(x);
        if (nom === '') return;
        const def = typeof x === 'string' ? colonneApl(x) : null;
        if (def === null) erreur(f.ligneEntete, i, nom, `colonne inconnue « ${nom.slice(0, 80)} » d’un classeur APL`);
        if (def!.annee !== undefined && f.annee !== null && def!.annee !== f.annee) erreur(f.ligneEntete, i, nom, `colonne de l’année ${def!.annee} dans la feuille de ${f.annee}`);
        if (def!.cle === 'code') colCode = colCode === -1 ? i : erreur(f.ligneEntete, i, nom, 'deux colonnes de code commune');
        else if (def!.cle === 'libelle') colLibelle = colLibelle === -1 ? i : erreur(f.ligneEntete, i, nom, 'deux colonnes de libellé');
        else {
          const v = def!.variable!;
          if (colonnes.some((col) => col.def.variable!.id === v.id)) erreur(f.ligneEntete, i, nom, `colonne « ${nom} » en double (${v.id})`);
          let k = indexVariable.get(v.id);
          if (k === undefined) {
            k = variables.length;
            indexVariable.set(v.id, k);
            variables.push({ ...v, colonneSource: nom });
          } else if (!variables[k]!.colonneSource.split(' | ').includes(nom)) {
            variables[k]!.colonneSource += ` | ${nom}`;
          }
          colonnes.push({ index: i, nom, def: def!, k });
          presentes.push({ periode, k });
        }
      });
      if (colCode === -1) erreur(f.ligneEntete, undefined, undefined, `colonne « Code commune » absente de l’en-tête (ligne ${f.ligneEntete})`);
      if (colLibelle === -1) erreur(f.ligneEntete, undefined, undefined, `colonne du libellé de la commune absente de l’en-tête (ligne ${f.ligneEntete})`);
      if (!colonnes.some((col) => col.def.variable!.id === 'apl-medecins-generalistes')) {
        erreur(f.ligneEntete, undefined, undefined, `colonne « APL aux médecins généralistes » absente de l’en-tête (ligne ${f.ligneEntete})`);
      }

      const vus = new Map<string, number>();
      let donnees = 0;
      let finDonnees = 0;
      for (let i = f.ligneEntete; i < rows.length; i++) {
        const r = rows[i]!;
        const ligne = i + 1;
        if (r.every((x) => texteDe(x) === '')) {
          if (donnees > 0 && finDonnees === 0) finDonnees = ligne;
          continue;
        }
        if (finDonnees !== 0) erreur(finDonnees, undefined, undefined, `ligne vide au milieu des données (la ligne ${ligne} n’est pas vide)`);
        const brut = r[colCode] ?? null;
        // Multi-year layout: one units row right after the header (no commune code in it).
        if (multi && i === f.ligneEntete && (brut === null || (typeof brut === 'string' && !/^\s*(?:\d{4,5}|2[AB]\d{3})\s*$/.test(brut)))) continue;
        const code = typeof brut === 'number' && Number.isInteger(brut) && brut > 0 && brut < 100000 ? String(brut).padStart(5, '0') : texteDe(brut);
        const niveau = niveauDuCode(code);
        if (niveau !== 'commune' && niveau !== 'arrondissement-municipal') {
          erreur(ligne, colCode, texteDe(entete[colCode]), code === '' ? 'code commune absent' : `code commune invalide « ${code.slice(0, 12)} »`);
        }
        const libelleBrut = r[colLibelle] ?? null;
        if (libelleBrut !== null && typeof libelleBrut !== 'string') erreur(ligne, colLibelle, texteDe(entete[colLibelle]), `libellé non textuel « ${String(libelleBrut)} »`);
        const libelle = texteDe(libelleBrut);
        if (libelle === '' && niveau !== 'arrondissement-municipal') erreur(ligne, colLibelle, texteDe(entete[colLibelle]), `libellé vide pour la commune « ${code} »`);
        if (estInjectionFormule(libelle)) erreur(ligne, colLibelle, texteDe(entete[colLibelle]), 'libellé commençant par un caractère de formule de tableur');
        const premier = vus.get(code);
        if (premier !== undefined) erreur(ligne, colCode, texteDe(entete[colCode]), `commune « ${code} » en double (déjà ligne ${premier})`);
        vus.set(code, ligne);
        donnees += 1;
        const cle: CleLigne = { ligne, niveau: niveau as CleLigne['niveau'], code, libelle: libelle || null, periode, sexe: null, age: null };
        const valeurs = new Map<number, number | null>();
        for (const col of colonnes) {
          const x = r[col.index] ?? null;
          let valeur: number | null = null;
          if (typeof x === 'number') valeur = x;
          else if (!(x === null || (typeof x === 'string' && x.trim() === ''))) {
            erreur(ligne, col.index, col.nom, `nombre attendu, « ${String(x).slice(0, 30)} » trouvé`);
          }
          if (valeur !== null && (valeur < 0 || !Number.isFinite(valeur))) erreur(ligne, col.index, col.nom, `valeur négative ${valeur} impossible`);
          if (valeur !== null && col.def.entier && !Number.isInteger(valeur)) erreur(ligne, col.index, col.nom, `nombre entier attendu, ${valeur} trouvé`);
          valeurs.set(col.k, valeur);
        }
        lues.push({ cle, valeurs });
      }
      if (donnees === 0) erreur(f.ligneEntete + 1, undefined, undefined, 'aucune commune après l’en-tête');
      lignesLues += donnees;
    }
    // Wide staging, one row per commune and sheet (fast to load, and the manifest's line counts
    // stay those of the file); the generated SQL unpivots it, then only the variables each sheet
    // has are kept (a multi-year workbook's older sheets have fewer columns).
    const lignes = lues.map(({ cle, valeurs }) => ({
      cle,
      valeurs: variables.map((_, k) => valeurs.get(k) ?? null),
      statuts: variables.map((_, k) => (valeurs.get(k) ?? null) === null ? CODE_STATUT.absent : CODE_STATUT.ok),
    }));
    const extrait: ExtraitLu = extraitMesuresLarges({ millesime, cogSource: Number(millesime) + 1, lignesLues, variables, lignes });
    extrait.annexes = [
      ...(extrait.annexes ?? []),
      {
        nom: 'staging_presentes',
        colonnes: [
          { nom: 'periode', type: 'VARCHAR' },
          { nom: 'idx', type: 'INTEGER' },
          { nom: 'colonne', type: 'VARCHAR' },
        ],
        lignes: presentes.map((p) => [p.periode, p.k, variables[p.k]!.colonneSource]),
      },
    ];
    extrait.normalisationSql = `SELECT
    r.*
FROM (${extrait.normalisationSql}) AS r
-- only the variables the sheet of this period has
JOIN staging_presentes AS p ON p.periode = r.periode AND p.colonne = r.colonne_source
ORDER BY
    r.periode DESC,
    r.ligne_source,
    p.idx`;
    return extrait;
  },
};
