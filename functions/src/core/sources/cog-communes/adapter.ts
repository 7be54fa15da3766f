import { SourceSchemaError } from '../../errors.ts';
import type { ColonneTable, EntreeSource, ExtraitLu, SourceAdapter } from '../adapter.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import sqlArrondissements from './normalize-arrondissements.sql';
import sqlCommunes from './normalize-communes.sql';
import sqlDepartements from './normalize-departements.sql';
import sqlRegions from './normalize-regions.sql';

/**
 * INSEE, Code officiel géographique (COG): the files of one COG millésime, one dataset
 * `cog-communes` whose parts are the four tables INSEE publishes together:
 *
 * - `communes` — `v_commune_YYYY.csv` / `communeYYYY.csv`: `TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT`
 *   (no `CTCD` before 2021; lowercase headers and quoted codes in 2019; every field quoted in
 *   INSEE's own 2024 download; unquoted in the copies of data.gouv.fr). Every `TYPECOM` is kept
 *   (`COM` commune, `COMA` commune associée, `COMD` commune déléguée, `ARM` arrondissement
 *   municipal) with its type: only `COM` rows are communes, the others point to theirs
 *   through `COMPARENT` (a `COMD` may share the code of its commune nouvelle).
 * - `departements` — `DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE`;
 * - `regions` — `REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE`;
 * - `arrondissements` — `ARR,DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE`.
 *
 * The files carry no year: the millésime must be given (catalogue or `--millesime`); it is the
 * COG year (state at 1 January), so `cogSource` = millésime. Codes stay text.
 */

type Partie = 'communes' | 'departements' | 'regions' | 'arrondissements';

const ENTETES: ReadonlyArray<{ partie: Partie; colonnes: readonly string[] }> = [
  { partie: 'communes', colonnes: ['TYPECOM', 'COM', 'REG', 'DEP', 'CTCD', 'ARR', 'TNCC', 'NCC', 'NCCENR', 'LIBELLE', 'CAN', 'COMPARENT'] },
  { partie: 'communes', colonnes: ['TYPECOM', 'COM', 'REG', 'DEP', 'ARR', 'TNCC', 'NCC', 'NCCENR', 'LIBELLE', 'CAN', 'COMPARENT'] },
  { partie: 'departements', colonnes: ['DEP', 'REG', 'CHEFLIEU', 'TNCC', 'NCC', 'NCCENR', 'LIBELLE'] },
  { partie: 'regions', colonnes: ['REG', 'CHEFLIEU', 'TNCC', 'NCC', 'NCCENR', 'LIBELLE'] },
  { partie: 'arrondissements', colonnes: ['ARR', 'DEP', 'REG', 'CHEFLIEU', 'TNCC', 'NCC', 'NCCENR', 'LIBELLE'] },
];

const TYPES = new Set(['COM', 'COMA', 'COMD', 'ARM']);
const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
const RE_DEP = /^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8])$/;
const RE_REG = /^\d{2}$/;
const RE_CTCD = /^\d[0-9A-Z]\d?[A-Z]$/;
const RE_ARR = /^(?:\d{2}|2[AB]|97\d)\d$/;
const RE_CAN = /^(?:\d{2}|2[AB]|97\d)\d{2}$/;
const RE_TNCC = /^[0-8]$/;

/** Header of the file with quotes removed and names upper-cased (2019 writes them in lower case). */
function entete(entree: EntreeSource): string[] | null {
  const premiere = entree.premieresLignes(1)[0];
  if (premiere === undefined || premiere.length > 300) return null;
  return premiere.split(',').map((c) => c.replace(/^"(.*)"$/, '$1').toUpperCase());
}

function formatDe(colonnes: readonly string[] | null) {
  if (colonnes === null) return undefined;
  return ENTETES.find((e) => e.colonnes.length === colonnes.length && e.colonnes.every((c, i) => c === colonnes[i]));
}

const v = (nom: string): ColonneTable => ({ nom, type: 'VARCHAR' });

