import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, extraitMesuresLarges, LignesLarges, type VariableSource } from '../mesures.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { lignesCsv } from '../texte.ts';

/**
 * INSEE Filosofi, "base comparateur" commune files (`cc_filosofi_<AAAA>_COM.csv`):
 * `CODGEO;NBMENFISC19;NBPERSMENFISC19;MED19;PIMP19;TP6019;TP60AGE119…TP60AGE619;TP60TOL119;
 * TP60TOL219;PACT19;…;PIMPOT19;D119;D919;RD19` — no label column, one line per commune of the
 * whole COG (PLM arrondissements listed as well as Paris, Lyon, Marseille).
 *
 * Two conventions coexist and are told apart by the content, never by the name:
 * - 2019: decimal point, secret cells empty;
 * - 2020, 2021: decimal comma, secret cells are a literal `s` (an empty cell is then "absent").
 * The decimal mark is the one the numeric cells use; a file using both is rejected at the first
 * cell of the second kind. The secret convention: a file holding at least one `s` cell uses `s`.
 *
 * Millésime N (revenus of year N) is usually published on the geography of 1 January N+2, but
 * not always (see `COG_PAR_MILLESIME`). Uninhabited communes and communes restored after the
 * revenus year are listed with `nd` in every cell (statut non_disponible).
 * The companion dictionary `meta_cc_filosofi_<AAAA>_COM.CSV` is recognised and rejected with a
 * clear message (it holds labels, not values), rather than reported as an unknown format.
 */

export interface DefVariable {
  id: string;
  libelle: string;
  unite: string;
  additive: boolean;
  /** Only `PIMPOT` (taxes, a negative share of disposable income) may be negative. */
  negatifPermis?: boolean;
  /** Counts: integers. */
  entier?: boolean;
  /** Rates/shares of persons or households: at most 100 %. */
  max100?: boolean;
}

const TP = 'Taux de pauvreté des personnes dans les ménages';
/**
 * Columns of the base comparateur, by name without the year suffix. Ids are those of
 * `filosofi-disp` where the concept is the same (same libellé, unit, additivity: checked by the
 * unit tests against the DISP adapter's output).
 */
