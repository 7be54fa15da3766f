import { assertConfidence, assertNonNegative, assertSameLength, invalid, sum, type Intervalle } from './commun.ts';
import { pchisq, ppois, ppoisAtLeast, qgamma } from './distributions.ts';
import { byarLower, byarUpper, poissonCountInterval, type PoissonMethod } from './rates.ts';

/** No DSR under this total count (methods.md §4: PHE; Morris et al. 2018). */
export const DSR_MIN_COUNT = 10;

/**
 * Checks the age-band table of one territory and returns the counts with missing (`null`)
 * counts read as 0 (PHEindicatormethods convention, §4 `dsr_esp2013_tiny`; only legitimate when
 * the producer says the cell is a true zero — the number of such cells is reported).
 */
function checkBands(
  counts: readonly (number | null)[],
  populations: readonly number[],
  standard: readonly number[],
): { counts: number[]; missing: number } {
  assertSameLength('populations', populations, 'counts', counts);
  assertSameLength('standard_population', standard, 'counts', counts);
  if (counts.length === 0) invalid('counts', 'au moins une tranche d’âge attendue');
  let missing = 0;
  const filled = counts.map((c, i) => {
    if (c === null) {
      missing++;
      return 0;
    }
    assertNonNegative(`counts[${i}]`, c);
    return c;
  });
  populations.forEach((n, i) => {
    assertNonNegative(`populations[${i}]`, n);
    if (n === 0 && (filled[i] ?? 0) > 0) invalid(`populations[${i}]`, `population nulle pour ${filled[i]} événements (tranche ${i + 1})`);
  });
  standard.forEach((w, i) => assertNonNegative(`standard_population[${i}]`, w));
  if (!(sum(standard) > 0)) invalid('standard_population', 'la population standard doit avoir un total positif');
  return { counts: filled, missing };
}

/** Point estimate of a DSR and its Poisson variance (methods.md §4), both × multiplier (variance × multiplier²). */
export interface DsrPoint {
  value: number;
  variance: number;
  totalCount: number;
  totalPopulation: number;
  /** Bands whose count was missing and read as 0. */
  missingCounts: number;
}

/**
 * DSR = (1/W) Σ w_i O_i/n_i × multiplier and var = (1/W²) Σ w_i² O_i/n_i² × multiplier²
 * (methods.md §4). Bands with n_i = 0 and O_i = 0 contribute 0 but keep w_i in W.
 */
export function dsrPoint(
  counts: readonly (number | null)[],
  populations: readonly number[],
  standardPopulation: readonly number[],
  multiplier = 100_000,
): DsrPoint {
  const { counts: o, missing } = checkBands(counts, populations, standardPopulation);
  const w = sum(standardPopulation);
  let dsr = 0;
  let variance = 0;
  o.forEach((oi, i) => {
    const ni = populations[i] ?? 0;
    if (ni === 0) return;
    const wi = standardPopulation[i] ?? 0;
    dsr += (wi * oi) / ni;
    variance += (wi * wi * oi) / (ni * ni);
  });
  return {
    value: (dsr / w) * multiplier,
    variance: (variance / (w * w)) * multiplier * multiplier,
    totalCount: sum(o),
    totalPopulation: sum(populations),
    missingCounts: missing,
  };
}

/** A directly standardised rate with its Dobson interval (methods.md §4). */
export interface DsrDobson extends Intervalle {
  /** `null` when suppressed. */
  value: number | null;
  variance: number | null;
  totalCount: number;
  totalPopulation: number;
  confidence: number;
  multiplier: number;
  method: 'Dobson';
  suppressed: boolean;
  reason: string | null;
  missingCounts: number;
}

/**
 * Directly standardised rate with the Dobson et al. (1991) interval (methods.md §4, PHE App. 4):
 * DSR ± √(var/O)·(O_L/U − O) with Byar limits of O = Σ O_i. Suppressed (value and limits `null`)
 * when O < 10.
 */
export function dsrDobson(
  counts: readonly (number | null)[],
  populations: readonly number[],
  standardPopulation: readonly number[],
  options: { confidence?: number; multiplier?: number } = {},
): DsrDobson {
  const confidence = options.confidence ?? 0.95;
  const multiplier = options.multiplier ?? 100_000;
  assertConfidence(confidence);
  const point = dsrPoint(counts, populations, standardPopulation, multiplier);
  const base = {
    totalCount: point.totalCount,
    totalPopulation: point.totalPopulation,
    confidence,
    multiplier,
    method: 'Dobson' as const,
    missingCounts: point.missingCounts,
  };
  if (point.totalCount < DSR_MIN_COUNT) {
    return {
      ...base,
      value: null,
      variance: null,
      lower: null,
      upper: null,
      suppressed: true,
      reason: `total count < ${DSR_MIN_COUNT} (${point.totalCount} événements) : taux standardisé non calculé`,
    };
  }
  const o = point.totalCount;
  const factor = Math.sqrt(point.variance / o);
  const oLower = byarLower(o, confidence);
  const oUpper = byarUpper(o, confidence);
  return {
    ...base,
    value: point.value,
    variance: point.variance,
    lower: oLower === null ? null : point.value + factor * (oLower - o),
    upper: point.value + factor * (oUpper - o),
    suppressed: false,
    reason: null,
  };
}