export const cogCommunes: SourceAdapter = {
  id: 'cog-communes',
  libelle: 'Code officiel géographique (communes, départements, régions, arrondissements)',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Code officiel géographique au 1er janvier : communes, départements, régions, arrondissements',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return formatDe(entete(entree)) !== undefined;
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const format = formatDe(entete(entree));
    if (format === undefined) throw new SourceSchemaError({ fichier, ligne: 1 }, 'en-tête inconnu pour un fichier du COG');
    if (millesimeImpose === null) {
      throw new SourceSchemaError(
        { fichier },
        'millésime absent : les fichiers du COG ne portent pas leur année, précisez-la (catalogue ou option --millesime, ex. 2026)',
      );
    }
    if (!/^(?:19[4-9]\d|20\d{2})$/.test(millesimeImpose)) {
      throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : l’année du COG, ex. 2026)`);
    }
    const noms = format.colonnes;
    const lignesCsvLues: Array<{ ligne: number; champs: Record<string, string> }> = [];
    for (const { ligne, champs } of lignesCsv(entree.texte().texte, ',', fichier)) {
      if (ligne === 1) continue;
      if (champs.length !== noms.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${noms.length} champs attendus séparés par « , », ${champs.length} trouvés`);
      }
      const parNom: Record<string, string> = {};
      noms.forEach((n, i) => (parNom[n] = champs[i]!));
      lignesCsvLues.push({ ligne, champs: parNom });
    }
    if (lignesCsvLues.length === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');

    const erreurA = (ligne: number) => (nom: string, raison: string): never => {
      throw new SourceSchemaError({ fichier, ligne, numeroColonne: noms.indexOf(nom) + 1, colonne: nom }, raison);
    };
    const lire = { communes: lireCommunes, departements: lireDepartements, regions: lireRegions, arrondissements: lireArrondissements }[format.partie];
    const { colonnes, lignes, sql } = lire(lignesCsvLues, erreurA);
    const extrait: ExtraitLu = {
      millesime: millesimeImpose,
      partie: format.partie,
      cogSource: Number(millesimeImpose),
      colonnes,
      lignes,
      lignesLues: lignesCsvLues.length,
      normalisationSql: sql,
    };
    return extrait;
  },
};

type Erreur = (ligne: number) => (nom: string, raison: string) => never;
type Lignes = Array<{ ligne: number; champs: Record<string, string> }>;

/** Checks shared by every table: article type, names (no spreadsheet formula). */
function verifierNoms(c: Record<string, string>, erreur: (nom: string, raison: string) => never): void {
  if (!RE_TNCC.test(c.TNCC!)) erreur('TNCC', `type de nom en clair invalide « ${c.TNCC!.slice(0, 10)} » (attendu : un chiffre de 0 à 8)`);
  for (const nom of ['NCC', 'NCCENR', 'LIBELLE']) {
    const valeur = c[nom]!;
    if (valeur.trim() === '') erreur(nom, 'nom vide');
    if (estInjectionFormule(valeur)) erreur(nom, `nom commençant par un caractère de formule de tableur (« ${valeur.slice(0, 20)} »)`);
  }
}

