import type { Drapeau, StatutIndicateur } from './api-types.ts';

/**
 * The French wording of the API's codes, shared by the web pages and the CSV exports (a
 * spreadsheet user reads « plus élevé · défavorable », not `higher_worse`; the JSON keeps the
 * codes). Pure and browser-safe.
 */

/** Why a value is not shown, by its `statut` (the API never sends a value under secrecy). */
export const RAISONS_STATUT: Readonly<Record<StatutIndicateur, string>> = {
  ok: 'valeur absente',
  partiel: 'valeur absente',
  // (primary and secondary masks are published alike: saying which would bound the count)
  masque: 'masqué\u00a0: secret statistique (petit effectif, ou protection d’un petit effectif voisin)',
  masque_secondaire: 'masqué\u00a0: secret statistique (petit effectif, ou protection d’un petit effectif voisin)',
  masque_complementaire: 'masqué\u00a0: avec d’autres valeurs publiées, il redonnerait un nombre de décès masqué',
  secret: 'secret statistique de l’Insee',
  absent: 'absent des données sources',
  non_disponible: 'non disponible à ce niveau',
  non_agrege: 'non calculable pour ce périmètre (valeur non additive)',
  denominateur_nul: 'non calculable\u00a0: dénominateur nul',
  non_calculable: 'non calculable',
  donnees_incoherentes: 'données sources incohérentes',
  non_publie: 'non publié par le producteur',
};

/** The statut of a row as a CSV cell: what the row is, with or without a value. */
export const LIBELLES_STATUT: Readonly<Record<StatutIndicateur, string>> = {
  ...RAISONS_STATUT,
  ok: 'disponible',
  partiel: 'partiel\u00a0: calculé sur une partie des communes',
};

/** What a comparison flag says, and whether it is good news for the territory. */
export interface Comparaison {
  texte: string;
  ton: 'favorable' | 'defavorable' | 'neutre';
}

export const COMPARAISONS: Readonly<Record<Drapeau, Comparaison>> = {
  similar: { texte: 'pas d’écart significatif', ton: 'neutre' },
  higher_worse: { texte: 'plus élevé · défavorable', ton: 'defavorable' },
  higher_better: { texte: 'plus élevé · favorable', ton: 'favorable' },
  lower_better: { texte: 'plus bas · favorable', ton: 'favorable' },
  lower_worse: { texte: 'plus bas · défavorable', ton: 'defavorable' },
  higher: { texte: 'plus élevé', ton: 'neutre' },
  lower: { texte: 'plus bas', ton: 'neutre' },
  not_computable: { texte: 'écart non testable', ton: 'neutre' },
};

const APPROXIMATIONS: Readonly<Record<string, string>> = {
  'moyenne-ponderee-personnes': 'approché\u00a0: moyenne des communes pondérée par les personnes',
  'moyenne-ponderee-menages': 'approché\u00a0: moyenne des communes pondérée par les ménages',
  'moyenne-ponderee-population-standardisee': 'approché\u00a0: moyenne des communes pondérée par la population standardisée (méthode DREES)',
};

export function libelleApproximation(approximation: string): string {
  return APPROXIMATIONS[approximation] ?? 'valeur approchée (non publiée pour ce périmètre)';
}

/** The reliability flag (few events) in words. */
export const PETITS_EFFECTIFS = 'petits effectifs\u00a0: à interpréter avec prudence';

/** How a value was obtained (`origine`). */
export function libelleOrigine(origine: string): string {
  return origine === 'publie' ? 'publié par le producteur' : origine === 'calcule' ? 'calculé' : origine;
}