export const VARIABLES: Readonly<Record<string, DefVariable>> = {
  NBMENFISC: { id: 'nombre-menages-fiscaux', libelle: 'Nombre de ménages fiscaux', unite: 'ménages', additive: true, entier: true },
  NBPERSMENFISC: { id: 'nombre-personnes-menages-fiscaux', libelle: 'Nombre de personnes dans les ménages fiscaux', unite: 'personnes', additive: true, entier: true },
  MED: { id: 'mediane-niveau-vie', libelle: 'Médiane du niveau de vie', unite: '€', additive: false },
  PIMP: { id: 'part-menages-imposes', libelle: 'Part des ménages fiscaux imposés', unite: '%', additive: false, max100: true },
  TP60: { id: 'taux-pauvrete', libelle: 'Taux de pauvreté (seuil à 60 % du niveau de vie médian)', unite: '%', additive: false, max100: true },
  TP60AGE1: { id: 'taux-pauvrete-moins-30-ans', libelle: `${TP} dont le référent fiscal a moins de 30 ans`, unite: '%', additive: false, max100: true },
  TP60AGE2: { id: 'taux-pauvrete-30-39-ans', libelle: `${TP} dont le référent fiscal a de 30 à 39 ans`, unite: '%', additive: false, max100: true },
  TP60AGE3: { id: 'taux-pauvrete-40-49-ans', libelle: `${TP} dont le référent fiscal a de 40 à 49 ans`, unite: '%', additive: false, max100: true },
  TP60AGE4: { id: 'taux-pauvrete-50-59-ans', libelle: `${TP} dont le référent fiscal a de 50 à 59 ans`, unite: '%', additive: false, max100: true },
  TP60AGE5: { id: 'taux-pauvrete-60-74-ans', libelle: `${TP} dont le référent fiscal a de 60 à 74 ans`, unite: '%', additive: false, max100: true },
  TP60AGE6: { id: 'taux-pauvrete-75-ans-ou-plus', libelle: `${TP} dont le référent fiscal a 75 ans ou plus`, unite: '%', additive: false, max100: true },
  TP60TOL1: { id: 'taux-pauvrete-proprietaires', libelle: `${TP} propriétaires de leur logement`, unite: '%', additive: false, max100: true },
  TP60TOL2: { id: 'taux-pauvrete-locataires', libelle: `${TP} locataires de leur logement`, unite: '%', additive: false, max100: true },
  PACT: { id: 'part-revenus-activite', libelle: "Part des revenus d'activité", unite: '%', additive: false },
  PTSA: { id: 'part-salaires', libelle: 'Part des salaires et traitements', unite: '%', additive: false },
  PCHO: { id: 'part-indemnites-chomage', libelle: 'Part des indemnités de chômage', unite: '%', additive: false },
  PBEN: { id: 'part-benefices', libelle: 'Part des revenus des activités non salariées', unite: '%', additive: false },
  PPEN: { id: 'part-pensions', libelle: 'Part des pensions, retraites et rentes', unite: '%', additive: false },
  PPAT: { id: 'part-revenus-patrimoine', libelle: 'Part des revenus du patrimoine et autres revenus', unite: '%', additive: false },
  PPSOC: { id: 'part-prestations-sociales', libelle: "Part de l'ensemble des prestations sociales", unite: '%', additive: false },
  PPFAM: { id: 'part-prestations-familiales', libelle: 'Part des prestations familiales', unite: '%', additive: false },
  PPMINI: { id: 'part-minima-sociaux', libelle: 'Part des minima sociaux', unite: '%', additive: false },
  PPLOGT: { id: 'part-prestations-logement', libelle: 'Part des prestations logement', unite: '%', additive: false },
  PIMPOT: { id: 'part-impots', libelle: 'Part des impôts', unite: '%', additive: false, negatifPermis: true },
  D1: { id: 'decile-1-niveau-vie', libelle: 'Premier décile du niveau de vie', unite: '€', additive: false },
  D9: { id: 'decile-9-niveau-vie', libelle: '9e décile du niveau de vie', unite: '€', additive: false },
  RD: { id: 'rapport-interdecile', libelle: 'Rapport interdécile (D9/D1)', unite: 'rapport', additive: false },
};

/**
 * Geography of the millésimes whose lag is not the usual two years, checked on the real files:
 * the 2021 file lacks 08294 (merged into 08053 on 1 January 2024) and lists the communes restored
 * that day (60694, 85165, 85212, all `nd`): it is on the COG 2024, not 2023. (2019 → 2021 and
 * 2020 → 2022 hold: 2020 still has 08294, and no code of 2023 or later.)
 */
const COG_PAR_MILLESIME: Readonly<Record<string, number>> = { '2021': 2024 };

const RE_ENTETE = /^CODGEO;NBMENFISC(\d{2});/;
/** INSEE's variable dictionary, the one of this product (its first variable is NBMENFISC). */
const RE_META = /^COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR$/;

interface LigneBrute {
  ligne: number;
  code: string;
  niveau: 'commune' | 'arrondissement-municipal' | 'epci';
}