/** A DSR with the Fay–Feuer gamma interval (methods.md §4). */
export interface DsrFayFeuer extends Intervalle {
  crudeRate: number | null;
  value: number;
  variance: number;
  confidence: number;
  multiplier: number;
  method: 'Fay-Feuer';
  missingCounts: number;
}

/**
 * DSR with the Fay & Feuer (1997) gamma interval, as in epitools `ageadjust.direct`
 * (methods.md §4): y = DSR, v = var, w_M = max (w_i/W)/n_i; lower = Gamma⁻¹(α/2; y²/v, v/y),
 * upper = Gamma⁻¹(1 − α/2; (y + w_M)²/(v + w_M²), (v + w_M²)/(y + w_M)). Not suppressed
 * (conservative for small counts); y = 0 → lower 0.
 */
export function dsrFayFeuer(
  counts: readonly (number | null)[],
  populations: readonly number[],
  standardPopulation: readonly number[],
  options: { confidence?: number; multiplier?: number } = {},
): DsrFayFeuer {
  const confidence = options.confidence ?? 0.95;
  const multiplier = options.multiplier ?? 100_000;
  assertConfidence(confidence);
  const point = dsrPoint(counts, populations, standardPopulation, 1);
  const w = sum(standardPopulation);
  let wM = 0;
  populations.forEach((n, i) => {
    if (n > 0) wM = Math.max(wM, (standardPopulation[i] ?? 0) / w / n);
  });
  const alpha = 1 - confidence;
  const y = point.value;
  const v = point.variance;
  const lower = y > 0 && v > 0 ? qgamma(alpha / 2, (y * y) / v, v / y) : 0;
  const upper = wM > 0 ? qgamma(alpha / 2, ((y + wM) * (y + wM)) / (v + wM * wM), (v + wM * wM) / (y + wM), false) : null;
  return {
    crudeRate: point.totalPopulation > 0 ? (point.totalCount / point.totalPopulation) * multiplier : null,
    value: y * multiplier,
    variance: v * multiplier * multiplier,
    lower: lower * multiplier,
    upper: upper === null ? null : upper * multiplier,
    confidence,
    multiplier,
    method: 'Fay-Feuer',
    missingCounts: point.missingCounts,
  };
}

/**
 * Expected events E = Σ R_i·n_i with reference rates R_i = reference counts / reference
 * populations by stratum (methods.md §5). A reference stratum with population 0 must have 0 events.
 */
export function expectedEvents(
  populations: readonly number[],
  referenceCounts: readonly number[],
  referencePopulations: readonly number[],
): number {
  assertSameLength('reference_counts', referenceCounts, 'populations', populations);
  assertSameLength('reference_populations', referencePopulations, 'populations', populations);
  let e = 0;
  populations.forEach((n, i) => {
    assertNonNegative(`populations[${i}]`, n);
    const rc = referenceCounts[i] ?? 0;
    const rp = referencePopulations[i] ?? 0;
    assertNonNegative(`reference_counts[${i}]`, rc);
    assertNonNegative(`reference_populations[${i}]`, rp);
    if (rp === 0) {
      if (rc > 0) invalid(`reference_populations[${i}]`, `population de référence nulle pour ${rc} événements`);
      return;
    }
    e += (rc / rp) * n;
  });
  return e;
}

/** Observed events Σ O_i; missing (`null`) counts are read as 0 (see §4). */
function observedTotal(counts: readonly (number | null)[]): number {
  let o = 0;
  counts.forEach((c, i) => {
    if (c === null) return;
    assertNonNegative(`counts[${i}]`, c);
    o += c;
  });
  return o;
}

/** An SMR / ICM with its interval (methods.md §5). */
export interface Smr extends Intervalle {
  observed: number;
  expected: number;
  /** O/E × refvalue (100 for the ICM), `null` when E = 0. */
  value: number | null;
  confidence: number;
  refvalue: number;
  method: PoissonMethod;
  /** E < 5. */
  smallNumbers: boolean;
  reason: 'expected_zero' | null;
}

/**
 * Standardised ratio O/E × refvalue (ICM with refvalue 100) with the exact (O < 10) or Byar
 * limits of O divided by E (methods.md §5; PHEim `calculate_ISRatio`). E = 0 → nulls.
 */