function lireCommunes(lignes: Lignes, erreurA: Erreur) {
  const avecCtcd = 'CTCD' in lignes[0]!.champs;
  const vus = new Map<string, number>();
  const communes = new Set<string>();
  const sortie: Array<Array<string | number | null>> = [];
  for (const { ligne, champs: c } of lignes) {
    const erreur = erreurA(ligne);
    const type = c.TYPECOM!;
    const com = c.COM!;
    if (!TYPES.has(type)) erreur('TYPECOM', `type de commune invalide « ${type.slice(0, 10)} » (attendus : COM, COMA, COMD, ARM)`);
    if (!RE_COM.test(com)) erreur('COM', `code commune invalide « ${com.slice(0, 10)} »`);
    const arrondissement = niveauDuCode(com) === 'arrondissement-municipal';
    if (type === 'ARM' && !arrondissement) erreur('COM', `« ${com} » n’est pas le code d’un arrondissement municipal de Paris, Lyon ou Marseille`);
    if (type !== 'ARM' && arrondissement) erreur('COM', `le code « ${com} » est celui d’un arrondissement municipal, pas d’une commune de type ${type}`);
    // A commune and an arrondissement carry their département and région; COMA/COMD only
    // sometimes (2019), never in later files.
    const rattachee = type === 'COMA' || type === 'COMD';
    for (const [nom, re, libelle] of [
      ['REG', RE_REG, 'code région'],
      ['DEP', RE_DEP, 'code département'],
      ['ARR', RE_ARR, 'code arrondissement'],
      ['CAN', RE_CAN, 'code canton'],
      ...(avecCtcd ? [['CTCD', RE_CTCD, 'code de collectivité'] as const] : []),
    ] as const) {
      const valeur = c[nom]!;
      if (valeur === '') {
        if (!rattachee && (nom === 'REG' || nom === 'DEP')) erreur(nom, `${libelle} absent pour une commune de type ${type}`);
        continue;
      }
      if (!re.test(valeur)) erreur(nom, `${libelle} invalide « ${valeur.slice(0, 10)} »`);
    }
    if (c.DEP !== '' && !com.startsWith(c.DEP!)) erreur('COM', `le code commune « ${com} » n’appartient pas au département « ${c.DEP} »`);
    verifierNoms(c, erreur);
    const parent = c.COMPARENT!;
    if (type === 'COM' && parent !== '') erreur('COMPARENT', `une commune (COM) n’a pas de commune parente, « ${parent.slice(0, 10)} » trouvé`);
    if (type !== 'COM') {
      if (parent === '') erreur('COMPARENT', `commune parente absente pour une commune de type ${type}`);
      if (!RE_COM.test(parent)) erreur('COMPARENT', `code de commune parente invalide « ${parent.slice(0, 10)} »`);
    }
    const cle = `${type} ${com}`;
    const premier = vus.get(cle);
    if (premier !== undefined) erreur('COM', `commune « ${com} » de type ${type} en double (déjà ligne ${premier})`);
    vus.set(cle, ligne);
    if (type === 'COM') communes.add(com);
    sortie.push([ligne, type, com, c.REG || null, c.DEP || null, avecCtcd ? c.CTCD || null : null, c.ARR || null, c.TNCC!, c.NCC!, c.NCCENR!, c.LIBELLE!, c.CAN || null, parent || null]);
  }
  // Every COMA, COMD and ARM points to a commune (COM) of the same file.
  for (const { ligne, champs: c } of lignes) {
    if (c.TYPECOM !== 'COM' && !communes.has(c.COMPARENT!)) {
      erreurA(ligne)('COMPARENT', `la commune parente « ${c.COMPARENT} » de « ${c.COM} » (${c.TYPECOM}) n’est pas une commune (COM) de ce fichier`);
    }
  }
  const colonnes: ColonneTable[] = [
    { nom: 'ligne', type: 'INTEGER' },
    ...['typecom', 'com', 'reg', 'dep', 'ctcd', 'arr', 'tncc', 'ncc', 'nccenr', 'libelle', 'can', 'comparent'].map(v),
  ];
  return { colonnes, lignes: sortie, sql: sqlCommunes };
}

