import { SourceSchemaError } from '../../errors.ts';
import type { EntreeSource, ExtraitLu, SourceAdapter } from '../adapter.ts';
import { decoderTexte } from '../lecture/decodage.ts';
import { lireCellule } from '../lecture/nombres.ts';
import { lireZip, type EntreeZip, estZip } from '../lecture/zip.ts';
import { CODE_STATUT, extraitMesuresLarges, LignesLarges, type CleLigne, type VariableSource } from '../mesures.ts';
import { niveauDuCode } from '../niveaux-source.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';

/**
 * INSEE, "Base du comparateur de territoires" as downloaded (`base_cc_comparateur_csv.zip`):
 * a ZIP holding the data `base_cc_comparateur.CSV` (`CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;
 * DECE1318;P18_MEN;NAISD20;DECESD20;P18_LOG;…`, ASCII, CRLF, `;`, decimal point, empty = absent)
 * and its metadata `meta_base_cc_comparateur.CSV` (`COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;
 * TYPE_VAR;LONG_VAR`: the variables' labels, then one line per CODGEO with its name).
 *
 * Recognised by the content of the archive (a CSV entry whose header is `CODGEO;Pyy_POP;…`, or
 * the metadata entry defining `Pyy_POP`), never by the archive's name; an archive missing one of
 * the two is rejected with the list of its entries; a damaged archive whose first entry is
 * named like INSEE's (`base_cc_comparateur.CSV`) is claimed, so that the ZIP reader's own error
 * (truncated, corrupt…) is the one reported.
 * Each column is a variable and a period, read from its name: `P18_POP` → `population` 2018,
 * `P13_POP` → `population` 2013, `NAIS1318` → `naissances` 2013-2018, `NAISD20` → `naissances`
 * 2020, `MED19` → `mediane-niveau-vie` 2019, `ETTOT18` → `etablissements-actifs` 2018 (end of
 * year), `SUPERF` → `superficie` (km²) dated by the geography (COG year). Labels come from the
 * metadata (every column must be described there). RP counts are non-integer estimates
 * (`353.730434782608`): kept as they are. Counts are additive; medians, rates and shares are not.
 * Empty cells: `absent`, except in the Filosofi columns (`NBMENFISC19`, `PIMP19`, `MED19`,
 * `TP6019`) of a commune the census counts, where they are Filosofi's statistical secrecy
 * (`secret`); the 17 communes of Mayotte have no census value at all (`absent`).
 * PLM: the 45 arrondissements are listed as well as 13055, 69123 and 75056; all are kept, the
 * arrondissements with level `arrondissement-municipal` (the harmonised view drops them where
 * their commune is present). Commune names come from the metadata.
 *
 * Millésime = the edition: given, else the year of the archive's entry dates (all the same
 * year; 2022 for the 12 January 2022 edition). Geography: the COG of the previous year
 * (edition 2022 → COG 2021).
 */

const ENTETE_META = 'COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR';
const RE_ENTETE_DONNEES = /^CODGEO;(?:[A-Z0-9_]+;)*P\d{2}_POP(?:;|$)/;

interface DefVariable {
  motif: RegExp;
  id: string;
  unite: string;
  additive: boolean;
  /** Filosofi columns: an empty cell of an inhabited commune is statistical secrecy. */
  videSecret?: boolean;
  /** Period from the match: one year, two years, or the geography year. */
  periode: (m: RegExpExecArray, cog: number) => string;
}

const annee = (m: RegExpExecArray) => `20${m[1]}`;
const intervalle = (m: RegExpExecArray) => `20${m[1]}-20${m[2]}`;
const rp = (suffixe: string, id: string, unite: string): DefVariable => ({ motif: new RegExp(`^P(\\d{2})_${suffixe}$`), id, unite, additive: true, periode: annee });
const et = (code: string, id: string): DefVariable => ({ motif: new RegExp(`^${code}(\\d{2})$`), id, unite: 'établissements', additive: true, periode: annee });

