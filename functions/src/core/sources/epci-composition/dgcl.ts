import { SourceSchemaError } from '../../errors.ts';
import { estZip } from '../lecture/zip.ts';
import type { EntreeSource, SourceAdapter } from '../adapter.ts';
import { type Cellule, type Classeur } from '../lecture/xlsx.ts';
import { estInjectionFormule } from '../texte.ts';
import { COLONNES_EPCI, RE_COM, RE_DEP, RE_SIREN } from './colonnes.ts';
import normalisationSql from './normalize.sql';

/**
 * Ministère de l'Intérieur, DGCL (Banatic): "Liste et composition des EPCI à fiscalité propre"
 * (`epcicomYYYY.xlsx`), one sheet `EpcicomYYYY`, header on row 1:
 * `dept, siren, raison_sociale, nature_juridique, mode_financ, nb_membres, total_pop_tot,
 * total_pop_mun, dep_com, insee, siren_membre, nom_membre, ptot_YYYY, pmun_YYYY`, one row per
 * member commune, then empty rows (one in the 2025 file).
 *
 * Traps handled: `siren` and `siren_membre` stored as numbers (back to 9-character text);
 * codes stored as numbers in other years (`971`, `1001` → `01001`); the millésime is read from
 * the sheet name and must agree with the population columns (`pmun_2025`: populations in force
 * in 2025, i.e. INSEE populations légales millésime 2022, on the 2025 geography).
 * Checked for every EPCI: its attributes are the same on all its rows, `nb_membres` = number of
 * member rows, `total_pop_mun` = Σ `pmun`, `total_pop_tot` = Σ `ptot`; a commune belongs to one
 * EPCI only. Any mismatch rejects the file (the DGCL file is exactly consistent).
 * Communes outside any EPCI are simply absent. Same normalised shape as `epci-composition-insee`.
 */

const NATURES = new Set(['CC', 'CA', 'CU', 'METRO', 'MET69']);
const MODES = new Set(['FPU', 'FA', 'FPZ', 'FPE']);
const RE_FEUILLE = /^epcicom(\d{4})$/i;

const COLONNES_FIXES = [
  'dept', 'siren', 'raison_sociale', 'nature_juridique', 'mode_financ', 'nb_membres', 'total_pop_tot',
  'total_pop_mun', 'dep_com', 'insee', 'siren_membre', 'nom_membre',
] as const;

const classeur = (entree: EntreeSource): Classeur => entree.classeur();

function feuilleDgcl(c: Classeur): string | undefined {
  return c.feuilles.find((f) => RE_FEUILLE.test(f));
}

const vide = (ligne: Cellule[] | undefined) => ligne === undefined || ligne.every((x) => x === null || (typeof x === 'string' && x.trim() === ''));

