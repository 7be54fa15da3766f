import { assertConfidence, assertNonNegative, invalid, type Intervalle } from './commun.ts';
import { pnorm, zForConfidence } from './distributions.ts';

/** Polarity of an indicator (methods.md §6, §11). */
export type Polarite = 'higher_is_worse' | 'higher_is_better' | 'neutral';

/** Label of a comparison with a reference (methods.md §6 rule 3). */
export type ComparaisonFlag =
  | 'similar'
  | 'higher_worse'
  | 'higher_better'
  | 'lower_worse'
  | 'lower_better'
  | 'higher'
  | 'lower'
  | 'not_computable';

/** French wording of each comparison label (methods.md §6 rule 3). */
export const LIBELLES_COMPARAISON: Readonly<Record<ComparaisonFlag, string>> = {
  similar: 'pas de différence significative',
  higher_worse: 'significativement supérieur à la référence',
  higher_better: 'significativement supérieur à la référence',
  higher: 'significativement supérieur à la référence',
  lower_worse: 'significativement inférieur à la référence',
  lower_better: 'significativement inférieur à la référence',
  lower: 'significativement inférieur à la référence',
  not_computable: 'comparaison impossible (pas d’intervalle de confiance)',
};

/**
 * CI rule against a fixed reference (methods.md §6 rule 1): significantly different iff the
 * reference value lies outside the territory's interval (bounds inclusive → `similar`). The
 * label depends on the polarity; a missing limit gives `not_computable`.
 */
export function compareToReferenceCiRule(
  interval: Intervalle,
  referenceValue: number,
  polarity: Polarite = 'neutral',
): ComparaisonFlag {
  if (!Number.isFinite(referenceValue)) invalid('reference_value', 'nombre fini attendu');
  const { lower, upper } = interval;
  if (lower === null || upper === null || !Number.isFinite(lower) || !Number.isFinite(upper)) return 'not_computable';
  if (lower > upper) invalid('lower95', `borne inférieure (${lower}) supérieure à la borne supérieure (${upper})`);
  if (referenceValue < lower) {
    return polarity === 'higher_is_worse' ? 'higher_worse' : polarity === 'higher_is_better' ? 'higher_better' : 'higher';
  }
  if (referenceValue > upper) {
    return polarity === 'higher_is_worse' ? 'lower_better' : polarity === 'higher_is_better' ? 'lower_worse' : 'lower';
  }
  return 'similar';
}

/** Two-sided normal p-value 2·(1 − Φ(|z|)) (methods.md §6, §10.3). */
export function twoSidedNormalP(z: number): number {
  return 2 * pnorm(-Math.abs(z));
}

/** Result of the pooled two-proportion z-test (methods.md §6 rule 2). */
export interface DeuxProportions {
  p1: number | null;
  p2: number | null;
  pooled: number | null;
  z: number | null;
  pValueTwoSided: number | null;
}

/**
 * Pooled two-sample z-test of two independent proportions (methods.md §6 rule 2; Armitage &
 * Berry): z = (p1 − p2)/√(p̄(1 − p̄)(1/n1 + 1/n2)), p̄ = (x1 + x2)/(n1 + n2). Subtract the
 * territory from a reference that contains it before calling.
 */
export function compareTwoProportionsZ(x1: number, n1: number, x2: number, n2: number): DeuxProportions {
  assertNonNegative('x1', x1);
  assertNonNegative('n1', n1);
  assertNonNegative('x2', x2);
  assertNonNegative('n2', n2);
  if (x1 > n1) invalid('x1', `le numérateur (${x1}) dépasse n1 (${n1})`);
  if (x2 > n2) invalid('x2', `le numérateur (${x2}) dépasse n2 (${n2})`);
  const p1 = n1 > 0 ? x1 / n1 : null;
  const p2 = n2 > 0 ? x2 / n2 : null;
  if (p1 === null || p2 === null) return { p1, p2, pooled: null, z: null, pValueTwoSided: null };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { p1, p2, pooled, z: null, pValueTwoSided: null };
  const z = (p1 - p2) / se;
  return { p1, p2, pooled, z, pValueTwoSided: twoSidedNormalP(z) };
}

/** Rate ratio of two independent territories (methods.md §6 rule 2). */
export interface RapportDeTaux extends Intervalle {
  rateRatio: number | null;
  seLog: number | null;
  z: number | null;
  pValueTwoSided: number | null;
  confidence: number;
}

/**
 * Rate ratio RR = (O1/N1)/(O2/N2) with the Wald interval on ln RR, var = 1/O1 + 1/O2
 * (methods.md §6 rule 2; Rothman, Greenland & Lash). A zero count leaves the interval and test `null`.
 */
export function compareTwoRatesRateRatio(o1: number, py1: number, o2: number, py2: number, confidence = 0.95): RapportDeTaux {
  assertNonNegative('o1', o1);
  assertNonNegative('py1', py1);
  assertNonNegative('o2', o2);
  assertNonNegative('py2', py2);
  assertConfidence(confidence);
  if (py1 === 0) invalid('py1', 'personnes-années nulles');
  if (py2 === 0) invalid('py2', 'personnes-années nulles');
  const empty = { seLog: null, z: null, pValueTwoSided: null, lower: null, upper: null, confidence };
  if (o2 === 0) return { ...empty, rateRatio: null };
  const rateRatio = o1 / py1 / (o2 / py2);
  if (o1 === 0) return { ...empty, rateRatio };
  const seLog = Math.sqrt(1 / o1 + 1 / o2);
  const zc = zForConfidence(confidence);
  const ln = Math.log(rateRatio);
  const z = ln / seLog;
  return {
    rateRatio,
    seLog,
    z,
    pValueTwoSided: twoSidedNormalP(z),
    lower: Math.exp(ln - zc * seLog),
    upper: Math.exp(ln + zc * seLog),
    confidence,
  };
}

/**
 * Difference of two DSRs of independent territories (methods.md §6 rule 2): z = (DSR1 − DSR2)/
 * √(var1 + var2) with the Dobson variances of §4; only meaningful when both totals are ≥ 10.
 */
export function compareTwoDsr(dsr1: number, var1: number, dsr2: number, var2: number): { difference: number; z: number | null; pValueTwoSided: number | null } {
  const se = Math.sqrt(var1 + var2);
  const difference = dsr1 - dsr2;
  if (!(se > 0)) return { difference, z: null, pValueTwoSided: null };
  const z = difference / se;
  return { difference, z, pValueTwoSided: twoSidedNormalP(z) };
}