function lireDepartements(lignes: Lignes, erreurA: Erreur) {
  const vus = new Map<string, number>();
  const sortie: Array<Array<string | number | null>> = [];
  for (const { ligne, champs: c } of lignes) {
    const erreur = erreurA(ligne);
    if (!RE_DEP.test(c.DEP!)) erreur('DEP', `code département invalide « ${c.DEP!.slice(0, 10)} »`);
    if (!RE_REG.test(c.REG!)) erreur('REG', `code région invalide « ${c.REG!.slice(0, 10)} »`);
    if (!RE_COM.test(c.CHEFLIEU!)) erreur('CHEFLIEU', `code commune du chef-lieu invalide « ${c.CHEFLIEU!.slice(0, 10)} »`);
    if (!c.CHEFLIEU!.startsWith(c.DEP!)) erreur('CHEFLIEU', `le chef-lieu « ${c.CHEFLIEU} » n’est pas dans le département « ${c.DEP} »`);
    verifierNoms(c, erreur);
    const premier = vus.get(c.DEP!);
    if (premier !== undefined) erreur('DEP', `département « ${c.DEP} » en double (déjà ligne ${premier})`);
    vus.set(c.DEP!, ligne);
    sortie.push([ligne, c.DEP!, c.REG!, c.CHEFLIEU!, c.TNCC!, c.NCC!, c.NCCENR!, c.LIBELLE!]);
  }
  const colonnes: ColonneTable[] = [{ nom: 'ligne', type: 'INTEGER' }, ...['dep', 'reg', 'cheflieu', 'tncc', 'ncc', 'nccenr', 'libelle'].map(v)];
  return { colonnes, lignes: sortie, sql: sqlDepartements };
}

function lireRegions(lignes: Lignes, erreurA: Erreur) {
  const vus = new Map<string, number>();
  const sortie: Array<Array<string | number | null>> = [];
  for (const { ligne, champs: c } of lignes) {
    const erreur = erreurA(ligne);
    if (!RE_REG.test(c.REG!)) erreur('REG', `code région invalide « ${c.REG!.slice(0, 10)} »`);
    if (!RE_COM.test(c.CHEFLIEU!)) erreur('CHEFLIEU', `code commune du chef-lieu invalide « ${c.CHEFLIEU!.slice(0, 10)} »`);
    verifierNoms(c, erreur);
    const premier = vus.get(c.REG!);
    if (premier !== undefined) erreur('REG', `région « ${c.REG} » en double (déjà ligne ${premier})`);
    vus.set(c.REG!, ligne);
    sortie.push([ligne, c.REG!, c.CHEFLIEU!, c.TNCC!, c.NCC!, c.NCCENR!, c.LIBELLE!]);
  }
  const colonnes: ColonneTable[] = [{ nom: 'ligne', type: 'INTEGER' }, ...['reg', 'cheflieu', 'tncc', 'ncc', 'nccenr', 'libelle'].map(v)];
  return { colonnes, lignes: sortie, sql: sqlRegions };
}

function lireArrondissements(lignes: Lignes, erreurA: Erreur) {
  const vus = new Map<string, number>();
  const sortie: Array<Array<string | number | null>> = [];
  for (const { ligne, champs: c } of lignes) {
    const erreur = erreurA(ligne);
    if (!RE_ARR.test(c.ARR!)) erreur('ARR', `code arrondissement invalide « ${c.ARR!.slice(0, 10)} »`);
    if (!RE_DEP.test(c.DEP!)) erreur('DEP', `code département invalide « ${c.DEP!.slice(0, 10)} »`);
    if (!c.ARR!.startsWith(c.DEP!)) erreur('ARR', `l’arrondissement « ${c.ARR} » n’appartient pas au département « ${c.DEP} »`);
    if (!RE_REG.test(c.REG!)) erreur('REG', `code région invalide « ${c.REG!.slice(0, 10)} »`);
    if (!RE_COM.test(c.CHEFLIEU!)) erreur('CHEFLIEU', `code commune du chef-lieu invalide « ${c.CHEFLIEU!.slice(0, 10)} »`);
    verifierNoms(c, erreur);
    const premier = vus.get(c.ARR!);
    if (premier !== undefined) erreur('ARR', `arrondissement « ${c.ARR} » en double (déjà ligne ${premier})`);
    vus.set(c.ARR!, ligne);
    sortie.push([ligne, c.ARR!, c.DEP!, c.REG!, c.CHEFLIEU!, c.TNCC!, c.NCC!, c.NCCENR!, c.LIBELLE!]);
  }
  const colonnes: ColonneTable[] = [{ nom: 'ligne', type: 'INTEGER' }, ...['arr', 'dep', 'reg', 'cheflieu', 'tncc', 'ncc', 'nccenr', 'libelle'].map(v)];
  return { colonnes, lignes: sortie, sql: sqlArrondissements };
}