export function smrFromTotals(observed: number, expected: number, options: { confidence?: number; refvalue?: number } = {}): Smr {
  const confidence = options.confidence ?? 0.95;
  const refvalue = options.refvalue ?? 100;
  assertNonNegative('observed', observed);
  assertNonNegative('expected', expected);
  const ci = poissonCountInterval(observed, confidence);
  const base = { observed, expected, confidence, refvalue, method: ci.method, smallNumbers: expected < 5 };
  if (expected === 0) return { ...base, value: null, lower: null, upper: null, reason: 'expected_zero' };
  const scale = refvalue / expected;
  return {
    ...base,
    value: observed * scale,
    lower: ci.lower === null ? null : ci.lower * scale,
    upper: ci.upper === null ? null : ci.upper * scale,
    reason: null,
  };
}

/**
 * SMR / ICM of a territory from its age(-sex) band counts and populations and the reference
 * counts and populations by band (methods.md §5): E = Σ R_i n_i, then `smrFromTotals`.
 */
export function smr(
  counts: readonly (number | null)[],
  populations: readonly number[],
  referenceCounts: readonly number[],
  referencePopulations: readonly number[],
  options: { confidence?: number; refvalue?: number } = {},
): Smr {
  assertSameLength('populations', populations, 'counts', counts);
  const expected = expectedEvents(populations, referenceCounts, referencePopulations);
  return smrFromTotals(observedTotal(counts), expected, options);
}

/** An indirectly standardised rate (methods.md §5). */
export interface IndirectlyStandardisedRate extends Intervalle {
  observed: number;
  expected: number;
  /** Σ reference counts / Σ reference populations × multiplier. */
  referenceRate: number | null;
  value: number | null;
  confidence: number;
  multiplier: number;
  method: PoissonMethod;
}

/**
 * Indirectly standardised rate = SMR × crude reference rate (methods.md §5, PHEim
 * `calculate_ISRate`); limits are those of the SMR times the reference rate.
 */
export function indirectlyStandardisedRate(
  counts: readonly (number | null)[],
  populations: readonly number[],
  referenceCounts: readonly number[],
  referencePopulations: readonly number[],
  options: { confidence?: number; multiplier?: number } = {},
): IndirectlyStandardisedRate {
  const multiplier = options.multiplier ?? 100_000;
  const confidence = options.confidence ?? 0.95;
  const ratio = smr(counts, populations, referenceCounts, referencePopulations, { confidence, refvalue: 1 });
  const refPop = sum(referencePopulations);
  const referenceRate = refPop > 0 ? (sum(referenceCounts) / refPop) * multiplier : null;
  const times = (x: number | null) => (x === null || referenceRate === null ? null : x * referenceRate);
  return {
    observed: ratio.observed,
    expected: ratio.expected,
    referenceRate,
    value: times(ratio.value),
    lower: times(ratio.lower),
    upper: times(ratio.upper),
    confidence,
    multiplier,
    method: ratio.method,
  };
}

/** Tests of an ICM against 100 (methods.md §5). */
export interface SmrSignificance extends Intervalle {
  /** 100·O/E. */
  smrX100: number | null;
  confidence: number;
  ciMethod: PoissonMethod;
  /** (O − E)²/E, 1 df. */
  chi2Stat: number | null;
  chi2P: number | null;
  /** min(1, 2·min(P(X ≤ O), P(X ≥ O))), X ~ Poisson(E). */
  exactPoissonPTwoSided: number | null;
  /** CI rule (primary): `higher` / `lower` when 100 lies outside the interval, else `not significant`. */
  flagCiRule: 'higher' | 'lower' | 'not significant' | 'not_computable';
}

/**
 * ICM significance against 100 (methods.md §5): the CI rule drives the flag; the χ² (1 df) and
 * exact two-sided Poisson p-values are reported beside it (they may disagree near the threshold).
 */
export function smrSignificance(observed: number, expected: number, confidence = 0.95): SmrSignificance {
  const r = smrFromTotals(observed, expected, { confidence, refvalue: 100 });
  if (r.value === null) {
    return {
      smrX100: null,
      lower: null,
      upper: null,
      confidence,
      ciMethod: r.method,
      chi2Stat: null,
      chi2P: null,
      exactPoissonPTwoSided: null,
      flagCiRule: 'not_computable',
    };
  }
  const chi2Stat = ((observed - expected) * (observed - expected)) / expected;
  const pLow = ppois(observed, expected);
  const pHigh = ppoisAtLeast(observed, expected);
  let flag: SmrSignificance['flagCiRule'] = 'not significant';
  if (r.lower !== null && r.lower > 100) flag = 'higher';
  else if (r.upper !== null && r.upper < 100) flag = 'lower';
  return {
    smrX100: r.value,
    lower: r.lower,
    upper: r.upper,
    confidence,
    ciMethod: r.method,
    chi2Stat,
    chi2P: pchisq(chi2Stat, 1, false),
    exactPoissonPTwoSided: Math.min(1, 2 * Math.min(pLow, pHigh)),
    flagCiRule: flag,
  };
}
