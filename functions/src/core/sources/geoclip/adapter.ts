import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, type NiveauSource, type VariableSource } from '../mesures.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import { RE_CODE_DEPARTEMENT, RE_CODE_REGION, slugAscii } from './identifiants.ts';
import { extraitMesuresParColonne, type LigneStaging } from './staging.ts';

/**
 * Géoclip web exports — INSEE Statistiques locales, CartoSanté (ARS), Observatoire des territoires
 * (ANCT) run the same software and export the same layout:
 *
 *   Insee - Statistiques locales; ; ; …          ← producer, cells padded with `; `
 *   Référentiel géographique : France par département; ; …   ← the geographic level
 *   Code;Libellé;Espérance de vie des femmes à la naissance 2023;…
 *   01;Ain;86.2;…
 *
 * UTF-8 with BOM, LF, often no final newline, decimal point, `N/A - résultat non disponible`.
 * Every indicator column is a variable (id: the label without its year, ASCII kebab-case); the
 * year (or period `2013-2018`) ending the header is the period of its values. A column without a
 * year needs the millésime to be given. Columns holding text only (CartoSanté's zoning classes)
 * are categorical (`modalite`). The producer is kept in each variable's `colonneSource` (and in
 * the dataset's `colonne_source`, with the full header), and the part of the millésime is
 * producer + level (`statistiques-locales-departement`). Staging: one row per line (`staging.ts`).
 *
 * COG: the export is on the geography in force on the day it was made, and that day is not in the
 * file: `cogSource` is null.
 */

/** Level from the "Référentiel géographique" line: `France par commune et arrondissement mun.` */
const NIVEAUX_REFERENTIEL: Array<[RegExp, NiveauSource]> = [
  [/\bpar\s+communes?\b/i, 'commune'],
  [/\bpar\s+d[ée]partements?\b/i, 'departement'],
  [/\bpar\s+r[ée]gions?\b/i, 'region'],
  [/\bpar\s+(?:EPCI|intercommunalit[ée]s?)\b/i, 'epci'],
];

/** Short producer names for the part: ASCII kebab. Unknown producers: the slug of their name. */
const PRODUCTEURS: Array<[RegExp, string]> = [
  [/statistiques\s+locales/i, 'statistiques-locales'],
  [/cartosant[ée]/i, 'cartosante'],
  [/observatoire\s+des\s+territoires/i, 'observatoire-territoires'],
];

const RE_REFERENTIEL = /^R[ée]f[ée]rentiel g[ée]ographique\s*:\s*(.*)$/;
const RE_ENTETE = /^Code;Libellé(?:;|$)/;
/** `… 2023` or `… 2013-2018` at the end of a header. */
const RE_ANNEE = /^(.*?)\s+((?:19|20)\d{2})(?:\s*-\s*((?:19|20)\d{2}))?$/;

/** Units stated or known from the label; unknown → '' (never guessed from magnitudes alone). */
function uniteDe(libelle: string, producteurCourt: string): string {
  if (/^esp[ée]rance de vie/i.test(libelle)) return 'ans';
  if (/pour 100 000/i.test(libelle)) return 'pour 100 000 habitants';
  if (/pour 1 ?000|‰/i.test(libelle)) return 'pour 1 000 habitants';
  if (/\(%\)|\ben %/i.test(libelle)) return '%';
  // INSEE Statistiques locales' mortality rates are per 1 000 inhabitants (its documentation;
  // the real file: crude rate 7.8 for Ain in 2023, i.e. ~5 000 deaths for ~670 000 inhabitants).
  if (producteurCourt === 'statistiques-locales' && /^taux (?:brut )?de mortalit[ée]/i.test(libelle)) return 'pour 1 000 habitants';
  return '';
}

