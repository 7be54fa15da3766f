import { SourceSchemaError } from '../../errors.ts';
import { VARIABLES as VARIABLES_CC, type DefVariable } from '../filosofi-cc/adapter.ts';
import type { EntreeSource, SourceAdapter } from '../adapter.ts';
import { estFichierCompose, lireClasseurXls } from '../lecture/xls.ts';
import type { Cellule, Classeur } from '../lecture/xlsx.ts';
import { lireZip, type EntreeZip, estZip } from '../lecture/zip.ts';
import { CODE_STATUT, extraitMesuresLarges, LignesLarges, type CleLigne, type NiveauSource, type VariableSource } from '../mesures.ts';

/**
 * INSEE Filosofi "base comparateur" published as a legacy Excel 97–2003 workbook inside INSEE's
 * zip (`filo-revenu-pauvrete-menage-2015.zip` → `base-cc-filosofi-2015.xls`): the millésimes
 * before the CSV files (`cc_filosofi_AAAA_COM.csv`, adapter `filosofi-cc`).
 *
 * Workbook layout (checked on the 2015 file): one sheet per level — `COM, EPCI, ARR, DEP, REG,
 * METRO, AU2010, UU2010, ZE2010` — then `Variables` and `Documentation`. In each level sheet,
 * rows 1–4 are titles (row 1 "… - Année 2015", row 2 the field "France métropolitaine,
 * Martinique et La Réunion - Communes", row 3 "Mise en ligne le … Géographie au 01/01/2016"),
 * row 5 the labels, **row 6 the codes** (`CODGEO, LIBGEO, NBMENFISC15, …, RD15`), data from row 7.
 * Values are unrounded numbers; a secret cell is an empty cell.
 *
 * Design: **one extract per file** (partie `null`), holding every level the lake knows —
 * communes (with the PLM arrondissements listed in `COM`), EPCI, départements, régions,
 * France métropolitaine (code `1`, as in `filosofi-disp`). The sheets `ARR` (arrondissements
 * départementaux), `AU2010`, `UU2010`, `ZE2010` (aires/unités urbaines, zones d'emploi) are
 * levels the lake has no `NiveauSource` for: they are not read (their layout is still
 * checked not to matter). `ligne_source` must be unique across the extract, so it is
 * `100 000 × (index of the sheet in the workbook) + Excel row` (BIFF8 has at most 65 536 rows):
 * COM rows keep their Excel number, EPCI row 7 is 100 007, DEP row 7 is 300 007…
 * Error messages name the sheet and the real Excel row.
 *
 * Variables: the ids, labels and units of `filosofi-cc` (same concepts, same column names
 * without the year suffix). Unlike the CSV millésimes, `NBPERSMENFISC` is not an integer in
 * 2015 (half persons: children in alternating residence), so only `NBMENFISC` must be one.
 *
 * Millésime: the 2-digit suffix of the code row (`NBMENFISC15` → 2015), which must match the
 * "Année AAAA" of the title when present; an imposed millésime must match it. COG: read from
 * the title rows ("Géographie au 01/01/2016" → 2016); refused if absent (no default guessed).
 *
 * Statuses: an empty cell is `secret`, except for communes outside the field of Filosofi
 * (Guadeloupe, Guyane, Mayotte: codes 971, 973, 976, listed with no value at all), `absent`.
 * Codes stored as numbers (not the case in the 2015 file, but Excel does it when a column is
 * retyped) get their leading zeros back: commune `1001` → `01001`, département `1` → `01`.
 */

/**
 * The base comparateur's variables (same ids, labels and units as `filosofi-cc`), except that
 * the 2015 workbook counts persons in halves (245.5): not required to be whole numbers.
 */
const VARIABLES: Readonly<Record<string, DefVariable>> = {
  ...VARIABLES_CC,
  NBPERSMENFISC: { ...VARIABLES_CC.NBPERSMENFISC!, entier: false },
};

