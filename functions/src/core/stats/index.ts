/**
 * The statistics library of the indicator engine (docs methods.md): distributions, confidence
 * intervals, standardisation, comparisons, aggregation, FDep, inequality, statistical secrecy and
 * evaluation methods, plus the `stats` command contract (stats-contract.md).
 */
export * from './agregation.ts';
export { assertConfidence, finiteOrNull, type Intervalle } from './commun.ts';
export * from './comparaison.ts';
export { executerMethode, METHODES_STATS, suffixeNiveau, type Sortie } from './contrat.ts';
export * from './distributions.ts';
export * from './evaluation.ts';
export * from './fdep.ts';
export * from './inegalites.ts';
export * from './proportions.ts';
export * from './rates.ts';
export * from './secret.ts';
export * from './standardisation.ts';