const DEFINITIONS: readonly DefVariable[] = [
  rp('POP', 'population', 'habitants'),
  rp('MEN', 'menages', 'ménages'),
  rp('LOG', 'logements', 'logements'),
  rp('RP', 'residences-principales', 'logements'),
  rp('RSECOCC', 'residences-secondaires-logements-occasionnels', 'logements'),
  rp('LOGVAC', 'logements-vacants', 'logements'),
  rp('RP_PROP', 'residences-principales-proprietaires', 'logements'),
  rp('EMPLT', 'emplois-lieu-travail', 'emplois'),
  rp('EMPLT_SAL', 'emplois-salaries-lieu-travail', 'emplois'),
  rp('POP1564', 'population-15-64-ans', 'habitants'),
  rp('CHOM1564', 'chomeurs-15-64-ans', 'personnes'),
  rp('ACT1564', 'actifs-15-64-ans', 'personnes'),
  { motif: /^SUPERF$/, id: 'superficie', unite: 'km²', additive: true, periode: (_m, cog) => String(cog) },
  { motif: /^NAIS(\d{2})(\d{2})$/, id: 'naissances', unite: 'naissances', additive: true, periode: intervalle },
  { motif: /^DECE(\d{2})(\d{2})$/, id: 'deces', unite: 'décès', additive: true, periode: intervalle },
  { motif: /^NAISD(\d{2})$/, id: 'naissances', unite: 'naissances', additive: true, periode: annee },
  { motif: /^DECESD(\d{2})$/, id: 'deces', unite: 'décès', additive: true, periode: annee },
  { motif: /^NBMENFISC(\d{2})$/, videSecret: true, id: 'nombre-menages-fiscaux', unite: 'ménages', additive: true, periode: annee },
  { motif: /^PIMP(\d{2})$/, videSecret: true, id: 'part-menages-fiscaux-imposes', unite: '%', additive: false, periode: annee },
  { motif: /^MED(\d{2})$/, videSecret: true, id: 'mediane-niveau-vie', unite: '€', additive: false, periode: annee },
  { motif: /^TP60(\d{2})$/, videSecret: true, id: 'taux-pauvrete', unite: '%', additive: false, periode: annee },
  et('ETTOT', 'etablissements-actifs'),
  et('ETAZ', 'etablissements-actifs-agriculture'),
  et('ETBE', 'etablissements-actifs-industrie'),
  et('ETFZ', 'etablissements-actifs-construction'),
  et('ETGU', 'etablissements-actifs-commerce-transports-services'),
  et('ETGZ', 'etablissements-actifs-commerce-reparation-automobile'),
  et('ETOQ', 'etablissements-actifs-administration-enseignement-sante'),
  et('ETTEF1', 'etablissements-actifs-1-a-9-salaries'),
  et('ETTEFP10', 'etablissements-actifs-10-salaries-ou-plus'),
];

interface Archive {
  entrees: EntreeZip[];
  /** First line of every CSV-like entry (inflated once). */
  textes: Map<string, string>;
}

const archives = new WeakMap<Uint8Array, Archive>();

/** The archive's entries, CSV entries decoded; throws on a broken archive. */
function archive(entree: EntreeSource): Archive {
  let a = archives.get(entree.bytes);
  if (a === undefined) {
    const entrees = lireZip(entree.bytes, entree.fichier);
    const textes = new Map<string, string>();
    // An .xlsx (or any Office file) is a ZIP too: not ours, and not worth inflating.
    if (!entrees.some((e) => e.nom === '[Content_Types].xml')) {
      for (const e of entrees) {
        if (/\.(?:csv|txt)$/i.test(e.nom)) textes.set(e.nom, decoderTexte(e.lire(), `${entree.fichier} › ${e.nom}`).texte);
      }
    }
    a = { entrees, textes };
    archives.set(entree.bytes, a);
  }
  return a;
}

const premiereLigne = (t: string) => t.slice(0, Math.max(0, t.indexOf('\n'))).replace(/\r$/, '');

function entreesComparateur(a: Archive): { donnees?: string; meta?: string } {
  let donnees: string | undefined;
  let meta: string | undefined;
  for (const [nom, t] of a.textes) {
    const l1 = premiereLigne(t);
    if (RE_ENTETE_DONNEES.test(l1)) donnees ??= nom;
    // The metadata of the comparateur defines the population of a census year.
    if (l1 === ENTETE_META && /\r?\nP\d{2}_POP;/.test(t.slice(0, 2000))) meta ??= nom;
  }
  return { donnees, meta };
}

/** Year of the entries' last-modified dates (DOS format), when all entries share it. */
function anneeDesEntrees(bytes: Uint8Array): number | null {
  const vue = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (vue.getUint32(i, true) !== 0x06054b50) continue;
    const n = vue.getUint16(i + 10, true);
    let pos = vue.getUint32(i + 16, true);
    const annees = new Set<number>();
    for (let k = 0; k < n && pos + 46 <= bytes.byteLength; k++) {
      annees.add(((vue.getUint16(pos + 14, true) >> 9) & 0x7f) + 1980);
      pos += 46 + vue.getUint16(pos + 28, true) + vue.getUint16(pos + 30, true) + vue.getUint16(pos + 32, true);
    }
    const [a] = annees;
    return annees.size === 1 && a! > 1980 ? a! : null;
  }
  return null;
}