/** Level sheets read, with the level of their rows. The commune sheet is mandatory. */
const FEUILLES_LUES: ReadonlyArray<{ nom: string; niveau: 'commune' | 'epci' | 'departement' | 'region' | 'france-metropolitaine'; obligatoire: boolean }> = [
  { nom: 'COM', niveau: 'commune', obligatoire: true },
  { nom: 'EPCI', niveau: 'epci', obligatoire: false },
  { nom: 'DEP', niveau: 'departement', obligatoire: false },
  { nom: 'REG', niveau: 'region', obligatoire: false },
  { nom: 'METRO', niveau: 'france-metropolitaine', obligatoire: false },
];
/** Level sheets known and deliberately not read (no such level in the lake). */
const FEUILLES_IGNOREES = new Set(['ARR', 'AU2010', 'UU2010', 'ZE2010', 'Variables', 'Documentation']);

const LIGNE_CODES = 6; // Excel row of the code row
const ARRONDISSEMENTS_PLM = /^(?:751(?:0[1-9]|1\d|20)|6938[1-9]|132(?:0[1-9]|1[0-6]))$/;
/** Départements outside the field of Filosofi (title: "France métropolitaine, Martinique et La Réunion"). */
const HORS_CHAMP = /^97[136]/;
const FORMULE = /^[=+\-@\t\r]/;

interface Archive {
  entrees: EntreeZip[];
  xls: EntreeZip[];
  classeur: Classeur | null;
}
const archives = new WeakMap<Uint8Array, Archive>();

/** The zip's entries and its workbook, parsed once per input; throws on a broken archive/workbook. */
function archive(entree: EntreeSource, avecClasseur: boolean): Archive {
  let a = archives.get(entree.bytes);
  if (a === undefined) {
    const entrees = lireZip(entree.bytes, entree.fichier);
    a = { entrees, xls: entrees.filter((e) => /\.xls$/i.test(e.nom)), classeur: null };
    archives.set(entree.bytes, a);
  }
  if (avecClasseur && a.classeur === null && a.xls.length === 1) {
    const e = a.xls[0]!;
    a.classeur = lireClasseurXls(e.lire(), `${entree.fichier} › ${e.nom}`);
  }
  return a;
}

const texte = (c: Cellule | undefined): string => (typeof c === 'string' ? c.trim() : c === null || c === undefined ? '' : String(c));

/** True when the workbook has the commune sheet of the Filosofi comparateur with its code row. */
function estClasseurFilosofi(c: Classeur): boolean {
  if (!c.feuilles.includes('COM')) return false;
  const codes = c.feuille('COM').lignes[LIGNE_CODES - 1] ?? [];
  return texte(codes[0]) === 'CODGEO' && /^NBMENFISC\d{2}$/.test(texte(codes[2]));
}

/** A code read from a cell: text as is, or a number given back its leading zeros. */
function codeDe(c: Cellule, niveau: string): string {
  if (typeof c === 'number' && Number.isInteger(c) && c >= 0) {
    const s = String(c);
    if (niveau === 'commune') return s.padStart(5, '0');
    if (niveau === 'departement' || niveau === 'region') return s.padStart(2, '0');
    return s;
  }
  return texte(c);
}

const CODE_VALIDE: Readonly<Record<string, RegExp>> = {
  commune: /^(?:\d{5}|2[AB]\d{3})$/,
  epci: /^\d{9}$/,
  departement: /^(?:\d{2}|2[AB]|97[1-6])$/,
  region: /^\d{2}$/,
  'france-metropolitaine': /^1$/,
};

