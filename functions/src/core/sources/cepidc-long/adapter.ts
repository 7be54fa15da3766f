import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { CODE_STATUT, extraitMesuresLongues, type VariableSource } from '../mesures.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import { normaliserCodeDepartement, RE_CODE_DEPARTEMENT, slugAscii } from '../geoclip/identifiants.ts';

/**
 * CépiDc-Inserm death rates by département, as re-shaped by a third party (not CépiDc's own export
 * layout): `annee,departement,sexe,cause,indicateur,valeur`, `,` delimiter, cause labels holding
 * commas double-quoted, decimal point.
 *
 * Variable = indicator + cause (`taux-standardise-mortalite-toutes-causes`); sex normalised
 * (`Tous sexes` → `ensemble`, `Hommes` → `hommes`, `Femmes` → `femmes`); period = year.
 * Département codes that lost their leading zero (`1`) are restored (`01`). Millésime: the latest
 * year. Part: indicator(s) + year span + cause set, so that two files of the same latest year
 * (all causes 2010–2023, 18 chapters 2023) do not replace each other in the manifest, while a
 * corrected file of the same scope does replace its predecessor.
 *
 * COG: départements (unchanged since 2011); the file states no geography → `cogSource` null.
 */

interface DefIndicateur {
  id: string;
  libelle: string;
  unite: string;
  additive: boolean;
  entier: boolean;
}

/** Known indicators; an unknown one is rejected (its unit and additivity would be guesses). */
const INDICATEURS: Readonly<Record<string, DefIndicateur>> = {
  'Taux standardisé de mortalité par âge et sexe pour 100 000 habitants': {
    id: 'taux-standardise-mortalite',
    libelle: 'Taux standardisé de mortalité par âge et sexe',
    unite: 'pour 100 000 habitants',
    additive: false,
    entier: false,
  },
  'Taux brut de mortalité pour 100 000 habitants': { id: 'taux-brut-mortalite', libelle: 'Taux brut de mortalité', unite: 'pour 100 000 habitants', additive: false, entier: false },
  'Nombre de décès': { id: 'nombre-deces', libelle: 'Nombre de décès', unite: 'décès', additive: true, entier: true },
  Effectifs: { id: 'nombre-deces', libelle: 'Nombre de décès', unite: 'décès', additive: true, entier: true },
};

const SEXES: Readonly<Record<string, string>> = {
  'tous sexes': 'ensemble',
  ensemble: 'ensemble',
  hommes: 'hommes',
  homme: 'hommes',
  femmes: 'femmes',
  femme: 'femmes',
};

export const ENTETE_CEPIDC = ['annee', 'departement', 'sexe', 'cause', 'indicateur', 'valeur'] as const;

/** `1. Maladies infectieuses…` → `maladies-infectieuses…`: the chapter number is presentation. */
const slugCause = (cause: string) => slugAscii(cause.replace(/^\d+(?:\.\d+)*\.?\s+/, ''));

