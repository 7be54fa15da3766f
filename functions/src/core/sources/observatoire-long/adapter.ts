import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, extraitMesuresLarges, type NiveauSource, type VariableSource } from '../mesures.ts';
import { estFranceMetropolitaine, niveauDesCodesCourts, niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import { slugAscii } from '../geoclip/identifiants.ts';

/**
 * Observatoire des territoires (ANCT), long indicator files (`insee_rp_evol_1968_region_2018.csv`):
 * `codgeo;libgeo;an;tx_morta`, one line per territory × period (`1968-1975` … `2013-2018`),
 * UTF-8 BOM, CRLF, `;`, decimal comma, empty cell = value absent (Mayotte), and a stray last line
 * `;;;` (accepted and ignored only there; an empty line elsewhere is an error).
 *
 * Each column after `an` is a variable named after the column (`tx_morta` → `taux-mortalite`).
 * The level is inferred from the codes (and labels for départements vs régions); one level per
 * file. Millésime: the latest year of the periods. Part: variables + level, so the files of one
 * family (régions, EPCI, one indicator each) coexist under one millésime.
 *
 * COG: the file does not say which geography it uses (the copy in data/ is documented as COG 2021
 * by its provenance, not by its content): `cogSource` is null.
 */

interface DefVariable {
  id: string;
  libelle: string;
  unite: string;
  additive: boolean;
  positive: boolean;
}

/** Known Observatoire columns. Unknown ones are accepted, named after the column, unit ''. */
const VARIABLES: Readonly<Record<string, DefVariable>> = {
  // per 1 000 inhabitants and per year over the period (values 4–13: 8,80 for Guadeloupe 1968-1975)
  tx_morta: { id: 'taux-mortalite', libelle: 'Taux de mortalité annuel moyen sur la période', unite: 'pour 1 000 habitants par an', additive: false, positive: true },
  tx_nata: { id: 'taux-natalite', libelle: 'Taux de natalité annuel moyen sur la période', unite: 'pour 1 000 habitants par an', additive: false, positive: true },
};

const RE_ENTETE = /^codgeo;libgeo;an(?:;[a-z][a-z0-9_]*)+$/;
const RE_PERIODE = /^((?:18|19|20)\d{2})(?:-((?:18|19|20)\d{2}))?$/;

export const observatoireLong: SourceAdapter = {
  id: 'observatoire-long',
  libelle: 'Observatoire des territoires — indicateurs par période (format long)',
  provenance: {
    producteur: 'ANCT, Observatoire des territoires (d’après Insee, recensements et état civil)',
    jeuDeDonnees: 'Indicateurs de l’Observatoire des territoires, une ligne par territoire et période',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return RE_ENTETE.test(entree.premieresLignes(1)[0] ?? '');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const toutes = [...lignesCsv(entree.texte().texte, ';', fichier)];
    const entete = toutes[0]!;
    const noms = entete.champs.map((c) => c.trim());
    const valeurs = noms.slice(3).map((nom, k) => {
      const def = VARIABLES[nom];
      const id = def?.id ?? slugAscii(nom.replace(/_/g, ' '));
      if (noms.indexOf(nom) !== k + 3) throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: k + 4, colonne: nom }, 'colonne en double');
      return { index: k + 3, nom, def: def ?? { id, libelle: nom, unite: '', additive: false, positive: false } };
    });

    // The stray `;;;` is accepted as the very last line only.
    let corps = toutes.slice(1);
    const estVide = (champs: string[]) => champs.every((c) => c.trim() === '');
    if (corps.length > 0 && estVide(corps[corps.length - 1]!.champs)) corps = corps.slice(0, -1);

    const brutes: Array<{ ligne: number; code: string; libelle: string; periode: string; fin: number; champs: string[] }> = [];
    const vus = new Map<string, number>();
    for (const { ligne, champs } of corps) {
      if (champs.length !== noms.length) throw new SourceSchemaError({ fichier, ligne }, `${noms.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      if (estVide(champs)) throw new SourceSchemaError({ fichier, ligne }, 'ligne vide au milieu du fichier');
      const code = champs[0]!.trim();
      const libelle = champs[1]!.trim();
      const periode = champs[2]!.trim();
      if (estInjectionFormule(libelle)) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 2, colonne: 'libgeo' }, 'libellé commençant par un caractère de formule de tableur');
      const m = RE_PERIODE.exec(periode);
      if (!m) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 3, colonne: 'an' }, `période invalide « ${periode.slice(0, 20)} » (attendu : AAAA ou AAAA-AAAA)`);
      const fin = Number(m[2] ?? m[1]);
      if (fin < Number(m[1])) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 3, colonne: 'an' }, `période invalide « ${periode} » : fin avant le début`);
      const cle = `${code}|${periode}`;
      const premier = vus.get(cle);
      if (premier !== undefined) throw new SourceSchemaError({ fichier, ligne, numeroColonne: 1, colonne: 'codgeo' }, `territoire « ${code} » et période « ${periode} » en double (déjà ligne ${premier})`);
      vus.set(cle, ligne);
      brutes.push({ ligne, code, libelle, periode, fin, champs });
    }
    if (brutes.length === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');

    // One level per file, from the codes (départements vs régions: from the labels).
    const niveauDe = (code: string, libelle: string) => (estFranceMetropolitaine(code, libelle) ? 'france-metropolitaine' : niveauDuCode(code));
    const niveaux = new Set<string>();
    for (const l of brutes) {
      const n = niveauDe(l.code, l.libelle);
      if (n === null) throw new SourceSchemaError({ fichier, ligne: l.ligne, numeroColonne: 1, colonne: 'codgeo' }, `code géographique invalide « ${l.code.slice(0, 20)} »`);
      niveaux.add(n === 'arrondissement-municipal' ? 'commune' : n);
    }
    if (niveaux.size > 1) throw new SourceSchemaError({ fichier, colonne: 'codgeo' }, `niveaux géographiques mélangés dans un même fichier (${[...niveaux].join(', ')})`);
    const niveauFichier = [...niveaux][0]!;
    const court = niveauFichier === 'court' ? niveauDesCodesCourts(brutes, fichier) : null;

    const plusRecente = brutes.reduce((a, l) => (l.fin > a.fin ? l : a));
    if (millesimeImpose !== null && millesimeImpose !== String(plusRecente.fin)) {
      throw new SourceSchemaError(
        { fichier, ligne: plusRecente.ligne, numeroColonne: 3, colonne: 'an' },
        `millésime ${millesimeImpose} demandé, mais la période la plus récente du fichier finit en ${plusRecente.fin}`,
      );
    }
    const millesime = String(plusRecente.fin);

    // One staging row per line (territory × period), one value per variable column.
    const lignes = brutes.map((l) => {
      const niveau = (court ?? (niveauFichier === 'france-metropolitaine' ? 'france-metropolitaine' : niveauDuCode(l.code))) as NiveauSource;
      const vals: Array<number | null> = [];
      const statuts: number[] = [];
      for (const c of valeurs) {
        const position = { fichier, ligne: l.ligne, numeroColonne: c.index + 1, colonne: c.nom };
        const cellule = lireCellule(l.champs[c.index]!, { decimal: ',', vide: 'absent' });
        if ('erreur' in cellule) throw new SourceSchemaError(position, cellule.erreur);
        if (cellule.valeur !== null && cellule.valeur < 0 && c.def.positive) throw new SourceSchemaError(position, `valeur négative ${cellule.valeur} impossible pour « ${c.def.libelle} »`);
        vals.push(cellule.valeur);
        statuts.push(CODE_STATUT[cellule.statut]);
      }
      return { cle: { ligne: l.ligne, niveau, code: l.code, libelle: l.libelle, periode: l.periode, sexe: null, age: null }, valeurs: vals, statuts };
    });
    for (const c of valeurs) if (c.def.id === '') throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: c.index + 1, colonne: c.nom }, 'nom de colonne inutilisable');
    const variables: VariableSource[] = valeurs.map((c) => ({ id: c.def.id, colonneSource: c.nom, libelle: c.def.libelle, unite: c.def.unite, additive: c.def.additive }));
    const niveauPartie = court ?? niveauFichier;
    return extraitMesuresLarges({
      millesime,
      cogSource: null,
      partie: `${variables.map((v) => v.id).join('-')}-${niveauPartie}`,
      // the stray final `;;;` is not a data line: not counted
      lignesLues: corps.length,
      variables,
      lignes,
    });
  },
};