export const filosofiXls: SourceAdapter = {
  id: 'filosofi-xls',
  libelle: 'Filosofi — base comparateur au format Excel 97-2003 (zip Insee, tous niveaux)',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Filosofi, base du comparateur de territoires (classeur .xls) : niveau de vie, taux de pauvreté, composition du revenu, par commune, EPCI, département, région',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'zip',
  versionSchema: 1,

  reconnaitre(entree) {
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      const a = archive(entree, false);
      if (a.entrees.some((e) => e.nom === '[Content_Types].xml')) return false;
      // An entry named like INSEE's workbook: claimed even if damaged (or not alone), so that the
      // reader's precise error is reported rather than "format inconnu".
      if (a.xls.some((e) => /(?:^|\/)base-cc-filosofi-\d{4}\.xls$/i.test(e.nom))) return true;
      if (a.xls.length !== 1) return false;
      const c = archive(entree, true).classeur;
      return c !== null && estClasseurFilosofi(c);
    } catch {
      // A damaged archive: claimed when its first entry (local header) is INSEE's workbook.
      const longueur = b[26]! | (b[27]! << 8);
      const premier = new TextDecoder('latin1').decode(b.subarray(30, 30 + Math.min(longueur, 200)));
      return /(?:^|\/)base-cc-filosofi-\d{4}\.xls$/i.test(premier);
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const a = archive(entree, false);
    const contenu = a.entrees.map((e) => `« ${e.nom} »`).join(', ') || 'rien';
    if (a.xls.length !== 1) {
      throw new SourceSchemaError({ fichier }, `archive Filosofi : un seul classeur .xls attendu, ${a.xls.length} trouvé(s) ; l’archive contient : ${contenu}`);
    }
    const nomXls = `${fichier} › ${a.xls[0]!.nom}`;
    const octets = a.xls[0]!.lire();
    if (!estFichierCompose(octets)) {
      throw new SourceSchemaError({ fichier: nomXls }, 'ce n’est pas un classeur Excel 97-2003 : signature OLE2 (D0 CF 11 E0 A1 B1 1A E1) absente');
    }
    const classeur = archive(entree, true).classeur!;
    if (!classeur.feuilles.includes('COM')) {
      throw new SourceSchemaError({ fichier: nomXls }, `feuille « COM » (communes) absente : ce n’est pas la base comparateur Filosofi ; feuilles présentes : ${classeur.feuilles.map((f) => `« ${f} »`).join(', ')}`);
    }
    const inconnues = classeur.feuilles.filter((f) => !FEUILLES_IGNOREES.has(f) && !FEUILLES_LUES.some((d) => d.nom === f));
    if (inconnues.length > 0) {
      throw new SourceSchemaError({ fichier: nomXls }, `feuille inattendue « ${inconnues[0]} » : les feuilles de la base comparateur Filosofi sont ${[...FEUILLES_LUES.map((d) => d.nom), ...FEUILLES_IGNOREES].join(', ')}`);
    }

    let millesime: string | null = null;
    let cog: number | null = null;
    let yy = '';
    const variables: VariableSource[] = [];
    // Created once the COM sheet has set the variables.
    let lignes: LignesLarges | null = null;
    let lignesLues = 0;

    for (const def of FEUILLES_LUES) {
      if (!classeur.feuilles.includes(def.nom)) {
        if (def.obligatoire) throw new SourceSchemaError({ fichier: nomXls }, `feuille « ${def.nom} » absente`);
        continue;
      }
      const indexFeuille = classeur.feuilles.indexOf(def.nom);
      const fFeuille = `${nomXls} › feuille ${def.nom}`;
      const rows = classeur.feuille(def.nom).lignes;

      // Title rows: millésime ("Année 2015") and geography ("Géographie au 01/01/2016").
      const titres = rows.slice(0, LIGNE_CODES - 2).map((r) => r.map(texte).join(' ')).join('\n');
      const annee = /Ann[ée]e\s+(\d{4})/.exec(titres)?.[1] ?? null;
      const geo = /G[ée]ographie au 0?1\/0?1\/(\d{4})/.exec(titres);
      if (geo === null) throw new SourceSchemaError({ fichier: fFeuille, ligne: 3 }, 'géographie (« Géographie au 01/01/AAAA ») absente des lignes de titre : le COG des codes est inconnu');
      const cogFeuille = Number(geo[1]);
      if (cog !== null && cogFeuille !== cog) throw new SourceSchemaError({ fichier: fFeuille, ligne: 3 }, `géographie au 01/01/${cogFeuille}, alors que la feuille COM est au 01/01/${cog}`);
      cog = cogFeuille;

      // Code row
      const codes = (rows[LIGNE_CODES - 1] ?? []).map(texte);
      const position = (i: number) => ({ fichier: fFeuille, ligne: LIGNE_CODES, numeroColonne: i + 1, colonne: codes[i] || `colonne ${i + 1}` });
      if (codes[0] !== 'CODGEO' || codes[1] !== 'LIBGEO') throw new SourceSchemaError(position(codes[0] !== 'CODGEO' ? 0 : 1), 'ligne des codes attendue en ligne 6 : CODGEO, LIBGEO, NBMENFISCAA, …');
      const m = /^NBMENFISC(\d{2})$/.exec(codes[2] ?? '');
      if (m === null) throw new SourceSchemaError(position(2), 'colonne NBMENFISCAA attendue en 3e position de la ligne des codes');
      if (yy === '') {
        yy = m[1]!;
        millesime = `20${yy}`;
        if (annee !== null && annee !== millesime) throw new SourceSchemaError({ fichier: fFeuille, ligne: 1 }, `le titre annonce l’année ${annee}, mais les colonnes portent le suffixe « ${yy} »`);
        if (millesimeImpose !== null && millesimeImpose !== millesime) {
          throw new SourceSchemaError(position(2), `millésime ${millesimeImpose} demandé, mais les colonnes portent l’année ${millesime}`);
        }
      } else if (m[1] !== yy) throw new SourceSchemaError(position(2), `suffixe d’année « ${m[1]} » différent de celui de la feuille COM (« ${yy} »)`);
      let nbColonnes = codes.length;
      while (nbColonnes > 0 && codes[nbColonnes - 1] === '') nbColonnes -= 1;
      const colonnes: Array<{ index: number; nom: string; def: DefVariable; k: number }> = [];
      for (let i = 2; i < nbColonnes; i++) {
        const nom = codes[i]!;
        if (!nom.endsWith(yy)) throw new SourceSchemaError(position(i), `colonne sans le suffixe d’année « ${yy} » des autres colonnes`);
        const dv = VARIABLES[nom.slice(0, -2)];
        if (!dv) throw new SourceSchemaError(position(i), 'colonne inconnue du format Filosofi comparateur');
        if (colonnes.some((c) => c.def === dv)) throw new SourceSchemaError(position(i), 'colonne en double');
        colonnes.push({ index: i, nom, def: dv, k: -1 });
      }
      for (const base of Object.keys(VARIABLES)) {
        if (!colonnes.some((c) => c.nom === `${base}${yy}`)) throw new SourceSchemaError({ fichier: fFeuille, ligne: LIGNE_CODES, colonne: `${base}${yy}` }, 'colonne obligatoire absente');
      }
      // Variables in the order of the COM sheet; other sheets map their columns by name.
      if (variables.length === 0) {
        for (const c of colonnes) variables.push({ id: c.def.id, colonneSource: c.nom, libelle: c.def.libelle, unite: c.def.unite, additive: c.def.additive });
      }
      for (const c of colonnes) c.k = variables.findIndex((v) => v.colonneSource === c.nom);
      const stockees = (lignes ??= new LignesLarges(variables.length));

      const vus = new Map<string, number>();
      for (let r = LIGNE_CODES; r < rows.length; r++) {
        const row = rows[r]!;
        const ligne = r + 1;
        if (row.every((c) => c === null || texte(c) === '')) continue; // empty trailing rows
        lignesLues += 1;
        const pos = (i: number, colonne: string) => ({ fichier: fFeuille, ligne, numeroColonne: i + 1, colonne });
        for (let i = nbColonnes; i < row.length; i++) {
          if (row[i] !== null && texte(row[i]) !== '') throw new SourceSchemaError(pos(i, `colonne ${i + 1}`), 'valeur au-delà de la dernière colonne nommée');
        }
        const code = codeDe(row[0] ?? null, def.niveau);
        if (!CODE_VALIDE[def.niveau]!.test(code)) throw new SourceSchemaError(pos(0, 'CODGEO'), `code géographique invalide « ${code.slice(0, 20)} » pour le niveau ${def.niveau}`);
        const premier = vus.get(code);
        if (premier !== undefined) throw new SourceSchemaError(pos(0, 'CODGEO'), `code « ${code} » en double (déjà ligne ${premier})`);
        vus.set(code, ligne);
        const libelle = texte(row[1]);
        if (libelle === '') throw new SourceSchemaError(pos(1, 'LIBGEO'), 'libellé géographique vide');
        if (FORMULE.test(libelle)) throw new SourceSchemaError(pos(1, 'LIBGEO'), 'libellé commençant par un caractère de formule de tableur');
        const niveau: NiveauSource = def.niveau === 'commune' && ARRONDISSEMENTS_PLM.test(code) ? 'arrondissement-municipal' : def.niveau;
        const vide = def.niveau === 'commune' && HORS_CHAMP.test(code) ? CODE_STATUT.absent : CODE_STATUT.secret;
        const valeurs: Array<number | null> = new Array(variables.length).fill(null);
        const statuts: number[] = new Array(variables.length).fill(CODE_STATUT.absent);
        for (const c of colonnes) {
          const cellule = row[c.index] ?? null;
          const p = () => pos(c.index, c.nom);
          let v: number | null = null;
          if (typeof cellule === 'number') v = cellule;
          else if (typeof cellule === 'string' && cellule.trim() !== '') {
            const t = cellule.trim();
            if (/^s$/i.test(t)) {
              statuts[c.k] = CODE_STATUT.secret;
              continue;
            }
            const n = /^-?\d+(?:[.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : Number.NaN;
            if (Number.isNaN(n)) throw new SourceSchemaError(p(), `nombre attendu, « ${t.slice(0, 30)} » trouvé`);
            v = n;
          } else if (typeof cellule === 'boolean') throw new SourceSchemaError(p(), `nombre attendu, valeur logique ${cellule ? 'VRAI' : 'FAUX'} trouvée`);
          if (v === null) {
            statuts[c.k] = vide;
            continue;
          }
          if (v < 0 && !c.def.negatifPermis) throw new SourceSchemaError(p(), `valeur négative ${v} impossible pour « ${c.def.libelle} »`);
          if (c.def.entier && !Number.isInteger(v)) throw new SourceSchemaError(p(), `nombre entier attendu pour « ${c.def.libelle} », ${v} trouvé`);
          if (c.def.max100 && v > 100) throw new SourceSchemaError(p(), `pourcentage supérieur à 100 (${v}) impossible pour « ${c.def.libelle} »`);
          valeurs[c.k] = v;
          statuts[c.k] = CODE_STATUT.ok;
        }
        stockees.ajouter({ ligne: indexFeuille * 100_000 + ligne, niveau, code, libelle, periode: millesime!, sexe: null, age: null }, valeurs, statuts);
      }
      if (vus.size === 0) throw new SourceSchemaError({ fichier: fFeuille, ligne: LIGNE_CODES + 1 }, 'aucune ligne de données après la ligne des codes');
    }
    return extraitMesuresLarges({ millesime: millesime!, cogSource: cog, partie: null, lignesLues, variables, lignes: lignes ?? new LignesLarges(variables.length) });
  },
};
