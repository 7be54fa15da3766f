import { SourceSchemaError } from '../../errors.ts';
import { estZip } from '../lecture/zip.ts';
import type { ColonneTable, EntreeSource, SourceAdapter } from '../adapter.ts';
import { type Cellule, type Classeur, texteCellule } from '../lecture/xlsx.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule } from '../texte.ts';

/**
 * INSEE, "Table d'appartenance géographique des communes" (`table-appartenance-geo-communes-AA.xlsx`):
 * for every commune (sheet `COM`) and every municipal arrondissement of Paris, Lyon and
 * Marseille (sheet `ARM`), its département, région, EPCI, arrondissement, canton-ville and
 * study zonings (zones d'emploi, unités urbaines, aires d'attraction des villes, bassins de vie).
 * Layout: rows 1–4 titles (`Liste des communes au 1er janvier 2022`, …, `Géographie au
 * 01/01/2022`), row 5 long labels, **row 6 codes** (`CODGEO, LIBGEO, DEP, REG, EPCI,
 * NATURE_EPCI, ARR, CV, ZE2020, UU2020, …`; `ARM` adds `COM`, the parent commune), data from
 * row 7, trailing empty rows. Other sheets (zones, variables, documentation) are ignored.
 *
 * One file is one extract: both sheets go into one table, `type_commune` (`COM` or `ARM`)
 * telling them apart (the lake's parts are for several files of one millésime, not for sheets).
 * The zoning columns change with the editions (ZE2010 → ZE2020, BV2012 → BV2022…): they are
 * read by name from row 6, within an allow-list of patterns, and become lower-case columns.
 * `ZZZZZZZZZ`/`ZZ` (no EPCI) and `ZZZZ` (no arrondissement, Mayotte) become NULL; the other
 * `Z…` placeholders of the zonings are kept as published.
 * Millésime: the geography year of the titles (`Géographie au 01/01/2022`), which is the COG.
 */

const FEUILLES = ['COM', 'ARM'] as const;
const LIGNE_CODES = 6; // Excel row of the column codes
const FIXES = ['CODGEO', 'LIBGEO', 'DEP', 'REG', 'EPCI', 'NATURE_EPCI', 'ARR', 'CV'] as const;
const RE_ZONAGE = /^(?:ZE|UU|TUU|TDUU|AAV|TAAV|TDAAV|CATEAAV|BV)\d{4}$/;
const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
const RE_DEP = /^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8])$/;

const VALIDATION: Readonly<Record<string, { re: RegExp; quoi: string }>> = {
  DEP: { re: RE_DEP, quoi: 'code département' },
  REG: { re: /^\d{2}$/, quoi: 'code région' },
  EPCI: { re: /^(?:\d{9}|Z{9})$/, quoi: 'code EPCI (SIREN ou ZZZZZZZZZ)' },
  NATURE_EPCI: { re: /^[A-Z][A-Z0-9]{1,4}$/, quoi: 'nature d’EPCI' },
  ARR: { re: /^(?:(?:\d{2}|2[AB]|97\d)\d|ZZZZ)$/, quoi: 'code arrondissement' },
  CV: { re: /^[0-9AB][0-9A-Z]{3,4}$/, quoi: 'code canton-ville' },
  COM: { re: RE_COM, quoi: 'code de la commune englobante' },
};

const classeur = (entree: EntreeSource): Classeur => entree.classeur();

const texteDe = texteCellule;
const vide = (ligne: Cellule[] | undefined) => ligne === undefined || ligne.every((x) => texteDe(x) === '');

/** Year of the geography in the title rows, or null. */
function anneeTitre(lignes: Cellule[][]): { annee: string; ligne: number } | null {
  for (let i = 0; i < 4; i++) {
    const t = texteDe(lignes[i]?.[0]);
    const m = /G[ée]ographie au 0?1\/0?1\/(\d{4})/i.exec(t) ?? /au 1er janvier (\d{4})/i.exec(t);
    if (m) return { annee: m[1]!, ligne: i + 1 };
  }
  return null;
}

