import { SourceSchemaError } from '../../errors.ts';
import type { SourceAdapter } from '../adapter.ts';
import { lignesCsv } from '../texte.ts';
import normalisationSql from './normalize.sql';

/**
 * INSEE, Code officiel géographique: mouvements des communes (`v_mvt_commune_YYYY.csv`, here
 * unquoted as republished with the COG 2026, or with INSEE's double quotes: both read).
 * `MOD,DATE_EFF,TYPECOM_AV,COM_AV,...,TYPECOM_AP,COM_AP,...`. The millésime is the COG year:
 * the year of the most recent event, read from the content.
 */

export const ENTETE = [
  'MOD', 'DATE_EFF', 'TYPECOM_AV', 'COM_AV', 'TNCC_AV', 'NCC_AV', 'NCCENR_AV', 'LIBELLE_AV',
  'TYPECOM_AP', 'COM_AP', 'TNCC_AP', 'NCC_AP', 'NCCENR_AP', 'LIBELLE_AP',
] as const;

const TYPES = new Set(['COM', 'COMA', 'COMD', 'ARM']);
const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
const RE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const cogMouvements: SourceAdapter = {
  id: 'cog-mouvements',
  libelle: 'Mouvements des communes (COG)',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Code officiel géographique, mouvements des communes depuis 1943',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'csv',
  versionSchema: 1,

  reconnaitre(entree) {
    return (entree.premieresLignes(1)[0] ?? '').replace(/"/g, '').toUpperCase() === ENTETE.join(',');
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const texte = entree.texte().texte;
    const lignes: Array<Array<string | number | null>> = [];
    let anneeMax = 0;
    let lignesLues = 0;
    for (const { ligne, champs } of lignesCsv(texte, ',', fichier)) {
      if (ligne === 1) continue;
      lignesLues += 1;
      const erreur = (index: number, raison: string): never => {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: index + 1, colonne: ENTETE[index] ?? `champ ${index + 1}` }, raison);
      };
      if (champs.length !== ENTETE.length) {
        throw new SourceSchemaError({ fichier, ligne }, `${ENTETE.length} champs attendus séparés par « , », ${champs.length} trouvés`);
      }
      const [mod, date, typeAv, comAv, , , , libAv, typeAp, comAp, , , , libAp] = champs as string[] as [string, string, string, string, string, string, string, string, string, string, string, string, string, string];
      if (!/^\d{2}$/.test(mod)) erreur(0, `code de modification invalide « ${mod} »`);
      const d = RE_DATE.exec(date);
      if (!d || Number(d[2]) < 1 || Number(d[2]) > 12 || Number(d[3]) < 1 || Number(d[3]) > 31) erreur(1, `date invalide « ${date} » (attendu AAAA-MM-JJ)`);
      // A creation (MOD 20) has no "before" side; a suppression (MOD 30) has no "after" side.
      const avantVide = mod === '20' && typeAv === '' && comAv === '';
      const apresVide = mod === '30' && typeAp === '' && comAp === '';
      if (!avantVide && !TYPES.has(typeAv)) erreur(2, `type de commune invalide « ${typeAv} »`);
      if (!avantVide && !RE_COM.test(comAv)) erreur(3, `code commune invalide « ${comAv} »`);
      if (!apresVide && !TYPES.has(typeAp)) erreur(8, `type de commune invalide « ${typeAp} »`);
      if (!apresVide && !RE_COM.test(comAp)) erreur(9, `code commune invalide « ${comAp} »`);
      anneeMax = Math.max(anneeMax, Number(date.slice(0, 4)));
      lignes.push([ligne, Number(mod), date, typeAv || null, comAv || null, libAv || null, typeAp || null, comAp || null, libAp || null]);
    }
    if (lignesLues === 0) throw new SourceSchemaError({ fichier, ligne: 2 }, 'aucune ligne de données après l’en-tête');
    const millesime = millesimeImpose ?? String(anneeMax);
    if (Number(millesime) < anneeMax) {
      throw new SourceSchemaError({ fichier }, `millésime ${millesime} antérieur au dernier mouvement du fichier (${anneeMax})`);
    }
    return {
      millesime,
      cogSource: Number(millesime),
      colonnes: [
        { nom: 'ligne', type: 'INTEGER' },
        { nom: 'mod', type: 'INTEGER' },
        { nom: 'date_eff', type: 'DATE' },
        { nom: 'typecom_av', type: 'VARCHAR' },
        { nom: 'com_av', type: 'VARCHAR' },
        { nom: 'libelle_av', type: 'VARCHAR' },
        { nom: 'typecom_ap', type: 'VARCHAR' },
        { nom: 'com_ap', type: 'VARCHAR' },
        { nom: 'libelle_ap', type: 'VARCHAR' },
      ],
      lignes,
      lignesLues,
    };
  },

  normalisationSql,
};