export const comparateur: SourceAdapter = {
  id: 'comparateur',
  libelle: 'Base du comparateur de territoires',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Base du comparateur de territoires (recensement, état civil, Filosofi, Sirene), par commune',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'zip',
  versionSchema: 1,

  reconnaitre(entree) {
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      const { donnees, meta } = entreesComparateur(archive(entree));
      return donnees !== undefined || meta !== undefined;
    } catch {
      // A damaged archive (truncated download…): claimed when its first entry, read from its
      // local header, is a comparateur file, so that the reader's precise error is reported.
      const longueur = b[26]! | (b[27]! << 8);
      const premier = new TextDecoder('latin1').decode(b.subarray(30, 30 + Math.min(longueur, 200)));
      return /(?:^|\/)(?:meta_)?base_cc_comparateur\.csv$/i.test(premier);
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const a = archive(entree);
    const { donnees, meta } = entreesComparateur(a);
    const contenu = a.entrees.map((e) => `« ${e.nom} »`).join(', ') || 'rien';
    if (donnees === undefined) throw new SourceSchemaError({ fichier }, `archive du comparateur incomplète : aucun fichier de données (en-tête « CODGEO;P18_POP;… ») ; l’archive contient : ${contenu}`);
    if (meta === undefined) throw new SourceSchemaError({ fichier }, `archive du comparateur incomplète : fichier de métadonnées (« ${ENTETE_META} ») absent ; l’archive contient : ${contenu}`);
    const nomDonnees = `${fichier} › ${donnees}`;
    const nomMeta = `${fichier} › ${meta}`;

    let millesime = millesimeImpose;
    if (millesime === null) {
      const annee = anneeDesEntrees(entree.bytes);
      if (annee === null) throw new SourceSchemaError({ fichier }, 'millésime absent : l’édition du comparateur ne se lit ni dans les fichiers ni dans les dates de l’archive, précisez-la (catalogue ou --millesime, ex. 2022)');
      millesime = String(annee);
    }
    if (!/^20\d{2}$/.test(millesime)) throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesime} » (attendu : l’année de l’édition, ex. 2022)`);
    const cog = Number(millesime) - 1;

    // Metadata: variable labels, then commune names.
    const libellesVariables = new Map<string, string>();
    const noms = new Map<string, string>();
    for (const { ligne, champs } of lignesCsv(a.textes.get(meta)!, ';', nomMeta)) {
      if (ligne === 1) continue;
      if (champs.length !== 7) throw new SourceSchemaError({ fichier: nomMeta, ligne }, `7 champs attendus séparés par « ; », ${champs.length} trouvés`);
      const [codVar, , libLong, codMod, libMod] = champs as [string, string, string, string, string];
      if (estInjectionFormule(libMod) || estInjectionFormule(libLong)) {
        throw new SourceSchemaError({ fichier: nomMeta, ligne, numeroColonne: codVar === 'CODGEO' ? 5 : 3, colonne: codVar === 'CODGEO' ? 'LIB_MOD' : 'LIB_VAR_LONG' }, 'libellé commençant par un caractère de formule de tableur');
      }
      if (codVar === 'CODGEO') noms.set(codMod, libMod);
      else if (codVar !== '') libellesVariables.set(codVar, libLong);
    }

    // Header: one variable and period per column.
    const iter = lignesCsv(a.textes.get(donnees)!, ';', nomDonnees);
    const entete: string[] = iter.next().value!.champs;
    const variables: VariableSource[] = [];
    const colonnes: Array<{ index: number; nom: string; k: number; periode: string; videSecret: boolean }> = [];
    const ids = new Map<string, VariableSource>();
    entete.forEach((nom, index) => {
      if (index === 0) return;
      const position = { fichier: nomDonnees, ligne: 1, numeroColonne: index + 1, colonne: nom || `champ ${index + 1}` };
      let trouve: { def: DefVariable; m: RegExpExecArray } | null = null;
      for (const def of DEFINITIONS) {
        const m = def.motif.exec(nom);
        if (m) {
          trouve = { def, m };
          break;
        }
      }
      if (trouve === null) throw new SourceSchemaError(position, `variable inconnue « ${nom.slice(0, 30)} » du comparateur de territoires`);
      const libelle = libellesVariables.get(nom);
      if (libelle === undefined) throw new SourceSchemaError(position, `variable « ${nom} » absente des métadonnées « ${meta} »`);
      const periode = trouve.def.periode(trouve.m, cog);
      if (colonnes.some((c) => c.nom === nom)) throw new SourceSchemaError(position, `colonne « ${nom} » en double`);
      const deja = ids.get(trouve.def.id);
      const def = trouve.def;
      if (colonnes.some((c) => variables[c.k]!.id === def.id && c.periode === periode)) {
        throw new SourceSchemaError(position, `deux colonnes pour « ${def.id} » ${periode}`);
      }
      // One staging variable per column (its own source column); the manifest lists each id once.
      const k = variables.length;
      variables.push({ id: trouve.def.id, colonneSource: nom, libelle, unite: trouve.def.unite, additive: trouve.def.additive });
      if (deja === undefined) ids.set(trouve.def.id, { id: trouve.def.id, colonneSource: nom, libelle: libelle.replace(/ (?:en|entre|fin) .*$/, ''), unite: trouve.def.unite, additive: trouve.def.additive });
      else deja.colonneSource += `, ${nom}`;
      colonnes.push({ index, nom, k, periode, videSecret: def.videSecret === true });
    });
    const colonnePopulation = colonnes.find((c) => variables[c.k]!.id === 'population')?.index;
    if (colonnePopulation === undefined) throw new SourceSchemaError({ fichier: nomDonnees, ligne: 1 }, 'colonne de population (Pyy_POP) absente');

    const lignes = new LignesLarges(variables.length);
    const vus = new Map<string, number>();
    let lignesLues = 0;
    for (const { ligne, champs } of iter) {
      lignesLues += 1;
      if (champs.length !== entete.length) throw new SourceSchemaError({ fichier: nomDonnees, ligne }, `${entete.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      const code = champs[0]!;
      const niveau = niveauDuCode(code);
      if (niveau !== 'commune' && niveau !== 'arrondissement-municipal') {
        throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: 1, colonne: 'CODGEO' }, `code commune invalide « ${code.slice(0, 12)} »`);
      }
      const premier = vus.get(code);
      if (premier !== undefined) throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: 1, colonne: 'CODGEO' }, `commune « ${code} » en double (déjà ligne ${premier})`);
      vus.set(code, ligne);
      const libelle = noms.get(code);
      if (libelle === undefined) throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: 1, colonne: 'CODGEO' }, `commune « ${code} » absente des métadonnées « ${meta} » (pas de nom)`);
      const valeurs: Array<number | null> = [];
      const statuts: number[] = [];
      // Empty Filosofi cells of a commune counted by the census are secret; elsewhere (Mayotte,
      // not covered) absent.
      const habitee = champs[colonnePopulation]!.trim() !== '';
      for (const c of colonnes) {
        const cellule = lireCellule(champs[c.index]!, { decimal: '.', vide: c.videSecret && habitee ? 'secret' : 'absent' });
        if ('erreur' in cellule) throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: c.index + 1, colonne: c.nom }, cellule.erreur);
        const v = variables[c.k]!;
        if (cellule.valeur !== null && cellule.valeur < 0) {
          throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: c.index + 1, colonne: c.nom }, `valeur négative ${cellule.valeur} impossible pour « ${v.libelle} »`);
        }
        if (cellule.valeur !== null && v.unite === '%' && cellule.valeur > 100) {
          throw new SourceSchemaError({ fichier: nomDonnees, ligne, numeroColonne: c.index + 1, colonne: c.nom }, `pourcentage ${cellule.valeur} supérieur à 100`);
        }
        valeurs.push(cellule.valeur);
        statuts.push(CODE_STATUT[cellule.statut]);
      }
      // The period is per column (`periodes` below; `millesime` here is a placeholder).
      lignes.ajouter({ ligne, niveau: niveau as CleLigne['niveau'], code, libelle, periode: millesime, sexe: null, age: null }, valeurs, statuts);
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier: nomDonnees, ligne: 2 }, 'aucune ligne de données après l’en-tête');
    // Wide staging (one row per commune: fast to load), unpivoted by the generated SQL; every
    // value takes the period of its source column (P18_POP → 2018, NAIS1318 → 2013-2018).
    const extrait: ExtraitLu = extraitMesuresLarges({ millesime, cogSource: cog, lignesLues, variables, periodes: colonnes.map((c) => c.periode), lignes });
    // Staging keeps one variable per column (exact source column of every value); the manifest
    // lists each variable once (the harmonisation joins on the id).
    extrait.variables = [...ids.values()];
    return extrait;
  },
};
