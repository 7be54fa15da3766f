import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { estInjectionFormule, lignesCsv } from '../texte.ts';
import normalisationSql from './normalize.sql';

/**
 * INSEE, populations légales, commune file (`donnees_communes.csv` of the "ensemble" archive).
 * `REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT`, UTF-8, `;`, integers.
 * Paris, Lyon and Marseille appear only as their 45 municipal arrondissements.
 * The file carries no year: the millésime must be given (`--millesime`). Millésime N is
 * published on the geography of 1 January N+2 and is in force from 1 January N+3.
 */

export const ENTETE = ['REG', 'Région', 'DEP', 'CODARR', 'CODCAN', 'CODCOM', 'COM', 'Commune', 'PMUN', 'PCAP', 'PTOT'] as const;

const RE_REG = /^\d{2}$/;
const RE_DEP = /^(?:\d{2}|2[AB]|97\d)$/;
const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
const RE_ENTIER = /^\d+$/;
const MAX_POPULATION = 10_000_000; // no commune or arrondissement comes near this

export const populationsLegales: SourceAdapter = {
  id: 'populations-legales',
  libelle: 'Populations légales des communes',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Recensement de la population, populations légales (fichier des communes)',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return entree.premieresLignes(1)[0] === ENTETE.join(';');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const texte = entree.texte().texte;
    if (millesimeImpose === null) {
      throw new SourceSchemaError(
        { fichier },
        "millésime absent : le fichier des populations légales ne porte pas son année, précisez-la (option --millesime, ex. 2023)",
      );
    }
    if (!/^(19|20)\d{2}$/.test(millesimeImpose)) {
      throw new SourceSchemaError({ fichier }, `millésime invalide : « ${millesimeImpose} » (attendu : une année, ex. 2023)`);
    }
    const lignes: Array<Array<string | number | null>> = [];
    const vus = new Map<string, number>();
    let lignesLues = 0;
    for (const { ligne, champs } of lignesCsv(texte, ';', fichier)) {
      if (ligne === 1) continue; // header, checked by reconnaitre()
      lignesLues += 1;
      const erreur = (index: number, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: index + 1, colonne: ENTETE[index] ?? `champ ${index + 1}` }, raison);
      };
      if (champs.length !== ENTETE.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${ENTETE.length} champs attendus séparés par « ; », ${champs.length} trouvés`);
      }
      const [reg, libReg, dep, codArr, codCan, codCom, com, libelle, pmunT, pcapT, ptotT] = champs as [string, string, string, string, string, string, string, string, string, string, string];
      if (!RE_REG.test(reg)) erreur(0, `code région invalide « ${reg} »`);
      if (!RE_DEP.test(dep)) erreur(2, `code département invalide « ${dep} »`);
      if (!RE_COM.test(com)) erreur(6, `code commune invalide « ${com} »`);
      if (!com.startsWith(dep)) erreur(6, `le code commune « ${com} » n'appartient pas au département « ${dep} »`);
      if (com.slice(-3) !== codCom) erreur(5, `CODCOM « ${codCom} » ne correspond pas au code commune « ${com} »`);
      if (libelle.trim() === '') erreur(7, 'nom de commune vide');
      if (estInjectionFormule(libelle)) erreur(7, `nom de commune commençant par un caractère de formule de tableur (« ${libelle.slice(0, 20)} »)`);
      if (estInjectionFormule(libReg)) erreur(1, 'libellé de région commençant par un caractère de formule de tableur');
      const entier = (index: number, texteValeur: string): number => {
        if (!RE_ENTIER.test(texteValeur)) erreur(index, `entier positif attendu, « ${texteValeur.slice(0, 30)} » trouvé`);
        const n = Number(texteValeur);
        if (n > MAX_POPULATION) erreur(index, `valeur invraisemblable ${texteValeur} (> ${MAX_POPULATION})`);
        return n;
      };
      const pmun = entier(8, pmunT);
      const pcap = entier(9, pcapT);
      const ptot = entier(10, ptotT);
      if (ptot !== pmun + pcap) erreur(10, `PTOT (${ptot}) différent de PMUN + PCAP (${pmun + pcap})`);
      const premier = vus.get(com);
      if (premier !== undefined) erreur(6, `code commune « ${com} » en double (déjà ligne ${premier})`);
      vus.set(com, ligne);
      lignes.push([ligne, reg, dep, codArr, codCan, com, libelle, pmun, pcap, ptot]);
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');
    return {
      millesime: millesimeImpose,
      cogSource: Number(millesimeImpose) + 2,
      colonnes: [
        { nom: 'ligne', type: 'INTEGER' },
        { nom: 'reg', type: 'VARCHAR' },
        { nom: 'dep', type: 'VARCHAR' },
        { nom: 'codarr', type: 'VARCHAR' },
        { nom: 'codcan', type: 'VARCHAR' },
        { nom: 'com', type: 'VARCHAR' },
        { nom: 'commune', type: 'VARCHAR' },
        { nom: 'pmun', type: 'INTEGER' },
        { nom: 'pcap', type: 'INTEGER' },
        { nom: 'ptot', type: 'INTEGER' },
      ],
      lignes,
      lignesLues,
    };
  },

  normalisationSql,
};
