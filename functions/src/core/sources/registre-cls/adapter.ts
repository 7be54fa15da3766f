import { SourceSchemaError } from '../../errors.ts';
import { chargerReferentiel, LIBELLE_GEOGRAPHIE, MILLESIME_COG_COURANT } from '../../geographie/referentiel.ts';
import { estDateIso } from '../../model/dates.ts';
import type { ColonneTable, SourceAdapter } from '../adapter.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import normalisationSql from './normalize.sql';

/**
 * Registry of the contrats locaux de santé (CLS): a contract between an ARS and local
 * authorities, whose perimeter is a set of communes and/or EPCI. The project's own format
 * (`data/registre-cls/PROVENANCE.md`), UTF-8, `;`, one line per member per perimeter version:
 * `code_cls;libelle;generation;statut;version;date_signature;date_debut;date_fin;type_membre;code_membre;exemple`.
 *
 * A version is one perimeter over one period [date_debut, date_fin] (date_fin empty: no end);
 * the versions of a CLS are numbered 1..n and follow one another without overlapping, so at any
 * date at most one version of a CLS is in force. Member codes are checked against the current
 * geography (communes and EPCI of the COG 2026): the file is on that COG.
 *
 * Millésime: the registry is a snapshot that carries no year, but its dates do. The millésime is
 * the year of its most recent signature (else of its most recent start, for a registry of drafts
 * only): a later edition that records a new signature gets a later millésime and becomes the
 * dataset's latest version; a corrected edition of the same state replaces it. A millésime given
 * with the file (`--millesime`) is taken as the edition year, and may not precede that year.
 */

export const ENTETE_REGISTRE_CLS = [
  'code_cls',
  'libelle',
  'generation',
  'statut',
  'version',
  'date_signature',
  'date_debut',
  'date_fin',
  'type_membre',
  'code_membre',
  'exemple',
] as const;

export const STATUTS_CLS = ['en_preparation', 'signe', 'termine', 'resilie'] as const;
export const TYPES_MEMBRE_CLS = ['commune', 'epci'] as const;

const RE_CODE_CLS = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const RE_GENERATION = /^[1-9]$/;
const RE_VERSION = /^[1-9]\d{0,2}$/;
const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
const RE_SIREN = /^\d{9}$/;

const COLONNES: readonly ColonneTable[] = [
  { nom: 'ligne', type: 'INTEGER' },
  { nom: 'code_cls', type: 'VARCHAR' },
  { nom: 'libelle', type: 'VARCHAR' },
  { nom: 'generation', type: 'INTEGER' },
  { nom: 'statut', type: 'VARCHAR' },
  { nom: 'version', type: 'INTEGER' },
  { nom: 'date_signature', type: 'DATE' },
  { nom: 'date_debut', type: 'DATE' },
  { nom: 'date_fin', type: 'DATE' },
  { nom: 'type_membre', type: 'VARCHAR' },
  { nom: 'code_membre', type: 'VARCHAR' },
  { nom: 'exemple', type: 'VARCHAR' },
];

/** Columns that describe a version, not a member: equal on every line of the version. */
const ATTRIBUTS_VERSION = [1, 2, 3, 5, 6, 7, 10] as const;

interface Version {
  /** First line of the version and its fields (the reference the other lines must match). */
  ligne: number;
  champs: string[];
  membres: Map<string, number>;
}