export const filosofiCc: SourceAdapter = {
  id: 'filosofi-cc',
  libelle: 'Filosofi — base comparateur (pauvreté, niveau de vie, par commune)',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Filosofi, base du comparateur de territoires : niveau de vie, taux de pauvreté par âge et statut d’occupation, composition du revenu',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    const [l1, l2] = entree.premieresLignes(2);
    if (l1 === undefined) return false;
    if (RE_ENTETE.test(l1)) return true;
    return RE_META.test(l1) && /^NBMENFISC\d{2};/.test(l2 ?? '');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const iter = lignesCsv(entree.texte().texte, ';', fichier);
    const entete = iter.next().value;
    const texteEntete = entete?.champs.join(';') ?? '';
    if (RE_META.test(texteEntete)) {
      throw new SourceSchemaError(
        { fichier, ligne: 1, numeroColonne: 1, colonne: 'COD_VAR' },
        'dictionnaire des variables Filosofi (fichier meta_cc_filosofi…), pas un fichier de données : déposez le fichier cc_filosofi_AAAA_COM qui l’accompagne',
      );
    }
    const m = RE_ENTETE.exec(texteEntete);
    if (!entete || !m) throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: 2 }, 'en-tête Filosofi comparateur attendu (CODGEO;NBMENFISCAA;…)');
    const yy = m[1]!;
    const millesime = `20${yy}`;
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: 2, colonne: `NBMENFISC${yy}` }, `millésime ${millesimeImpose} demandé, mais les colonnes portent l’année ${millesime}`);
    }

    // Columns by name (order free); trailing empty columns are ignored.
    let nbColonnes = entete.champs.length;
    while (nbColonnes > 0 && entete.champs[nbColonnes - 1]!.trim() === '') nbColonnes -= 1;
    const colonnes: Array<{ index: number; nom: string; def: DefVariable }> = [];
    for (let i = 1; i < nbColonnes; i++) {
      const nom = entete.champs[i]!.trim();
      const position = { fichier, ligne: 1, numeroColonne: i + 1, colonne: nom || `champ ${i + 1}` };
      if (!nom.endsWith(yy)) throw new SourceSchemaError(position, `colonne sans le suffixe d’année « ${yy} » des autres colonnes`);
      const def = VARIABLES[nom.slice(0, -2)];
      if (!def) throw new SourceSchemaError(position, 'colonne inconnue du format Filosofi comparateur');
      if (colonnes.some((c) => c.def === def)) throw new SourceSchemaError(position, 'colonne en double');
      colonnes.push({ index: i, nom, def });
    }
    for (const base of Object.keys(VARIABLES)) {
      if (!colonnes.some((c) => c.nom === `${base}${yy}`)) throw new SourceSchemaError({ fichier, ligne: 1, colonne: `${base}${yy}` }, 'colonne obligatoire absente');
    }

    // Lines: field count, code shape, duplicates; and the conventions of the file (decimal, secret).
    // One pass, each line read into the compact store as it comes (a split line is not kept):
    // - the decimal mark is the first one met, and a line using the other one is rejected before
    //   its cells are read, so every cell is read with the file's mark (a cell without one reads
    //   the same either way);
    // - an empty cell is read as `absent`, and becomes `secret` at the end unless the file marks
    //   its secret cells with `s` (then empty means absent);
    // - the first bad cell is reported after the whole-file checks that come before it (field
    //   counts, codes, duplicates, decimal marks, levels), as when cells were read in a second pass.
    const lignesBrutes: LigneBrute[] = [];
    const lignes = new LignesLarges(colonnes.length);
    const valeurs: Array<number | null> = new Array(colonnes.length).fill(null);
    const statuts: number[] = new Array(colonnes.length).fill(CODE_STATUT.absent);
    let erreurCellule: SourceSchemaError | null = null;
    const vus = new Map<string, number>();
    let premiereMarque: { marque: ',' | '.'; ligne: number; index: number } | null = null;
    let secretEnS = false;
    let lignesLues = 0;
    /** Reads the cells of one line into `valeurs`/`statuts`; returns the first bad cell's error, if any. */
    const lireCellules = (champs: string[], ligne: number): SourceSchemaError | null => {
      const options = { decimal: premiereMarque?.marque ?? '.', vide: 'absent' } as const;
      for (let k = 0; k < colonnes.length; k++) {
        const c = colonnes[k]!;
        const position = () => ({ fichier, ligne, numeroColonne: c.index + 1, colonne: c.nom });
        const cellule = lireCellule(champs[c.index]!, options);
        if ('erreur' in cellule) return new SourceSchemaError(position(), cellule.erreur);
        const v = cellule.valeur;
        if (v !== null) {
          if (v < 0 && !c.def.negatifPermis) return new SourceSchemaError(position(), `valeur négative ${v} impossible pour « ${c.def.libelle} »`);
          if (c.def.entier && !Number.isInteger(v)) return new SourceSchemaError(position(), `nombre entier attendu pour « ${c.def.libelle} », « ${champs[c.index]} » trouvé`);
          if (c.def.max100 && v > 100) return new SourceSchemaError(position(), `pourcentage supérieur à 100 (${v}) impossible pour « ${c.def.libelle} »`);
        }
        valeurs[k] = v;
        statuts[k] = CODE_STATUT[cellule.statut];
      }
      return null;
    };
    for (const { ligne, champs } of iter) {
      lignesLues += 1;
      if (champs.length < nbColonnes) throw new SourceSchemaError({ fichier, ligne }, `${nbColonnes} champs attendus séparés par « ; », ${champs.length} trouvés`);
      for (let i = nbColonnes; i < champs.length; i++) {
        if (champs[i]!.trim() !== '') throw new SourceSchemaError({ fichier, ligne, numeroColonne: i + 1, colonne: `champ ${i + 1}` }, 'valeur au-delà de la dernière colonne nommée');
      }
      const code = champs[0]!.trim();
      const niveau = niveauDuCode(code);
      if (niveau !== 'commune' && niveau !== 'arrondissement-municipal' && niveau !== 'epci') {
        throw new SourceSchemaError(
          { fichier, ligne, numeroColonne: 1, colonne: 'CODGEO' },
          niveau === 'court'
            ? `code « ${code} » de département ou de région : sans libellés, ce format n’est lu qu’au niveau commune ou EPCI`
            : `code géographique invalide « ${code.slice(0, 20)} »`,
        );
      }
      const premier = vus.get(code);
      if (premier !== undefined) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 1, colonne: 'CODGEO' }, `code « ${code} » en double (déjà ligne ${premier})`);
      vus.set(code, ligne);
      for (const c of colonnes) {
        const brut = champs[c.index]!;
        if (brut === 's') secretEnS = true;
        const marque = brut.includes(',') ? ',' : brut.includes('.') ? '.' : null;
        if (marque === null) continue;
        if (premiereMarque === null) premiereMarque = { marque, ligne, index: c.index };
        else if (marque !== premiereMarque.marque) {
          const autre = colonnes.find((x) => x.index === premiereMarque!.index)!;
          throw new SourceSchemaError(
            { fichier, ligne, numeroColonne: c.index + 1, colonne: c.nom },
            `séparateurs décimaux mélangés : « ${brut.slice(0, 30)} » utilise ${marque === ',' ? 'la virgule' : 'le point'}, ` +
              `alors que la ligne ${premiereMarque.ligne}, colonne ${premiereMarque.index + 1} (${autre.nom}) utilise ${premiereMarque.marque === ',' ? 'la virgule' : 'le point'}`,
          );
        }
      }
      lignesBrutes.push({ ligne, code, niveau });
      if (erreurCellule !== null) continue; // the file is rejected: only earlier errors may still take precedence
      erreurCellule = lireCellules(champs, ligne);
      if (erreurCellule === null) lignes.ajouter({ ligne, niveau, code, libelle: null, periode: millesime, sexe: null, age: null }, valeurs, statuts);
    }
    if (lignesBrutes.length === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');

    // One level per file: communes (with their PLM arrondissements) or EPCI.
    const niveauFichier = (l: LigneBrute) => (l.niveau === 'epci' ? 'epci' : 'commune');
    const premiere = lignesBrutes[0]!;
    const intrus = lignesBrutes.find((l) => niveauFichier(l) !== niveauFichier(premiere));
    if (intrus) {
      throw new SourceSchemaError(
        { fichier, ligne: intrus.ligne, numeroColonne: 1, colonne: 'CODGEO' },
        `niveaux géographiques mélangés : « ${intrus.code} » (${niveauFichier(intrus)}) dans un fichier de niveau ${niveauFichier(premiere)} (ligne ${premiere.ligne})`,
      );
    }
    if (erreurCellule !== null) throw erreurCellule;
    if (!secretEnS) lignes.remplacerStatut(CODE_STATUT.absent, CODE_STATUT.secret);

    const variables: VariableSource[] = colonnes.map((c) => ({ id: c.def.id, colonneSource: c.nom, libelle: c.def.libelle, unite: c.def.unite, additive: c.def.additive }));
    // One file per level and millésime: the level is the part (as for filosofi-disp).
    return extraitMesuresLarges({ millesime, cogSource: COG_PAR_MILLESIME[millesime] ?? Number(millesime) + 2, partie: niveauFichier(premiere), lignesLues, variables, lignes });
  },
};