/** Counts add up; everything else (rates, life expectancies, medians) does not. */
const estAdditive = (libelle: string) => /^(?:nombre|effectif)s? d(?:e |')/i.test(libelle) && !/moyen|m[ée]dian|pour |taux|part /i.test(libelle);

/** Quantities that cannot be negative (evolutions and balances can). */
const estPositive = (libelle: string) =>
  /^(?:esp[ée]rance|nombre|effectif|population|densit[ée]|part |taux (?:brut |standardis[ée] )?de (?:mortalit|natalit|pauvret|ch[ôo]mage)|taux de mortalit|apl\b|accessibilit)/i.test(libelle) &&
  !/[ée]volution|variation|solde/i.test(libelle);

function codeValide(niveau: NiveauSource, code: string): NiveauSource | null {
  switch (niveau) {
    case 'departement':
      return RE_CODE_DEPARTEMENT.test(code) ? 'departement' : null;
    case 'region':
      return RE_CODE_REGION.test(code) ? 'region' : null;
    case 'epci':
      return /^\d{9}$/.test(code) ? 'epci' : null;
    default: {
      const n = niveauDuCode(code);
      return n === 'commune' || n === 'arrondissement-municipal' ? n : null;
    }
  }
}

interface Colonne {
  index: number;
  entete: string;
  libelle: string;
  periode: string;
  /** Year used for the millésime: the end of a period. */
  annee: number | null;
}

export const geoclip: SourceAdapter = {
  id: 'geoclip',
  libelle: 'Exports Géoclip (Insee Statistiques locales, CartoSanté, Observatoire des territoires)',
  provenance: {
    producteur: 'Insee, ARS / CartoSanté, ANCT / Observatoire des territoires (selon l’export : voir la colonne source de chaque variable)',
    jeuDeDonnees: 'Indicateurs territoriaux exportés des portails Géoclip',
    licence: 'Licence Ouverte / Etalab 2.0 (à vérifier pour CartoSanté)',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    const [l1, l2, l3] = entree.premieresLignes(3);
    if (l1 === undefined) return false;
    // A Géoclip table stripped of its preamble is recognised too, to be rejected with a clear message.
    if (RE_ENTETE.test(l1)) return true;
    return RE_REFERENTIEL.test((l2 ?? '').split(';')[0]!) && RE_ENTETE.test(l3 ?? '');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const iter = lignesCsv(entree.texte().texte, ';', fichier);
    const premiere = iter.next().value;
    if (!premiere || RE_ENTETE.test(premiere.champs.join(';'))) {
      throw new SourceSchemaError(
        { fichier, ligne: 1, numeroColonne: 1, colonne: 'Code' },
        'préambule Géoclip absent (ligne du producteur, puis « Référentiel géographique : … ») : le producteur et le niveau géographique ne peuvent être déterminés',
      );
    }
    const lignePreambule = (ligne: number, champs: string[]) => {
      for (let i = 1; i < champs.length; i++) {
        if (champs[i]!.trim() !== '') throw new SourceSchemaError({ fichier, ligne, numeroColonne: i + 1, colonne: `champ ${i + 1}` }, `préambule Géoclip : cellule inattendue « ${champs[i]!.slice(0, 30)} »`);
      }
      return champs[0]!.trim();
    };
    const producteur = lignePreambule(1, premiere.champs);
    if (producteur === '' || estInjectionFormule(producteur)) throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: 1, colonne: 'producteur' }, 'nom du producteur absent ou commençant par un caractère de formule');
    const producteurCourt = PRODUCTEURS.find(([re]) => re.test(producteur))?.[1] ?? slugAscii(producteur);
    if (producteurCourt === '') throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: 1, colonne: 'producteur' }, `nom du producteur illisible « ${producteur.slice(0, 30)} »`);

    const deuxieme = iter.next().value;
    const referentiel = RE_REFERENTIEL.exec(deuxieme ? lignePreambule(2, deuxieme.champs) : '');
    if (!referentiel) throw new SourceSchemaError({ fichier, ligne: 2, numeroColonne: 1, colonne: 'référentiel' }, 'ligne « Référentiel géographique : … » attendue');
    const niveauFichier = NIVEAUX_REFERENTIEL.find(([re]) => re.test(referentiel[1]!))?.[1];
    if (!niveauFichier) {
      throw new SourceSchemaError({ fichier, ligne: 2, numeroColonne: 1, colonne: 'référentiel' }, `niveau géographique non pris en charge : « ${referentiel[1]!.slice(0, 60)} » (communes, EPCI, départements, régions)`);
    }

    const entete = iter.next().value;
    if (!entete || !RE_ENTETE.test(entete.champs.join(';'))) throw new SourceSchemaError({ fichier, ligne: 3, numeroColonne: 1, colonne: 'Code' }, 'en-tête « Code;Libellé;… » attendu après le préambule');
    const colonnes: Colonne[] = [];
    for (let i = 2; i < entete.champs.length; i++) {
      const nom = entete.champs[i]!.trim();
      const position = { fichier, ligne: 3, numeroColonne: i + 1, colonne: nom.slice(0, 80) || `champ ${i + 1}` };
      if (nom === '') throw new SourceSchemaError(position, 'colonne sans nom');
      if (estInjectionFormule(nom)) throw new SourceSchemaError(position, 'nom de colonne commençant par un caractère de formule de tableur');
      if (colonnes.some((c) => c.entete === nom)) throw new SourceSchemaError(position, 'colonne en double');
      const m = RE_ANNEE.exec(nom);
      if (m) {
        const debut = Number(m[2]);
        const fin = m[3] ? Number(m[3]) : debut;
        if (fin < debut) throw new SourceSchemaError(position, `période invalide « ${m[2]}-${m[3]} »`);
        colonnes.push({ index: i, entete: nom, libelle: m[1]!, periode: m[3] ? `${m[2]}-${m[3]}` : m[2]!, annee: fin });
      } else if (millesimeImpose !== null) {
        colonnes.push({ index: i, entete: nom, libelle: nom, periode: millesimeImpose, annee: null });
      } else {
        throw new SourceSchemaError(position, 'colonne sans année : le millésime ne peut être déduit du fichier, précisez-le (catalogue ou --millesime)');
      }
    }
    if (colonnes.length === 0) throw new SourceSchemaError({ fichier, ligne: 3, numeroColonne: 3 }, 'aucune colonne d’indicateur');

    // Millésime: the latest year of the columns, unless given (and then it must agree).
    const datees = colonnes.filter((c) => c.annee !== null);
    const plusRecente = datees.reduce<Colonne | null>((a, c) => (a === null || c.annee! > a.annee! ? c : a), null);
    if (millesimeImpose !== null && !/^(?:19|20)\d{2}$/.test(millesimeImpose)) throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : une année, ex. 2023)`);
    if (millesimeImpose !== null && plusRecente && String(plusRecente.annee) !== millesimeImpose) {
      throw new SourceSchemaError(
        { fichier, ligne: 3, numeroColonne: plusRecente.index + 1, colonne: plusRecente.entete.slice(0, 80) },
        `millésime ${millesimeImpose} demandé, mais les colonnes portent l’année ${plusRecente.annee}`,
      );
    }
    const millesime = millesimeImpose ?? String(plusRecente!.annee);

    // Variables: one per label (the same indicator for two years is one variable, two periods).
    const variables: VariableSource[] = [];
    const indexVariable = new Map<string, number>();
    const idDe = new Map<Colonne, number>();
    for (const c of colonnes) {
      const id = slugAscii(c.libelle);
      if (id === '') throw new SourceSchemaError({ fichier, ligne: 3, numeroColonne: c.index + 1, colonne: c.entete }, 'libellé d’indicateur sans lettre ni chiffre');
      let k = indexVariable.get(id);
      if (k === undefined) {
        k = variables.length;
        indexVariable.set(id, k);
        variables.push({ id, colonneSource: `${producteur} : ${c.libelle}`, libelle: c.libelle, unite: uniteDe(c.libelle, producteurCourt), additive: estAdditive(c.libelle) });
      } else if (variables[k]!.libelle !== c.libelle || colonnes.some((x) => x !== c && idDe.get(x) === k && x.periode === c.periode)) {
        throw new SourceSchemaError({ fichier, ligne: 3, numeroColonne: c.index + 1, colonne: c.entete }, `indicateur en double (même identifiant « ${id} » et même période qu’une autre colonne)`);
      }
      idDe.set(c, k);
    }

    // Lines: field count, code shape for the level, label, duplicates.
    const brutes: Array<{ ligne: number; code: string; niveau: NiveauSource; libelle: string; champs: string[] }> = [];
    const vus = new Map<string, number>();
    let lignesLues = 0;
    for (const { ligne, champs } of iter) {
      lignesLues += 1;
      if (champs.length !== entete.champs.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${entete.champs.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      }
      const code = champs[0]!.trim();
      const niveau = codeValide(niveauFichier, code);
      if (niveau === null) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 1, colonne: 'Code' }, `code « ${code.slice(0, 20)} » invalide pour le niveau ${niveauFichier} annoncé ligne 2`);
      const libelle = champs[1]!.trim();
      if (estInjectionFormule(libelle)) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 2, colonne: 'Libellé' }, 'libellé commençant par un caractère de formule de tableur');
      const premier = vus.get(code);
      if (premier !== undefined) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 1, colonne: 'Code' }, `code « ${code} » en double (déjà ligne ${premier})`);
      vus.set(code, ligne);
      brutes.push({ ligne, code, niveau, libelle, champs });
    }
    if (brutes.length === 0) throw new SourceSchemaError({ fichier, ligne: 4 }, 'aucune ligne de données après l’en-tête');

    // Column types: numeric, or categorical when no cell holds a number. A column mixing both is
    // an error at the first cell of the minority kind.
    const options = { decimal: '.', vide: 'absent' } as const;
    const categorielle = new Map<Colonne, boolean>();
    for (const c of colonnes) {
      let nombres = 0;
      let textes = 0;
      let premierTexte: { ligne: number; erreur: string } | null = null;
      let premierNombre: { ligne: number; brut: string } | null = null;
      for (const l of brutes) {
        const cellule = lireCellule(l.champs[c.index]!, options);
        if ('erreur' in cellule) {
          textes += 1;
          premierTexte ??= { ligne: l.ligne, erreur: cellule.erreur };
        } else if (cellule.statut === 'ok') {
          nombres += 1;
          premierNombre ??= { ligne: l.ligne, brut: l.champs[c.index]! };
        }
      }
      const position = (ligne: number) => ({ fichier, ligne, numeroColonne: c.index + 1, colonne: c.entete.slice(0, 80) });
      if (textes > 0 && nombres >= textes) throw new SourceSchemaError(position(premierTexte!.ligne), premierTexte!.erreur);
      if (textes > 0 && nombres > 0) throw new SourceSchemaError(position(premierNombre!.ligne), `valeur numérique « ${premierNombre!.brut.slice(0, 30)} » dans une colonne de modalités`);
      categorielle.set(c, textes > 0);
      if (textes > 0) variables[idDe.get(c)!]!.type = 'modalite';
    }
    for (const c of colonnes) {
      if (categorielle.get(c) !== (variables[idDe.get(c)!]!.type === 'modalite')) {
        throw new SourceSchemaError({ fichier, ligne: 3, numeroColonne: c.index + 1, colonne: c.entete }, 'le même indicateur est numérique pour une année et en modalités pour une autre');
      }
    }

    const lignes: LigneStaging[] = brutes.map((l) => {
      const valeurs: Array<number | null> = [];
      const statuts: number[] = [];
      const modalites: Array<string | null> = [];
      for (const c of colonnes) {
        const position = { fichier, ligne: l.ligne, numeroColonne: c.index + 1, colonne: c.entete.slice(0, 80) };
        const v = variables[idDe.get(c)!]!;
        const brut = l.champs[c.index]!;
        const cellule = lireCellule(brut, options);
        if (categorielle.get(c) && 'erreur' in cellule) {
          const modalite = brut.trim();
          if (estInjectionFormule(modalite)) throw new SourceSchemaError(position, 'modalité commençant par un caractère de formule de tableur');
          valeurs.push(null);
          statuts.push(CODE_STATUT.ok);
          modalites.push(modalite);
          continue;
        }
        if ('erreur' in cellule) throw new SourceSchemaError(position, cellule.erreur);
        if (cellule.valeur !== null && cellule.valeur < 0 && estPositive(v.libelle)) throw new SourceSchemaError(position, `valeur négative ${cellule.valeur} impossible pour « ${v.libelle} »`);
        valeurs.push(cellule.valeur);
        statuts.push(CODE_STATUT[cellule.statut]);
        modalites.push(null);
      }
      return { cle: { ligne: l.ligne, niveau: l.niveau, code: l.code, libelle: l.libelle, sexe: null, age: null }, valeurs, statuts, modalites };
    });
    return extraitMesuresParColonne({
      millesime,
      cogSource: null,
      partie: `${producteurCourt}-${niveauFichier}`,
      lignesLues,
      variables,
      colonnes: colonnes.map((c) => ({ variable: idDe.get(c)!, colonneSource: `${producteur} : ${c.entete}`, periode: c.periode })),
      lignes,
    });
  },
};
