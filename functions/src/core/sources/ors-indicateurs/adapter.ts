import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, extraitMesuresLongues, type CleLigne, type NiveauSource, type VariableSource } from '../mesures.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';

/**
 * The ORS indicator table (`data/ors/modele-indicateurs-ors.md`): the tidy template an ORS or an
 * ARS exports its indicators to, one row per territory × indicator × period × sex × age band:
 * `jeu;niveau;code;libelle;indicateur;libelle_indicateur;unite;periode;sexe;age;valeur;numerateur;denominateur;ic_bas;ic_haut;source`.
 * Age-specific counts (numerator = events, denominator = population, by age band) let the engine
 * compute standardised rates for any perimeter. `;` separator, decimal comma or point (one per
 * file), empty = absent, `s` = secret.
 */

export const COLONNES = [
  'jeu', 'niveau', 'code', 'libelle', 'indicateur', 'libelle_indicateur', 'unite', 'periode',
  'sexe', 'age', 'valeur', 'numerateur', 'denominateur', 'ic_bas', 'ic_haut', 'source',
] as const;
type Colonne = (typeof COLONNES)[number];

const NIVEAUX: Readonly<Record<string, { niveau: NiveauSource; code: RegExp }>> = {
  commune: { niveau: 'commune', code: /^(?:\d{5}|2[AB]\d{3})$/ },
  epci: { niveau: 'epci', code: /^\d{9}$/ },
  departement: { niveau: 'departement', code: /^(?:\d{2}|2[AB]|97[1-6])$/ },
  region: { niveau: 'region', code: /^\d{2}$/ },
  france: { niveau: 'france', code: /^FR$/ },
};
const SEXES = new Set(['ensemble', 'hommes', 'femmes']);
const RE_AGE = /^(?:tous|\d{1,3}-\d{1,3}|\d{1,3}\+)$/;
const RE_PERIODE = /^(\d{4})(?:-(\d{4}))?$/;
const RE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CHAMPS_NUMERIQUES = ['valeur', 'numerateur', 'denominateur', 'ic_bas', 'ic_haut'] as const;