export const tableAppartenance: SourceAdapter = {
  id: 'table-appartenance',
  libelle: 'Table d’appartenance géographique des communes',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Table d’appartenance géographique des communes et des arrondissements municipaux (zonages administratifs et d’étude)',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'xlsx',
  versionSchema: 1,

  reconnaitre(entree) {
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      const c = classeur(entree);
      // The small ARM sheet when present (cheaper to parse), else COM.
      const nom = c.feuilles.includes('ARM') ? 'ARM' : c.feuilles.includes('COM') ? 'COM' : null;
      if (nom === null) return false;
      const codes = c.feuille(nom).lignes[LIGNE_CODES - 1] ?? [];
      return codes[0] === 'CODGEO' && codes[1] === 'LIBGEO';
    } catch {
      return false;
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const c = classeur(entree);
    for (const nom of FEUILLES) {
      if (!c.feuilles.includes(nom)) {
        throw new SourceSchemaError({ fichier }, `feuille « ${nom} » absente ; feuilles présentes : ${c.feuilles.map((f) => `« ${f} »`).join(', ')}`);
      }
    }

    // Millésime: the geography year of the titles, the same in both sheets.
    let millesime: string | null = null;
    for (const nom of FEUILLES) {
      const t = anneeTitre(c.feuille(nom).lignes);
      if (t === null) continue;
      if (millesime !== null && t.annee !== millesime) {
        throw new SourceSchemaError({ fichier, ligne: t.ligne, numeroColonne: 1, colonne: 'A' }, `feuille « ${nom} » : géographie ${t.annee}, mais ${millesime} dans la feuille COM`);
      }
      if (millesimeImpose !== null && millesimeImpose !== t.annee) {
        throw new SourceSchemaError({ fichier, ligne: t.ligne, numeroColonne: 1, colonne: 'A' }, `feuille « ${nom} » : millésime ${millesimeImpose} demandé, mais le titre annonce la géographie ${t.annee}`);
      }
      millesime = t.annee;
    }
    if (millesime === null) {
      if (millesimeImpose === null) {
        throw new SourceSchemaError({ fichier, ligne: 1 }, 'millésime absent : aucun titre « Géographie au 01/01/AAAA » ni « au 1er janvier AAAA » dans les lignes 1 à 4 ; précisez-le (catalogue ou --millesime)');
      }
      if (!/^20\d{2}$/.test(millesimeImpose)) throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} »`);
      millesime = millesimeImpose;
    }

    const zonages: string[] = [];
    const feuilles = FEUILLES.map((nom) => {
      const lignes = c.feuille(nom).lignes;
      const erreur = (ligne: number, col: number | undefined, colonne: string | undefined, raison: string): never => {
        throw new SourceSchemaError(
          col === undefined ? { fichier, ligne } : { fichier, ligne, numeroColonne: col + 1, colonne: colonne ?? `colonne ${col + 1}` },
          `feuille « ${nom} » : ${raison}`,
        );
      };
      const codes = (lignes[LIGNE_CODES - 1] ?? []).map(texteDe);
      while (codes.length > 0 && codes[codes.length - 1] === '') codes.pop();
      const index = new Map<string, number>();
      codes.forEach((code, i) => {
        const connu = (FIXES as readonly string[]).includes(code) || RE_ZONAGE.test(code) || (nom === 'ARM' && code === 'COM');
        if (!connu) erreur(LIGNE_CODES, i, code || `colonne ${i + 1}`, code === '' ? 'code de variable vide en ligne 6' : `variable inconnue « ${code.slice(0, 20)} » (ligne 6 des codes)`);
        if (index.has(code)) erreur(LIGNE_CODES, i, code, `variable « ${code} » en double`);
        index.set(code, i);
        if (RE_ZONAGE.test(code) && !zonages.includes(code)) zonages.push(code);
      });
      for (const requise of [...FIXES, ...(nom === 'ARM' ? ['COM'] : [])]) {
        if (!index.has(requise)) erreur(LIGNE_CODES, undefined, undefined, `variable obligatoire « ${requise} » absente de la ligne 6 des codes`);
      }
      let fin = lignes.length;
      for (let i = LIGNE_CODES; i < lignes.length; i++) {
        if (vide(lignes[i])) {
          fin = i;
          break;
        }
      }
      for (let i = fin; i < lignes.length; i++) {
        if (!vide(lignes[i])) erreur(i + 1, undefined, undefined, `ligne ${fin + 1} vide au milieu des données (la ligne ${i + 1} n’est pas vide)`);
      }
      if (fin <= LIGNE_CODES) erreur(LIGNE_CODES + 1, undefined, undefined, 'aucune ligne de données après la ligne des codes');
      return { nom, lignes, fin, index, erreur };
    });

    const vus = new Map<string, string>();
    const communes = new Set<string>();
    const sortie: Array<Array<string | number | null>> = [];
    for (const f of feuilles) {
      for (let i = LIGNE_CODES; i < f.fin; i++) {
        const r = f.lignes[i]!;
        const ligne = i + 1;
        const valeur = (code: string): string => {
          const col = f.index.get(code)!;
          const x = r[col] ?? null;
          if (typeof x === 'number') f.erreur(ligne, col, code, `code stocké comme nombre (${x}) : texte attendu (les zéros en tête seraient perdus)`);
          if (typeof x === 'boolean') f.erreur(ligne, col, code, `valeur booléenne inattendue`);
          return texteDe(x);
        };
        const faute = (code: string, raison: string): never => f.erreur(ligne, f.index.get(code)!, code, raison);
        const codgeo = valeur('CODGEO');
        const arrondissement = niveauDuCode(codgeo) === 'arrondissement-municipal';
        if (!RE_COM.test(codgeo)) faute('CODGEO', codgeo === '' ? 'code géographique absent' : `code géographique invalide « ${codgeo.slice(0, 12)} »`);
        if (f.nom === 'COM' && arrondissement) faute('CODGEO', `« ${codgeo} » est un arrondissement municipal : il doit figurer dans la feuille ARM`);
        if (f.nom === 'ARM' && !arrondissement) faute('CODGEO', `« ${codgeo} » n’est pas un arrondissement municipal de Paris, Lyon ou Marseille`);
        const libelle = valeur('LIBGEO');
        if (libelle === '') faute('LIBGEO', 'libellé vide');
        if (estInjectionFormule(libelle)) faute('LIBGEO', 'libellé commençant par un caractère de formule de tableur');
        const v: Record<string, string> = {};
        for (const code of [...Object.keys(VALIDATION)]) {
          if (code === 'COM' && f.nom !== 'ARM') continue;
          const x = valeur(code);
          if (!VALIDATION[code]!.re.test(x)) faute(code, x === '' ? `${VALIDATION[code]!.quoi} absent` : `${VALIDATION[code]!.quoi} invalide « ${x.slice(0, 12)} »`);
          v[code] = x;
        }
        if (!codgeo.startsWith(v.DEP!)) faute('CODGEO', `le code « ${codgeo} » n’appartient pas au département « ${v.DEP} »`);
        if ((v.EPCI === 'ZZZZZZZZZ') !== (v.NATURE_EPCI === 'ZZ')) faute('NATURE_EPCI', `nature « ${v.NATURE_EPCI} » incohérente avec l’EPCI « ${v.EPCI} »`);
        const zones = zonages.map((z) => {
          if (!f.index.has(z)) return null;
          const x = valeur(z);
          if (!/^[0-9A-Z]{1,9}$/.test(x)) faute(z, x === '' ? 'code de zonage absent' : `code de zonage invalide « ${x.slice(0, 12)} »`);
          return x;
        });
        const premier = vus.get(codgeo);
        if (premier !== undefined) faute('CODGEO', `code « ${codgeo} » en double (déjà ${premier})`);
        vus.set(codgeo, `feuille ${f.nom}, ligne ${ligne}`);
        if (f.nom === 'COM') communes.add(codgeo);
        sortie.push([ligne, f.nom, codgeo, libelle, v.COM ?? null, v.DEP!, v.REG!, v.EPCI!, v.NATURE_EPCI!, v.ARR!, v.CV!, ...zones]);
      }
    }
    // Every arrondissement points to a commune of the COM sheet.
    const arm = feuilles[1]!;
    for (const row of sortie) {
      if (row[1] === 'ARM' && !communes.has(row[4] as string)) {
        arm.erreur(row[0] as number, arm.index.get('COM')!, 'COM', `la commune englobante « ${row[4]} » n’est pas dans la feuille COM`);
      }
    }

    const colonnes: ColonneTable[] = [
      { nom: 'ligne', type: 'INTEGER' },
      ...['feuille', 'codgeo', 'libgeo', 'com', 'dep', 'reg', 'epci', 'nature_epci', 'arr', 'cv'].map((nom) => ({ nom, type: 'VARCHAR' as const })),
      ...zonages.map((z) => ({ nom: z.toLowerCase(), type: 'VARCHAR' as const })),
    ];
    // Zoning identifiers come from the allow-list pattern RE_ZONAGE (letters and digits only),
    // and are quoted: nothing else from the file reaches the SQL.
    const colonnesZonages = zonages.map((z) => `    "${z.toLowerCase()}",\n`).join('');
    const normalisationSql = `-- Table d'appartenance: one row per commune (COM) or municipal arrondissement (ARM).
SELECT
    feuille AS type_commune,
    codgeo AS code_commune,
    libgeo AS libelle,
    com AS code_commune_parent,
    dep AS code_departement,
    reg AS code_region,
    -- ZZZZZZZZZ: the commune belongs to no EPCI (island communes); not an EPCI code
    CASE WHEN epci = 'ZZZZZZZZZ' THEN NULL ELSE epci END AS code_epci,
    epci = 'ZZZZZZZZZ' AS sans_epci,
    CASE WHEN nature_epci = 'ZZ' THEN NULL ELSE nature_epci END AS nature_epci,
    -- ZZZZ: no arrondissement (Mayotte)
    CASE WHEN arr = 'ZZZZ' THEN NULL ELSE arr END AS code_arrondissement,
    cv AS code_canton_ville,
${colonnesZonages}    ligne AS ligne_source
FROM staging
ORDER BY
    code_commune`;
    return {
      millesime,
      cogSource: Number(millesime),
      colonnes,
      lignes: sortie,
      lignesLues: feuilles.reduce((s, f) => s + f.fin - LIGNE_CODES, 0),
      normalisationSql,
    };
  },
};
