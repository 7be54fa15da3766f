import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, extraitMesuresLarges, LignesLarges, type NiveauSource, type VariableSource } from '../mesures.ts';
import { estFranceMetropolitaine, niveauDesCodesCourts, niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';

/**
 * INSEE Filosofi, "revenus disponibles" files (`FILO<AAAA>_DISP_<COM|EPCI|DEP|REG|METROPOLE>.csv`):
 * `CODGEO;LIBGEO;NBMEN19;NBPERS19;NBUC19;Q119;Q219;…;PIMPOT19`, `;`, decimal comma, UTF-8 BOM.
 * Variants handled: the year suffix in every column; 2014's `PTSAC14` instead of PACT/PTSA/PCHO;
 * column order differing between years (columns are read by name); trailing empty columns
 * (2017); empty cells for communes under statistical secrecy; communes absent altogether.
 * The level is inferred from the codes (and labels for départements vs régions). Millésime N
 * is published on the geography of 1 January N+1.
 */

interface DefVariable {
  id: string;
  libelle: string;
  unite: string;
  additive: boolean;
  negatifPermis?: boolean;
}

const VARIABLES: Readonly<Record<string, DefVariable>> = {
  NBMEN: { id: 'nombre-menages-fiscaux', libelle: 'Nombre de ménages fiscaux', unite: 'ménages', additive: true },
  NBPERS: { id: 'nombre-personnes-menages-fiscaux', libelle: 'Nombre de personnes dans les ménages fiscaux', unite: 'personnes', additive: true },
  NBUC: { id: 'nombre-unites-consommation', libelle: "Nombre d'unités de consommation", unite: 'UC', additive: true },
  Q1: { id: 'premier-quartile-niveau-vie', libelle: 'Premier quartile du niveau de vie', unite: '€', additive: false },
  Q2: { id: 'mediane-niveau-vie', libelle: 'Médiane du niveau de vie', unite: '€', additive: false },
  Q3: { id: 'troisieme-quartile-niveau-vie', libelle: 'Troisième quartile du niveau de vie', unite: '€', additive: false },
  Q3_Q1: { id: 'ecart-interquartile-niveau-vie', libelle: 'Écart interquartile du niveau de vie', unite: '€', additive: false },
  D1: { id: 'decile-1-niveau-vie', libelle: 'Premier décile du niveau de vie', unite: '€', additive: false },
  D2: { id: 'decile-2-niveau-vie', libelle: '2e décile du niveau de vie', unite: '€', additive: false },
  D3: { id: 'decile-3-niveau-vie', libelle: '3e décile du niveau de vie', unite: '€', additive: false },
  D4: { id: 'decile-4-niveau-vie', libelle: '4e décile du niveau de vie', unite: '€', additive: false },
  D6: { id: 'decile-6-niveau-vie', libelle: '6e décile du niveau de vie', unite: '€', additive: false },
  D7: { id: 'decile-7-niveau-vie', libelle: '7e décile du niveau de vie', unite: '€', additive: false },
  D8: { id: 'decile-8-niveau-vie', libelle: '8e décile du niveau de vie', unite: '€', additive: false },
  D9: { id: 'decile-9-niveau-vie', libelle: '9e décile du niveau de vie', unite: '€', additive: false },
  RD: { id: 'rapport-interdecile', libelle: 'Rapport interdécile (D9/D1)', unite: 'rapport', additive: false },
  S80S20: { id: 'rapport-s80-s20', libelle: 'Rapport S80/S20', unite: 'rapport', additive: false },
  GI: { id: 'indice-gini', libelle: 'Indice de Gini du niveau de vie', unite: 'indice', additive: false },
  PACT: { id: 'part-revenus-activite', libelle: "Part des revenus d'activité", unite: '%', additive: false },
  PTSA: { id: 'part-salaires', libelle: 'Part des salaires et traitements', unite: '%', additive: false },
  PCHO: { id: 'part-indemnites-chomage', libelle: 'Part des indemnités de chômage', unite: '%', additive: false },
  PTSAC: { id: 'part-salaires-chomage', libelle: 'Part des salaires, traitements et indemnités de chômage', unite: '%', additive: false },
  PBEN: { id: 'part-benefices', libelle: 'Part des revenus des activités non salariées', unite: '%', additive: false },
  PPEN: { id: 'part-pensions', libelle: 'Part des pensions, retraites et rentes', unite: '%', additive: false },
  PPAT: { id: 'part-revenus-patrimoine', libelle: 'Part des revenus du patrimoine et autres revenus', unite: '%', additive: false },
  PPSOC: { id: 'part-prestations-sociales', libelle: "Part de l'ensemble des prestations sociales", unite: '%', additive: false },
  PPFAM: { id: 'part-prestations-familiales', libelle: 'Part des prestations familiales', unite: '%', additive: false },
  PPMINI: { id: 'part-minima-sociaux', libelle: 'Part des minima sociaux', unite: '%', additive: false },
  PPLOGT: { id: 'part-prestations-logement', libelle: 'Part des prestations logement', unite: '%', additive: false },
  PIMPOT: { id: 'part-impots', libelle: 'Part des impôts', unite: '%', additive: false, negatifPermis: true },
};
const REQUISES = ['NBMEN', 'NBPERS', 'NBUC', 'Q2'];

const RE_ENTETE = /^CODGEO;LIBGEO;NBMEN(\d{2});/;

export const filosofiDisp: SourceAdapter = {
  id: 'filosofi-disp',
  libelle: 'Filosofi — revenus disponibles (fichiers DISP)',
  provenance: { producteur: 'Insee', jeuDeDonnees: 'Filosofi, revenus disponibles localisés (niveau de vie, déciles, composition du revenu)', licence: 'Licence Ouverte / Etalab 2.0' },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return RE_ENTETE.test(entree.premieresLignes(1)[0] ?? '');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const iter = lignesCsv(entree.texte().texte, ';', fichier);
    const entete = iter.next().value!;
    const yy = RE_ENTETE.exec(entete.champs.join(';'))![1]!;
    const millesime = `20${yy}`;
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      throw new SourceSchemaError({ fichier, ligne: 1, colonne: `NBMEN${yy}` }, `millésime ${millesimeImpose} demandé, mais les colonnes portent l’année ${millesime}`);
    }
    // Map every named column to a variable; trailing empty columns are ignored.
    let nbColonnes = entete.champs.length;
    while (nbColonnes > 0 && entete.champs[nbColonnes - 1]!.trim() === '') nbColonnes -= 1;
    const colonnes: Array<{ index: number; nom: string; def: DefVariable }> = [];
    for (let i = 2; i < nbColonnes; i++) {
      const nom = entete.champs[i]!.trim();
      const base = nom.endsWith(yy) && nom !== 'Q3_Q1' ? nom.slice(0, -2) : nom;
      const def = VARIABLES[base];
      if (!def) throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: i + 1, colonne: nom || `champ ${i + 1}` }, `colonne inconnue du format Filosofi DISP`);
      if (colonnes.some((c) => c.def.id === def.id)) throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: i + 1, colonne: nom }, 'colonne en double');
      colonnes.push({ index: i, nom, def });
    }
    for (const r of REQUISES) {
      if (!colonnes.some((c) => c.nom === `${r}${yy}`)) throw new SourceSchemaError({ fichier, ligne: 1, colonne: `${r}${yy}` }, 'colonne obligatoire absente');
    }

    // One pass over the lines, each read into the compact store as it comes (a split line is not
    // kept). The first bad cell is reported after the whole-file checks that come before it
    // (field counts, duplicates, codes, levels), as when the cells were read in a second pass.
    const lignesBrutes: Array<{ ligne: number; code: string; libelle: string }> = [];
    const lignes = new LignesLarges(colonnes.length);
    const valeurs: Array<number | null> = new Array(colonnes.length).fill(null);
    const statuts: number[] = new Array(colonnes.length).fill(CODE_STATUT.absent);
    let erreurCellule: SourceSchemaError | null = null;
    /** Reads the cells of one line into `valeurs`/`statuts`; returns the first bad cell's error, if any. */
    const lireCellules = (champs: string[], ligne: number): SourceSchemaError | null => {
      for (let k = 0; k < colonnes.length; k++) {
        const c = colonnes[k]!;
        const cellule = lireCellule(champs[c.index]!, { decimal: ',', vide: 'secret' });
        if ('erreur' in cellule) return new SourceSchemaError({ fichier, ligne, numeroColonne: c.index + 1, colonne: c.nom }, cellule.erreur);
        if (cellule.valeur !== null && cellule.valeur < 0 && !c.def.negatifPermis) {
          return new SourceSchemaError({ fichier, ligne, numeroColonne: c.index + 1, colonne: c.nom }, `valeur négative ${cellule.valeur} impossible pour « ${c.def.libelle} »`);
        }
        valeurs[k] = cellule.valeur;
        statuts[k] = CODE_STATUT[cellule.statut];
      }
      return null;
    };
    const vus = new Map<string, number>();
    let lignesLues = 0;
    for (const { ligne, champs } of iter) {
      lignesLues += 1;
      if (champs.length < nbColonnes) throw new SourceSchemaError({ fichier, ligne }, `${nbColonnes} champs attendus séparés par « ; », ${champs.length} trouvés`);
      if (champs.slice(nbColonnes).some((c) => c.trim() !== '')) throw new SourceSchemaError({ fichier, ligne, numeroColonne: nbColonnes + 1, colonne: `champ ${nbColonnes + 1}` }, 'valeur au-delà de la dernière colonne nommée');
      const code = champs[0]!.trim();
      const libelle = champs[1]!.trim();
      if (estInjectionFormule(libelle)) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 2, colonne: 'LIBGEO' }, 'libellé commençant par un caractère de formule de tableur');
      const premier = vus.get(code);
      if (premier !== undefined) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 1, colonne: 'CODGEO' }, `code « ${code} » en double (déjà ligne ${premier})`);
      vus.set(code, ligne);
      lignesBrutes.push({ ligne, code, libelle });
      if (erreurCellule !== null) continue; // the file is rejected: only earlier errors may still take precedence
      erreurCellule = lireCellules(champs, ligne);
      // The level is known once every code has been read (set below).
      if (erreurCellule === null) lignes.ajouter({ ligne, niveau: 'commune', code, libelle, periode: millesime, sexe: null, age: null }, valeurs, statuts);
    }
    if (lignesBrutes.length === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');

    // One level per file, inferred from the codes.
    const niveaux = new Set<string>();
    for (const l of lignesBrutes) {
      const n = estFranceMetropolitaine(l.code, l.libelle) ? 'france-metropolitaine' : niveauDuCode(l.code);
      if (n === null) throw new SourceSchemaError({ fichier, ligne: l.ligne, numeroColonne: 1, colonne: 'CODGEO' }, `code géographique invalide « ${l.code.slice(0, 20)} »`);
      niveaux.add(n === 'arrondissement-municipal' ? 'commune' : n);
    }
    if (niveaux.size > 1) throw new SourceSchemaError({ fichier, colonne: 'CODGEO' }, `niveaux géographiques mélangés dans un même fichier (${[...niveaux].join(', ')})`);
    const niveauFichier = [...niveaux][0]!;
    const court = niveauFichier === 'court' ? niveauDesCodesCourts(lignesBrutes, fichier) : null;
    if (erreurCellule !== null) throw erreurCellule;
    for (const cle of lignes.cles) {
      cle.niveau = court ?? (niveauFichier === 'france-metropolitaine' ? 'france-metropolitaine' : (niveauDuCode(cle.code) as NiveauSource));
    }

    const variables: VariableSource[] = colonnes.map((c) => ({ id: c.def.id, colonneSource: c.nom, libelle: c.def.libelle, unite: c.def.unite, additive: c.def.additive }));
    // One file per level for a millésime (COM, EPCI, DEP, REG, METROPOLE): the level is the part.
    const partie = court ?? (niveauFichier === 'arrondissement-municipal' ? 'commune' : niveauFichier);
    return extraitMesuresLarges({ millesime, cogSource: Number(millesime) + 1, partie, lignesLues, variables, lignes });
  },
};