export const registreCls: SourceAdapter = {
  id: 'registre-cls',
  libelle: 'Registre des contrats locaux de santé (CLS)',
  provenance: {
    producteur: 'ARS (registre des CLS) — exemple illustratif fourni avec le projet',
    jeuDeDonnees: 'Contrats locaux de santé : périmètres (communes, EPCI), versions, statuts et dates',
    licence: 'Exemple écrit pour le projet (aucun contrat réel)',
  },
  extension: 'csv',
  versionSchema: 1,

  // Recognised by its first column name, so that a header with a wrong column is reported with
  // its line and column rather than as an unknown format.
  reconnaitre(entree) {
    return /^code_cls[;,]/.test(entree.premieresLignes(1)[0] ?? '');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    if (millesimeImpose !== null && !/^20\d{2}$/.test(millesimeImpose)) {
      throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : une année, ex. 2026)`);
    }
    const referentiel = chargerReferentiel();
    const communes = new Set(referentiel.communes.map((c) => c.code));
    const arrondissements = new Map(referentiel.arrondissementsMunicipaux.map((a) => [a.code, a.commune]));
    const deleguees = new Map(referentiel.communesDelegueesAssociees.map((d) => [d.code, d.commune]));
    const epci = new Set(referentiel.epci.map((e) => e.code));

    const lignes: Array<Array<string | number | null>> = [];
    const versions = new Map<string, Map<number, Version>>();
    let derniereSignature = '';
    let dernierDebut = '';
    let lignesLues = 0;
    for (const { ligne, champs } of lignesCsv(entree.texte().texte, ';', fichier)) {
      if (ligne === 1) {
        verifierEntete(fichier, champs);
        continue;
      }
      lignesLues += 1;
      const erreur = (i: number, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: i + 1, colonne: ENTETE_REGISTRE_CLS[i] ?? `champ ${i + 1}` }, raison);
      };
      if (champs.length !== ENTETE_REGISTRE_CLS.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${ENTETE_REGISTRE_CLS.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      }
      const [codeCls, libelle, generation, statut, versionT, dateSignature, dateDebut, dateFin, typeMembre, codeMembre, exemple] = champs as [
        string, string, string, string, string, string, string, string, string, string, string,
      ];
      const court = (v: string) => v.slice(0, 45);

      if (!RE_CODE_CLS.test(codeCls)) erreur(0, `code CLS invalide « ${court(codeCls)} » (attendu : majuscules, chiffres et tirets, 2 à 40 caractères, ex. CLS-78-VGP)`);
      if (libelle.trim() === '') erreur(1, 'libellé vide');
      if (estInjectionFormule(libelle)) erreur(1, `libellé commençant par un caractère de formule de tableur (« ${libelle.slice(0, 20)} »)`);
      if (!RE_GENERATION.test(generation)) erreur(2, `génération invalide « ${court(generation)} » (attendu : un entier de 1 à 9)`);
      if (!(STATUTS_CLS as readonly string[]).includes(statut)) erreur(3, `statut inconnu « ${court(statut)} » (attendu : ${STATUTS_CLS.join(', ')})`);
      if (!RE_VERSION.test(versionT)) erreur(4, `version invalide « ${court(versionT)} » (attendu : un entier ≥ 1)`);
      for (const [i, valeur] of [[5, dateSignature], [6, dateDebut], [7, dateFin]] as const) {
        if (valeur !== '' && !estDateIso(valeur)) erreur(i, `date invalide « ${court(valeur)} » (attendu : une date du calendrier AAAA-MM-JJ)`);
      }
      if (dateDebut === '') erreur(6, 'date de début vide');
      if (dateFin !== '' && dateFin < dateDebut) erreur(7, `date de fin ${dateFin} antérieure à la date de début ${dateDebut}`);
      if (statut === 'en_preparation' && dateSignature !== '') erreur(5, `un CLS en préparation n’est pas signé : date de signature ${dateSignature} inattendue`);
      if (statut !== 'en_preparation' && dateSignature === '') erreur(5, `date de signature vide pour un CLS au statut « ${statut} »`);
      if ((statut === 'termine' || statut === 'resilie') && dateFin === '') erreur(7, `date de fin vide pour un CLS au statut « ${statut} »`);
      if (!(TYPES_MEMBRE_CLS as readonly string[]).includes(typeMembre)) erreur(8, `type de membre inconnu « ${court(typeMembre)} » (attendu : ${TYPES_MEMBRE_CLS.join(', ')})`);
      if (typeMembre === 'commune') {
        if (!RE_COM.test(codeMembre)) erreur(9, `code commune invalide « ${court(codeMembre)} » (attendu : 5 caractères, ex. 01001 ou 2A004)`);
        const commune = arrondissements.get(codeMembre);
        if (commune !== undefined) erreur(9, `« ${codeMembre} » est un arrondissement municipal : le membre est la commune ${commune}`);
        const chefLieu = deleguees.get(codeMembre);
        if (chefLieu !== undefined && !communes.has(codeMembre)) erreur(9, `« ${codeMembre} » est une commune déléguée ou associée du ${LIBELLE_GEOGRAPHIE} : le membre est la commune ${chefLieu}`);
        if (!communes.has(codeMembre)) erreur(9, `commune « ${codeMembre} » inconnue du ${LIBELLE_GEOGRAPHIE}`);
      } else {
        if (!RE_SIREN.test(codeMembre)) erreur(9, `SIREN d’EPCI invalide « ${court(codeMembre)} » (attendu : 9 chiffres)`);
        if (!epci.has(codeMembre)) erreur(9, `EPCI « ${codeMembre} » inconnu du ${LIBELLE_GEOGRAPHIE}`);
      }
      if (exemple !== 'oui' && exemple !== 'non') erreur(10, `valeur « ${court(exemple)} » inattendue (attendu : oui ou non)`);

      // Every line of a version describes the same contract state; a member appears once.
      const version = Number(versionT);
      const parVersion = versions.get(codeCls) ?? new Map<number, Version>();
      versions.set(codeCls, parVersion);
      const v = parVersion.get(version);
      if (v === undefined) {
        parVersion.set(version, { ligne, champs, membres: new Map([[`${typeMembre}:${codeMembre}`, ligne]]) });
      } else {
        for (const i of ATTRIBUTS_VERSION) {
          if (champs[i] !== v.champs[i]) {
            erreur(i, `${codeCls} version ${version} : « ${champs[i]!.slice(0, 80)} » ici, « ${v.champs[i]!.slice(0, 80)} » ligne ${v.ligne} (${ENTETE_REGISTRE_CLS[i]} est le même pour tous les membres d’une version)`);
          }
        }
        const deja = v.membres.get(`${typeMembre}:${codeMembre}`);
        if (deja !== undefined) erreur(9, `${typeMembre} ${codeMembre} déjà membre de ${codeCls} version ${version} (ligne ${deja})`);
        v.membres.set(`${typeMembre}:${codeMembre}`, ligne);
      }
      if (dateSignature > derniereSignature) derniereSignature = dateSignature;
      if (dateDebut > dernierDebut) dernierDebut = dateDebut;
      lignes.push([ligne, codeCls, libelle, Number(generation), statut, version, dateSignature || null, dateDebut, dateFin || null, typeMembre, codeMembre, exemple]);
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');

    // Versions numbered 1..n, each starting after the previous one ended (so they never overlap).
    for (const [codeCls, parVersion] of versions) {
      const numeros = [...parVersion.keys()].sort((a, b) => a - b);
      numeros.forEach((n, i) => {
        const v = parVersion.get(n)!;
        const position = (colonne: number) => ({ fichier, ligne: v.ligne, numeroColonne: colonne + 1, colonne: ENTETE_REGISTRE_CLS[colonne] });
        if (n !== i + 1) throw new SourceSchemaError(position(4), `${codeCls} : version ${n} sans version ${i + 1} (les versions d’un CLS sont numérotées de 1 à n)`);
        if (i === 0) return;
        const p = parVersion.get(n - 1)!;
        const [debut, finPrecedente] = [v.champs[6]!, p.champs[7]!];
        if (finPrecedente === '' || debut <= finPrecedente) {
          throw new SourceSchemaError(
            position(6),
            `${codeCls} : la version ${n} commence le ${debut}, avant la fin de la version ${n - 1} (${p.champs[6]} → ${finPrecedente || 'sans fin'}, ligne ${p.ligne}) : les versions se suivent sans se chevaucher`,
          );
        }
      });
    }

    const millesimeLu = (derniereSignature || dernierDebut).slice(0, 4);
    if (millesimeImpose !== null && millesimeImpose < millesimeLu) {
      throw new SourceSchemaError({ fichier }, `millésime ${millesimeImpose} demandé, mais le registre contient des signatures ou des débuts en ${millesimeLu}`);
    }
    return { millesime: millesimeImpose ?? millesimeLu, cogSource: MILLESIME_COG_COURANT, colonnes: [...COLONNES], lignes, lignesLues };
  },

  normalisationSql,
};

function verifierEntete(fichier: string, champs: string[]): void {
  const premier = (champs[0] ?? '').replace(/^\uFEFF/, '');
  if (champs.length === 1 && premier.includes(',')) throw new SourceSchemaError({ fichier, ligne: 1 }, 'séparateur « , » : le registre des CLS est séparé par « ; »');
  for (let i = 0; i < Math.max(champs.length, ENTETE_REGISTRE_CLS.length); i++) {
    const attendu = ENTETE_REGISTRE_CLS[i];
    const lu = i === 0 ? premier : champs[i];
    if (lu === attendu) continue;
    const raison =
      attendu === undefined ? `colonne « ${lu!.slice(0, 40)} » en trop (${ENTETE_REGISTRE_CLS.length} colonnes attendues)`
      : lu === undefined ? `colonne « ${attendu} » absente`
      : `colonne « ${lu.slice(0, 40)} » trouvée, « ${attendu} » attendue`;
    throw new SourceSchemaError({ fichier, ligne: 1, numeroColonne: i + 1, colonne: lu === undefined || lu === '' ? attendu ?? `champ ${i + 1}` : lu.slice(0, 40) }, `en-tête invalide : ${raison}`);
  }
}