export const cepidcLong: SourceAdapter = {
  id: 'cepidc-long',
  libelle: 'CépiDc — taux de mortalité par département (tables longues)',
  provenance: {
    producteur: 'Inserm, CépiDc (tables remises en forme par un tiers)',
    jeuDeDonnees: 'Causes médicales de décès : taux standardisés de mortalité par département, sexe et cause',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return entree.premieresLignes(1)[0] === ENTETE_CEPIDC.join(',');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const variables: VariableSource[] = [];
    const indexVariable = new Map<string, { k: number; cause: string; indicateur: string; ligne: number }>();
    const vus = new Map<string, number>();
    const causes = new Set<string>();
    const indicateurs = new Set<string>();
    let anneeMin = Infinity;
    let anneeMax = -Infinity;
    let ligneMax = 0;
    let lignesLues = 0;
    const lignes: Parameters<typeof extraitMesuresLongues>[0]['lignes'] = [];
    for (const { ligne, champs } of lignesCsv(entree.texte().texte, ',', fichier)) {
      if (ligne === 1) continue; // header, checked by reconnaitre()
      lignesLues += 1;
      const erreur = (i: number, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: i + 1, colonne: ENTETE_CEPIDC[i] ?? `champ ${i + 1}` }, raison);
      };
      if (champs.length !== ENTETE_CEPIDC.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${ENTETE_CEPIDC.length} champs attendus séparés par « , », ${champs.length} trouvés (un libellé contenant une virgule doit être entre guillemets)`);
      }
      const [anneeT, depT, sexeT, causeT, indicateurT, valeurT] = champs.map((c) => c.trim()) as [string, string, string, string, string, string];

      if (!/^(?:19[789]\d|20\d{2})$/.test(anneeT)) erreur(0, `année invalide « ${anneeT.slice(0, 20)} »`);
      const annee = Number(anneeT);
      const code = normaliserCodeDepartement(depT);
      if (!RE_CODE_DEPARTEMENT.test(code)) erreur(1, `code département invalide « ${depT.slice(0, 20)} »`);
      const sexe = SEXES[sexeT.toLowerCase()];
      if (sexe === undefined) erreur(2, `sexe inconnu « ${sexeT.slice(0, 20)} » (attendus : Tous sexes, Hommes, Femmes)`);
      if (causeT === '') erreur(3, 'cause de décès vide');
      if (estInjectionFormule(causeT)) erreur(3, 'libellé de cause commençant par un caractère de formule de tableur');
      if (estInjectionFormule(indicateurT)) erreur(4, 'libellé d’indicateur commençant par un caractère de formule de tableur');
      const ind = INDICATEURS[indicateurT];
      if (!ind) erreur(4, `indicateur inconnu « ${indicateurT.slice(0, 60)} » (connus : ${Object.keys(INDICATEURS).join(' ; ')})`);
      const slug = slugCause(causeT);
      if (slug === '') erreur(3, `cause de décès illisible « ${causeT.slice(0, 30)} »`);

      const id = `${ind!.id}-${slug}`;
      let v = indexVariable.get(id);
      if (v === undefined) {
        v = { k: variables.length, cause: causeT, indicateur: indicateurT, ligne };
        indexVariable.set(id, v);
        variables.push({ id, colonneSource: `${indicateurT} — ${causeT}`, libelle: `${ind!.libelle} — ${causeT}`, unite: ind!.unite, additive: ind!.additive });
      } else if (v.cause !== causeT || v.indicateur !== indicateurT) {
        erreur(3, `la cause « ${causeT.slice(0, 40)} » donne le même identifiant « ${id} » que « ${v.cause.slice(0, 40)} » (ligne ${v.ligne})`);
      }

      const cle = `${annee}|${code}|${sexe}|${id}`;
      const premier = vus.get(cle);
      if (premier !== undefined) erreur(1, `année ${annee}, département « ${code} », sexe « ${sexeT} » et cause en double (déjà ligne ${premier})`);
      vus.set(cle, ligne);

      const cellule = lireCellule(valeurT, { decimal: '.', vide: 'absent' });
      if ('erreur' in cellule) erreur(5, cellule.erreur);
      const c = cellule as Exclude<typeof cellule, { erreur: string }>;
      if (c.valeur !== null && c.valeur < 0) erreur(5, `valeur négative ${c.valeur} impossible pour « ${ind!.libelle} »`);
      if (c.valeur !== null && ind!.entier && !Number.isInteger(c.valeur)) erreur(5, `nombre entier attendu pour « ${ind!.libelle} », « ${valeurT} » trouvé`);

      causes.add(slug);
      indicateurs.add(ind!.id);
      if (annee < anneeMin) anneeMin = annee;
      if (annee > anneeMax) {
        anneeMax = annee;
        ligneMax = ligne;
      }
      lignes.push({
        cle: { ligne, niveau: 'departement', code, libelle: null, periode: anneeT, sexe: sexe!, age: null },
        variable: v.k,
        valeur: c.valeur,
        statut: CODE_STATUT[c.statut],
      });
    }
    if (lignes.length === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');
    const millesime = String(anneeMax);
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      throw new SourceSchemaError({ fichier, ligne: ligneMax, numeroColonne: 1, colonne: 'annee' }, `millésime ${millesimeImpose} demandé, mais l’année la plus récente du fichier est ${millesime}`);
    }
    // Part: scope of the file (indicators, years, causes) — readable, stable for a corrected file.
    const portee = [...indicateurs].sort().join('-');
    const annees = anneeMin === anneeMax ? `${anneeMax}` : `${anneeMin}-${anneeMax}`;
    const ensembleCauses = causes.size === 1 ? [...causes][0]! : `${causes.size}-causes`;
    return extraitMesuresLongues({ millesime, cogSource: null, partie: `${portee}-${annees}-${ensembleCauses}`, lignesLues, variables, lignes });
  },
};
