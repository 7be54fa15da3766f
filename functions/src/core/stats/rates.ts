import { assertConfidence, assertNonNegative, invalid, type Intervalle } from './commun.ts';
import { qgamma, zForConfidence } from './distributions.ts';

/** Label of the method used for a Poisson interval (methods.md §3). */
export type PoissonMethod = 'Exact' | 'Byar';

/** Counts below this use the exact interval, from it Byar's approximation (§3). */
export const BYAR_THRESHOLD = 10;

/** Poisson interval of a count with the method used. */
export interface PoissonInterval extends Intervalle {
  method: PoissonMethod;
}

/**
 * Byar's lower limit of a Poisson count (methods.md §3; Breslow & Day 1987; PHE App. 1):
 * O·(1 − 1/(9O) − z/(3√O))³. `null` when the result is negative (tiny O at high confidence,
 * as PHEindicatormethods returns NA); 0 for O = 0.
 */
export function byarLower(observed: number, confidence = 0.95): number | null {
  assertNonNegative('observed', observed);
  assertConfidence(confidence);
  if (observed === 0) return 0;
  const z = zForConfidence(confidence);
  const base = 1 - 1 / (9 * observed) - z / (3 * Math.sqrt(observed));
  if (base < 0) return null;
  return observed * base * base * base;
}

/** Byar's upper limit of a Poisson count (methods.md §3): (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³. */
export function byarUpper(observed: number, confidence = 0.95): number {
  assertNonNegative('observed', observed);
  assertConfidence(confidence);
  const z = zForConfidence(confidence);
  const o = observed + 1;
  const base = 1 - 1 / (9 * o) + z / (3 * Math.sqrt(o));
  return o * base * base * base;
}

/**
 * Exact (chi-square / gamma) limits of a Poisson count (methods.md §3, PHE App. 2):
 * lower = Gamma⁻¹(α/2; O) (0 when O = 0), upper = Gamma⁻¹(1 − α/2; O + 1).
 */
export function exactPoissonInterval(observed: number, confidence = 0.95): Intervalle {
  assertNonNegative('observed', observed);
  assertConfidence(confidence);
  const alpha = 1 - confidence;
  const lower = observed === 0 ? 0 : qgamma(alpha / 2, observed);
  const upper = qgamma(alpha / 2, observed + 1, 1, false);
  return { lower, upper };
}

/**
 * Poisson interval of a count (methods.md §3): exact when O < 10, Byar from 10 — or the method
 * forced by `method`.
 */
export function poissonCountInterval(observed: number, confidence = 0.95, method: PoissonMethod | 'auto' = 'auto'): PoissonInterval {
  const chosen: PoissonMethod = method === 'auto' ? (observed < BYAR_THRESHOLD ? 'Exact' : 'Byar') : method;
  if (chosen === 'Exact') return { ...exactPoissonInterval(observed, confidence), method: 'Exact' };
  return { lower: byarLower(observed, confidence), upper: byarUpper(observed, confidence), method: 'Byar' };
}

/** A crude rate with its Poisson interval (methods.md §3). */
export interface CrudeRate extends Intervalle {
  /** O/N × multiplier, `null` when N ≤ 0 (reason `denominator_zero`). */
  value: number | null;
  numerator: number;
  denominator: number;
  multiplier: number;
  confidence: number;
  method: PoissonMethod;
  /** §9: O < 20 → unreliable (relative standard error > ~23 %). */
  smallNumbers: boolean;
  reason: 'denominator_zero' | null;
}

/**
 * Crude rate O/N × multiplier with the interval on the count divided by N (methods.md §3):
 * exact when O < 10, Byar otherwise. O > N is allowed (repeated events); N ≤ 0 → nulls.
 */
export function crudeRate(numerator: number, denominator: number, options: { confidence?: number; multiplier?: number } = {}): CrudeRate {
  const confidence = options.confidence ?? 0.95;
  const multiplier = options.multiplier ?? 100_000;
  assertNonNegative('numerator', numerator);
  if (!Number.isFinite(denominator)) invalid('denominator', 'nombre fini attendu');
  const ci = poissonCountInterval(numerator, confidence);
  const base = { numerator, denominator, multiplier, confidence, method: ci.method, smallNumbers: numerator < 20 };
  if (!(denominator > 0)) return { ...base, value: null, lower: null, upper: null, reason: 'denominator_zero' };
  const scale = multiplier / denominator;
  return {
    ...base,
    value: numerator * scale,
    lower: ci.lower === null ? null : ci.lower * scale,
    upper: ci.upper === null ? null : ci.upper * scale,
    reason: null,
  };
}

/**
 * Crude rate of a group of rows: numerators and denominators are summed first, then the rate
 * and its interval are computed (methods.md §1.1).
 */
export function crudeRateAggregated(
  rows: readonly { numerator: number; denominator: number }[],
  options: { confidence?: number; multiplier?: number } = {},
): CrudeRate {
  let o = 0;
  let n = 0;
  rows.forEach((row, i) => {
    assertNonNegative(`rows[${i}].numerator`, row.numerator);
    assertNonNegative(`rows[${i}].denominator`, row.denominator);
    o += row.numerator;
    n += row.denominator;
  });
  return crudeRate(o, n, options);
}
