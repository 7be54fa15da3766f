import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import { COLONNES_EPCI, RE_COM, RE_DEP, RE_SIREN, SANS_EPCI } from './colonnes.ts';
import normalisationSql from './normalize.sql';

/**
 * INSEE, "Intercommunalité – Métropole au 1er janvier" (composition communale), as the CSV
 * export of INSEE's workbook: `CODGEO;LIBGEO;EPCI;LIBEPCI;DEP;REG`, UTF-8 with BOM, CRLF, `;`.
 * `EPCI` is the SIREN of the EPCI, or `ZZZZZZZZZ` ("Sans objet") for the communes outside any
 * EPCI (the four island communes): those become `code_epci` NULL with `sans_epci` true, never an
 * EPCI. Paris, Lyon and Marseille are communes (75056…), not arrondissements.
 *
 * Two datasets share one normalised shape (`normalize.sql`): this one, `epci-composition-insee`,
 * and `epci-composition-dgcl` (DGCL workbook, with legal nature and populations in force). They
 * are not parts of one dataset because their producer and raw format differ (a dataset has one
 * provenance and one raw extension).
 *
 * The file carries no year: the millésime (composition at 1 January of that year, which is also
 * its COG) must be given.
 */

export const ENTETE_EPCI_INSEE = ['CODGEO', 'LIBGEO', 'EPCI', 'LIBEPCI', 'DEP', 'REG'] as const;

export const epciCompositionInsee: SourceAdapter = {
  id: 'epci-composition-insee',
  libelle: 'Composition communale des EPCI (Insee)',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Intercommunalité – Métropole au 1er janvier, composition communale des EPCI à fiscalité propre',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return entree.premieresLignes(1)[0] === ENTETE_EPCI_INSEE.join(';');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    if (millesimeImpose === null) {
      throw new SourceSchemaError(
        { fichier },
        'millésime absent : la composition communale des EPCI de l’Insee ne porte pas son année, précisez-la (catalogue ou option --millesime, ex. 2020)',
      );
    }
    if (!/^20\d{2}$/.test(millesimeImpose)) throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : une année, ex. 2020)`);

    const lignes: Array<Array<string | number | null>> = [];
    const vus = new Map<string, number>();
    const libellesEpci = new Map<string, { libelle: string; ligne: number }>();
    let lignesLues = 0;
    for (const { ligne, champs } of lignesCsv(entree.texte().texte, ';', fichier)) {
      if (ligne === 1) continue; // header, checked by reconnaitre()
      lignesLues += 1;
      const erreur = (i: number, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: i + 1, colonne: ENTETE_EPCI_INSEE[i] ?? `champ ${i + 1}` }, raison);
      };
      if (champs.length !== ENTETE_EPCI_INSEE.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${ENTETE_EPCI_INSEE.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      }
      const [com, libelle, epci, libelleEpci, dep, reg] = champs as [string, string, string, string, string, string];
      if (!RE_COM.test(com)) erreur(0, `code commune invalide « ${com.slice(0, 12)} »`);
      if (libelle.trim() === '') erreur(1, 'nom de commune vide');
      if (estInjectionFormule(libelle)) erreur(1, `nom de commune commençant par un caractère de formule de tableur (« ${libelle.slice(0, 20)} »)`);
      if (epci !== SANS_EPCI && !RE_SIREN.test(epci)) erreur(2, `code EPCI invalide « ${epci.slice(0, 12)} » (attendu : un SIREN de 9 chiffres, ou ${SANS_EPCI} pour une commune hors EPCI)`);
      if (libelleEpci.trim() === '') erreur(3, 'nom d’EPCI vide');
      if (estInjectionFormule(libelleEpci)) erreur(3, 'nom d’EPCI commençant par un caractère de formule de tableur');
      if (!RE_DEP.test(dep)) erreur(4, `code département invalide « ${dep.slice(0, 12)} »`);
      if (!com.startsWith(dep)) erreur(0, `le code commune « ${com} » n’appartient pas au département « ${dep} »`);
      if (!/^\d{2}$/.test(reg)) erreur(5, `code région invalide « ${reg.slice(0, 12)} »`);
      const premier = vus.get(com);
      if (premier !== undefined) erreur(0, `commune « ${com} » en double (déjà ligne ${premier}) : une commune appartient à un seul EPCI`);
      vus.set(com, ligne);
      const connu = libellesEpci.get(epci);
      if (connu === undefined) libellesEpci.set(epci, { libelle: libelleEpci, ligne });
      else if (connu.libelle !== libelleEpci) erreur(3, `l’EPCI ${epci} s’appelle « ${connu.libelle} » ligne ${connu.ligne} et « ${libelleEpci} » ici`);
      lignes.push([ligne, com, libelle, null, dep, reg, epci, libelleEpci, null, null, null, null, null, null]);
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');
    return { millesime: millesimeImpose, cogSource: Number(millesimeImpose), colonnes: [...COLONNES_EPCI], lignes, lignesLues };
  },

  normalisationSql,
};