export const orsIndicateurs: SourceAdapter = {
  id: 'ors-indicateurs',
  libelle: 'Tables d’indicateurs ORS / ARS (modèle commun)',
  provenance: {
    producteur: 'Observatoires régionaux de la santé et ARS (colonne « source » de chaque ligne)',
    jeuDeDonnees: 'Indicateurs territoriaux au format du modèle commun sante-territoires',
    licence: 'Selon la source de chaque ligne',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return (entree.premieresLignes(1)[0] ?? '').split(';').map((c) => c.trim()).join(';') === COLONNES.join(';');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const iter = lignesCsv(entree.texte().texte, ';', fichier);
    iter.next();
    const index = Object.fromEntries(COLONNES.map((c, i) => [c, i])) as Record<Colonne, number>;
    let decimal: ',' | '.' | null = null;
    let premiereDecimale = '';
    const jeux = new Set<string>();
    const defs = new Map<string, { libelle: string; unite: string; ligne: number }>();
    const vus = new Map<string, number>();
    const brutes: Array<{ ligne: number; cle: CleLigne; indicateur: string; nombres: Record<(typeof CHAMPS_NUMERIQUES)[number], string> }> = [];
    let lignesLues = 0;
    let anneeMax = 0;
    for (const { ligne, champs } of iter) {
      lignesLues += 1;
      if (champs.length !== COLONNES.length) throw new SourceSchemaError({ fichier, ligne }, `${COLONNES.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      const v = (c: Colonne) => champs[index[c]]!.trim();
      const erreur = (c: Colonne, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: index[c] + 1, colonne: c }, raison);
      };
      for (const c of ['jeu', 'libelle', 'libelle_indicateur', 'unite', 'source'] as const) {
        if (estInjectionFormule(v(c))) erreur(c, 'texte commençant par un caractère de formule de tableur');
      }
      if (v('jeu') === '') erreur('jeu', 'nom du jeu manquant');
      jeux.add(v('jeu'));
      if (jeux.size > 1) erreur('jeu', `un fichier = un jeu ; « ${v('jeu').slice(0, 40)} » après « ${[...jeux][0]!.slice(0, 40)} »`);
      const niv = NIVEAUX[v('niveau')];
      if (!niv) erreur('niveau', `niveau « ${v('niveau').slice(0, 20)} » inconnu (commune, epci, departement, region, france)`);
      if (!niv!.code.test(v('code'))) erreur('code', `code « ${v('code').slice(0, 20)} » invalide pour le niveau ${v('niveau')}`);
      if (!RE_ID.test(v('indicateur'))) erreur('indicateur', `identifiant « ${v('indicateur').slice(0, 40)} » invalide (minuscules sans accents et tirets, ex. taux-standardise-mortalite)`);
      if (v('libelle_indicateur') === '') erreur('libelle_indicateur', 'libellé de l’indicateur manquant');
      const def = defs.get(v('indicateur'));
      if (def && (def.libelle !== v('libelle_indicateur') || def.unite !== v('unite'))) {
        erreur(def.libelle !== v('libelle_indicateur') ? 'libelle_indicateur' : 'unite', `« ${v('indicateur')} » décrit autrement qu’à la ligne ${def.ligne}`);
      }
      if (!def) defs.set(v('indicateur'), { libelle: v('libelle_indicateur'), unite: v('unite'), ligne });
      const p = RE_PERIODE.exec(v('periode'));
      if (!p || (p[2] !== undefined && p[2] < p[1]!)) erreur('periode', `période « ${v('periode').slice(0, 20)} » invalide (AAAA ou AAAA-AAAA)`);
      anneeMax = Math.max(anneeMax, Number(p![2] ?? p![1]));
      if (!SEXES.has(v('sexe'))) erreur('sexe', `sexe « ${v('sexe').slice(0, 20)} » inconnu (ensemble, hommes, femmes)`);
      if (!RE_AGE.test(v('age'))) erreur('age', `classe d’âge « ${v('age').slice(0, 20)} » invalide (tous, 0-4, 85+…)`);
      if (v('source') === '') erreur('source', 'source manquante : chaque valeur doit dire d’où elle vient');
      const cle = `${v('niveau')}|${v('code')}|${v('indicateur')}|${v('periode')}|${v('sexe')}|${v('age')}`;
      const premier = vus.get(cle);
      if (premier !== undefined) erreur('indicateur', `ligne en double (même territoire, indicateur, période, sexe et âge qu’à la ligne ${premier})`);
      vus.set(cle, ligne);
      for (const c of CHAMPS_NUMERIQUES) {
        const brut = v(c);
        const m = /\d([.,])\d/.exec(brut);
        if (m) {
          if (decimal === null) {
            decimal = m[1] as ',' | '.';
            premiereDecimale = `ligne ${ligne}, ${c}`;
          } else if (decimal !== m[1]) erreur(c, `séparateur décimal « ${m[1]} » alors que le fichier utilise « ${decimal} » (${premiereDecimale})`);
        }
      }
      brutes.push({
        ligne,
        cle: { ligne, niveau: niv!.niveau, code: v('code'), libelle: v('libelle') || null, periode: v('periode'), sexe: v('sexe'), age: v('age') },
        indicateur: v('indicateur'),
        nombres: Object.fromEntries(CHAMPS_NUMERIQUES.map((c) => [c, v(c)])) as Record<(typeof CHAMPS_NUMERIQUES)[number], string>,
      });
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête (le modèle vide n’est pas un jeu de données)');
    const millesime = String(anneeMax);
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      throw new SourceSchemaError({ fichier, colonne: 'periode' }, `millésime ${millesimeImpose} demandé, mais la période la plus récente du fichier est ${millesime}`);
    }

    // Variables: the value and, when the file gives them, its numerator, denominator and limits.
    const presents = new Set<string>();
    for (const b of brutes) for (const c of CHAMPS_NUMERIQUES) if (b.nombres[c] !== '') presents.add(`${b.indicateur}|${c}`);
    const variables: VariableSource[] = [];
    const idx = new Map<string, number>();
    const ajouter = (indicateur: string, champ: (typeof CHAMPS_NUMERIQUES)[number]) => {
      const def = defs.get(indicateur)!;
      const suffixe = champ === 'valeur' ? '' : `-${champ.replace('_', '-')}`;
      const libelles = { valeur: def.libelle, numerateur: `${def.libelle} — numérateur`, denominateur: `${def.libelle} — dénominateur`, ic_bas: `${def.libelle} — borne basse de l’IC`, ic_haut: `${def.libelle} — borne haute de l’IC` };
      idx.set(`${indicateur}|${champ}`, variables.length);
      variables.push({ id: `${indicateur}${suffixe}`, colonneSource: champ, libelle: libelles[champ], unite: champ === 'numerateur' || champ === 'denominateur' ? 'effectif' : def.unite, additive: champ === 'numerateur' || champ === 'denominateur' });
    };
    for (const indicateur of defs.keys()) for (const c of CHAMPS_NUMERIQUES) if (c === 'valeur' || presents.has(`${indicateur}|${c}`)) ajouter(indicateur, c);

    const lignes: Parameters<typeof extraitMesuresLongues>[0]['lignes'] = [];
    for (const b of brutes) {
      const n: Partial<Record<(typeof CHAMPS_NUMERIQUES)[number], number | null>> = {};
      for (const c of CHAMPS_NUMERIQUES) {
        const i = idx.get(`${b.indicateur}|${c}`);
        if (i === undefined) continue;
        const cellule = lireCellule(b.nombres[c], { decimal: decimal ?? ',', vide: 'absent' });
        if ('erreur' in cellule) throw new SourceSchemaError({ fichier, ligne: b.ligne, numeroColonne: COLONNES.indexOf(c) + 1, colonne: c }, cellule.erreur);
        if (cellule.valeur !== null && cellule.valeur < 0 && c !== 'valeur' && c !== 'ic_bas' && c !== 'ic_haut') {
          throw new SourceSchemaError({ fichier, ligne: b.ligne, numeroColonne: COLONNES.indexOf(c) + 1, colonne: c }, `effectif négatif ${cellule.valeur}`);
        }
        n[c] = cellule.valeur;
        lignes.push({ cle: b.cle, variable: i, valeur: cellule.valeur, statut: CODE_STATUT[cellule.statut] });
      }
      const err = (c: Colonne, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne: b.ligne, numeroColonne: COLONNES.indexOf(c) + 1, colonne: c }, raison);
      };
      if (n.numerateur != null && n.denominateur != null && n.numerateur > n.denominateur) err('numerateur', `numérateur (${n.numerateur}) supérieur au dénominateur (${n.denominateur})`);
      if (n.ic_bas != null && n.ic_haut != null && n.ic_bas > n.ic_haut) err('ic_bas', `borne basse (${n.ic_bas}) au-dessus de la borne haute (${n.ic_haut})`);
      if (n.valeur != null && ((n.ic_bas != null && n.valeur < n.ic_bas) || (n.ic_haut != null && n.valeur > n.ic_haut))) err('valeur', `valeur ${n.valeur} hors de son intervalle de confiance`);
    }
    const jeu = [...jeux][0]!;
    const partie = jeu.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'jeu';
    return extraitMesuresLongues({ millesime, cogSource: null, partie, lignesLues, variables, lignes });
  },
};
