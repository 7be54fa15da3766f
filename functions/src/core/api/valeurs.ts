import type { Drapeau, StatutIndicateur, ValeurIndicateur } from '../model/api-types.ts';
import { COMPARAISONS, libelleApproximation, LIBELLES_STATUT, libelleOrigine, PETITS_EFFECTIFS } from '../model/libelles.ts';
import { statutPublie } from '../model/statuts.ts';
import type { ColonneCsv } from './csv.ts';

/**
 * The value columns of the indicator marts served by the API, in output order, with their CSV
 * headers, and the last guard of statistical secrecy before a value leaves the service.
 */

/** Allow-listed mart columns: the only identifiers substituted into the indicator queries. */
export const COLONNES_VALEUR = [
  'valeur',
  'ic_bas',
  'ic_haut',
  'methode_ic',
  'statut',
  'numerateur',
  'denominateur',
  'fiabilite',
  'origine',
  'approximation',
  'couverture',
  'departement_reference',
  'valeur_departement',
  'drapeau_departement',
  'p_departement',
  'region_reference',
  'valeur_region',
  'drapeau_region',
  'p_region',
  'valeur_france',
  'drapeau_france',
  'p_france',
  'source',
  'millesime',
] as const satisfies ReadonlyArray<keyof ValeurIndicateur>;

const ENTETES: Readonly<Record<(typeof COLONNES_VALEUR)[number], string>> = {
  valeur: 'valeur',
  ic_bas: 'IC bas',
  ic_haut: 'IC haut',
  methode_ic: 'méthode IC',
  statut: 'statut',
  numerateur: 'numérateur',
  denominateur: 'dénominateur',
  fiabilite: 'fiabilité',
  origine: 'origine',
  approximation: 'approximation',
  couverture: 'couverture',
  departement_reference: 'département de référence',
  valeur_departement: 'valeur département',
  drapeau_departement: 'comparaison département',
  p_departement: 'p département',
  region_reference: 'région de référence',
  valeur_region: 'valeur région',
  drapeau_region: 'comparaison région',
  p_region: 'p région',
  valeur_france: 'valeur France',
  drapeau_france: 'comparaison France',
  p_france: 'p France',
  source: 'source',
  millesime: 'millésime',
};

/** `m.valeur, m.ic_bas, …`: the value columns of the mart aliased `alias`. */
export function selectionValeur(alias: string): string {
  return COLONNES_VALEUR.map((c) => `${alias}.${c}`).join(',\n    ');
}

/** The value columns of a CSV export, after the columns naming the row. */
/**
 * Coded columns worded in French in the CSV (the JSON keeps the codes): a spreadsheet user reads
 * « plus élevé · défavorable » and « masqué : secret statistique », not `higher_worse`, `masque`.
 */
const EN_CLAIR: Partial<Record<(typeof COLONNES_VALEUR)[number], (code: string) => string>> = {
  statut: (c) => LIBELLES_STATUT[c as StatutIndicateur] ?? c,
  fiabilite: (c) => (c === 'petits_effectifs' ? PETITS_EFFECTIFS : c),
  origine: libelleOrigine,
  approximation: libelleApproximation,
  drapeau_departement: (c) => COMPARAISONS[c as Drapeau]?.texte ?? c,
  drapeau_region: (c) => COMPARAISONS[c as Drapeau]?.texte ?? c,
  drapeau_france: (c) => COMPARAISONS[c as Drapeau]?.texte ?? c,
};

export function colonnesCsvValeur<T extends ValeurIndicateur>(): Array<ColonneCsv<T>> {
  return COLONNES_VALEUR.map((c) => {
    const enClair = EN_CLAIR[c];
    return {
      entete: ENTETES[c],
      valeur: (l: T) => {
        const v = l[c];
        return enClair && typeof v === 'string' ? enClair(v) : v;
      },
    };
  });
}

/** A value with nothing to show: an indicator the level does not have, or a missing row. */
export function valeurVide(statut: StatutIndicateur): ValeurIndicateur {
  const v = Object.fromEntries(COLONNES_VALEUR.map((c) => [c, null])) as unknown as ValeurIndicateur;
  v.statut = statut;
  return v;
}

const STATUTS_SECRETS = /^(?:masque|secret)/;

/**
 * Secrecy, once more at the edge. The engine already blanks masked and secret values; whatever
 * the mart holds, a row whose statut starts with `masque` or `secret` leaves without value,
 * numerator, interval, interval method, reliability flag or p-values, and for a `sante` indicator a numerator of 1 to 10 events
 * (a count the engine should have masked) is never served, nor what derives from it: the row
 * leaves as `masque`.
 */
export function proteger<T extends ValeurIndicateur>(ligne: T, secret: 'sante' | 'insee' | 'aucun'): T {
  if (ligne.statut === null || ligne.statut === undefined) ligne.statut = 'absent';
  ligne.statut = statutPublie(ligne.statut);
  const petitEffectif = secret === 'sante' && ligne.numerateur !== null && ligne.numerateur > 0 && ligne.numerateur <= 10;
  if (petitEffectif) ligne.statut = 'masque';
  if (STATUTS_SECRETS.test(ligne.statut)) {
    ligne.valeur = null;
    ligne.numerateur = null;
    ligne.ic_bas = null;
    ligne.ic_haut = null;
    // the interval method (exact under 10 events) and the reliability flag (under 20) tell a count apart
    ligne.methode_ic = null;
    ligne.fiabilite = null;
    ligne.p_departement = null;
    ligne.p_region = null;
    ligne.p_france = null;
  }
  return ligne;
}