export const epciCompositionDgcl: SourceAdapter = {
  id: 'epci-composition-dgcl',
  libelle: 'Composition des EPCI à fiscalité propre, avec populations en vigueur (DGCL)',
  provenance: {
    producteur: 'Ministère de l’Intérieur, DGCL (Banatic)',
    jeuDeDonnees: 'Liste et composition des EPCI à fiscalité propre au 1er janvier, populations en vigueur',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'xlsx',
  versionSchema: 1,

  reconnaitre(entree) {
    // An XLSX is a ZIP archive (local file header "PK\x03\x04").
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      const c = classeur(entree);
      const nom = feuilleDgcl(c);
      if (nom === undefined) return false;
      const entete = c.feuille(nom).lignes[0] ?? [];
      return entete[0] === 'dept' && entete[1] === 'siren' && entete[2] === 'raison_sociale';
    } catch {
      return false;
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const c = classeur(entree);
    const nom = feuilleDgcl(c);
    if (nom === undefined) {
      throw new SourceSchemaError({ fichier }, `feuille « EpcicomAAAA » absente ; feuilles présentes : ${c.feuilles.map((f) => `« ${f} »`).join(', ')}`);
    }
    const lignesFeuille = c.feuille(nom).lignes;
    const erreur = (ligne: number | undefined, colonne: number | undefined, nomColonne: string | undefined, raison: string): never => {
      throw new SourceSchemaError(
        colonne === undefined ? { fichier, ligne } : { fichier, ligne, numeroColonne: colonne + 1, colonne: nomColonne ?? `colonne ${colonne + 1}` },
        `feuille « ${nom} » : ${raison}`,
      );
    };

    // Header: the fixed columns, then ptot_YYYY and pmun_YYYY (any order, read by name).
    const entete = (lignesFeuille[0] ?? []).map((x) => (typeof x === 'string' ? x.trim() : x));
    const index = new Map<string, number>();
    let anneePop: string | null = null;
    entete.forEach((x, i) => {
      if (x === null) return;
      if (typeof x !== 'string') erreur(1, i, String(x), `en-tête non textuel « ${String(x)} »`);
      const n = (x as string).toLowerCase();
      const pop = /^(ptot|pmun)_(\d{4})$/.exec(n);
      const cle = pop ? pop[1]! : n;
      if (pop) {
        if (anneePop !== null && anneePop !== pop[2]) erreur(1, i, x as string, `colonnes de population de deux années différentes (${anneePop} et ${pop[2]})`);
        anneePop = pop[2]!;
      } else if (!(COLONNES_FIXES as readonly string[]).includes(n)) {
        erreur(1, i, x as string, `colonne inconnue « ${x} » du fichier DGCL`);
      }
      if (index.has(cle)) erreur(1, i, x as string, `colonne « ${x} » en double`);
      index.set(cle, i);
    });
    for (const requise of [...COLONNES_FIXES, 'ptot', 'pmun']) {
      if (!index.has(requise)) erreur(1, undefined, undefined, `colonne obligatoire « ${requise === 'ptot' || requise === 'pmun' ? `${requise}_AAAA` : requise} » absente de l’en-tête (ligne 1)`);
    }
    const anneeFeuille = RE_FEUILLE.exec(nom)![1]!;
    if (anneePop !== anneeFeuille) {
      erreur(1, index.get('pmun'), `pmun_${anneePop}`, `la feuille « ${nom} » annonce ${anneeFeuille} mais les populations sont celles de ${anneePop}`);
    }
    const millesime = anneeFeuille;
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      erreur(1, index.get('pmun'), `pmun_${anneePop}`, `millésime ${millesimeImpose} demandé, mais le fichier est celui de ${millesime}`);
    }
    const col = (n: string) => index.get(n)!;
    const libelleColonne = (n: string) => (n === 'ptot' || n === 'pmun' ? `${n}_${anneePop}` : n);

    // Rows: data until the first empty row; only empty rows may follow.
    let fin = lignesFeuille.length;
    for (let i = 1; i < lignesFeuille.length; i++) {
      if (vide(lignesFeuille[i])) {
        fin = i;
        break;
      }
    }
    for (let i = fin; i < lignesFeuille.length; i++) {
      if (!vide(lignesFeuille[i])) erreur(i + 1, undefined, undefined, `ligne ${fin + 1} vide au milieu des données (la ligne ${i + 1} n’est pas vide)`);
    }
    if (fin <= 1) erreur(2, undefined, undefined, 'aucune ligne de données après l’en-tête');

    interface Epci {
      ligne: number;
      attributs: Array<string | number>;
      membres: number;
      pmun: number;
      ptot: number;
    }
    const epcis = new Map<string, Epci>();
    const membres = new Map<string, { siren: string; ligne: number }>();
    const lignes: Array<Array<string | number | null>> = [];
    for (let i = 1; i < fin; i++) {
      const r = lignesFeuille[i]!;
      const ligne = i + 1;
      const cellule = (n: string) => r[col(n)] ?? null;
      const faute = (n: string, raison: string): never => erreur(ligne, col(n), libelleColonne(n), raison);
      /**
       * A code as text: stored as text, or as a number (leading zeros restored to `largeur` for
       * département and commune codes; a SIREN stored as a number must have its 9 digits).
       */
      const code = (n: string, largeur: number, re: RegExp, quoi: string): string => {
        const x = cellule(n);
        let t: string;
        if (typeof x === 'number' && Number.isInteger(x) && x > 0) t = largeur === 9 ? String(x) : String(x).padStart(largeur, '0');
        else if (typeof x === 'string') t = x.trim();
        else t = x === null ? '' : String(x);
        if (!re.test(t)) faute(n, t === '' ? `${quoi} absent` : `${quoi} invalide « ${t.slice(0, 20)} »`);
        return t;
      };
      const texte = (n: string, quoi: string): string => {
        const x = cellule(n);
        if (typeof x !== 'string' || x.trim() === '') faute(n, `${quoi} absent`);
        if (estInjectionFormule(x as string)) faute(n, `${quoi} commençant par un caractère de formule de tableur`);
        return x as string;
      };
      const entier = (n: string): number => {
        const x = cellule(n);
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) {
          faute(n, `entier positif attendu, « ${x === null ? '' : String(x).slice(0, 30)} » trouvé`);
        }
        return x as number;
      };

      const dept = code('dept', 2, RE_DEP, 'code département de l’EPCI');
      const siren = code('siren', 9, RE_SIREN, 'SIREN de l’EPCI');
      const raison = texte('raison_sociale', 'nom de l’EPCI');
      const nature = texte('nature_juridique', 'nature juridique');
      if (!NATURES.has(nature)) faute('nature_juridique', `nature juridique inconnue « ${nature.slice(0, 10)} » (attendues : ${[...NATURES].join(', ')})`);
      const mode = texte('mode_financ', 'mode de financement');
      if (!MODES.has(mode)) faute('mode_financ', `mode de financement inconnu « ${mode.slice(0, 10)} » (attendus : ${[...MODES].join(', ')})`);
      const nbMembres = entier('nb_membres');
      const totalTot = entier('total_pop_tot');
      const totalMun = entier('total_pop_mun');
      const depCom = code('dep_com', 2, RE_DEP, 'code département de la commune');
      const insee = code('insee', 5, RE_COM, 'code commune');
      if (!insee.startsWith(depCom)) faute('insee', `le code commune « ${insee} » n’appartient pas au département « ${depCom} »`);
      const sirenMembre = code('siren_membre', 9, RE_SIREN, 'SIREN de la commune');
      const nomMembre = texte('nom_membre', 'nom de la commune');
      const ptot = entier('ptot');
      const pmun = entier('pmun');
      if (pmun > ptot) faute('pmun', `population municipale (${pmun}) supérieure à la population totale (${ptot})`);

      const deja = membres.get(insee);
      if (deja !== undefined) {
        faute(
          'insee',
          deja.siren === siren
            ? `commune « ${insee} » en double dans l’EPCI ${siren} (déjà ligne ${deja.ligne})`
            : `commune « ${insee} » membre de deux EPCI : ${deja.siren} (ligne ${deja.ligne}) et ${siren}`,
        );
      }
      membres.set(insee, { siren, ligne });

      const attributs = [dept, raison, nature, mode, nbMembres, totalTot, totalMun];
      const e = epcis.get(siren);
      if (e === undefined) {
        epcis.set(siren, { ligne, attributs, membres: 1, pmun, ptot });
      } else {
        const noms = ['dept', 'raison_sociale', 'nature_juridique', 'mode_financ', 'nb_membres', 'total_pop_tot', 'total_pop_mun'];
        attributs.forEach((a, k) => {
          if (a !== e.attributs[k]) faute(noms[k]!, `l’EPCI ${siren} a « ${e.attributs[k]} » ligne ${e.ligne} et « ${a} » ici`);
        });
        e.membres += 1;
        e.pmun += pmun;
        e.ptot += ptot;
      }
      lignes.push([ligne, insee, nomMembre, sirenMembre, depCom, null, siren, raison, nature, mode, dept, pmun, ptot, Number(anneePop)]);
    }
    // Each EPCI's announced totals against its member rows (reported at its first row).
    for (const [siren, e] of epcis) {
      const [, , , , nbMembres, totalTot, totalMun] = e.attributs as [string, string, string, string, number, number, number];
      if (nbMembres !== e.membres) erreur(e.ligne, col('nb_membres'), 'nb_membres', `l’EPCI ${siren} annonce ${nbMembres} membres mais ${e.membres} lignes de communes le composent`);
      if (totalMun !== e.pmun) erreur(e.ligne, col('total_pop_mun'), 'total_pop_mun', `l’EPCI ${siren} annonce une population municipale de ${totalMun}, la somme de ses communes (pmun_${anneePop}) est ${e.pmun}`);
      if (totalTot !== e.ptot) erreur(e.ligne, col('total_pop_tot'), 'total_pop_tot', `l’EPCI ${siren} annonce une population totale de ${totalTot}, la somme de ses communes (ptot_${anneePop}) est ${e.ptot}`);
    }
    return { millesime, cogSource: Number(millesime), colonnes: [...COLONNES_EPCI], lignes, lignesLues: fin - 1 };
  },

  normalisationSql,
};
