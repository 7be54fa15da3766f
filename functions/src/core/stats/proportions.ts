import { assertConfidence, assertNonNegative, invalid, type Intervalle } from './commun.ts';
import { zForConfidence } from './distributions.ts';

/** A proportion with its Wilson score interval (methods.md §2). */
export interface ProportionWilson extends Intervalle {
  /** x/n, or `null` when n = 0 (reason `denominator_zero`). */
  value: number | null;
  numerator: number;
  denominator: number;
  confidence: number;
  method: 'Wilson';
  /** §9: proportions with n < 30 or x < 5 are flagged. */
  smallNumbers: boolean;
  reason: 'denominator_zero' | null;
}

/**
 * Wilson score interval for x/n (methods.md §2, Wilson 1927; PHE Technical Guide App. 3):
 * [2x + z² ∓ z·√(z² + 4x(1 − x/n))] / [2(n + z²)]. Fractions (not ×100). n = 0 → nulls;
 * x < 0, n < 0 or x > n → `ParametreInvalideError` naming `numerator`/`denominator`.
 */
export function wilsonInterval(numerator: number, denominator: number, confidence = 0.95): ProportionWilson {
  assertNonNegative('numerator', numerator);
  assertNonNegative('denominator', denominator);
  assertConfidence(confidence);
  if (numerator > denominator) invalid('numerator', `le numérateur (${numerator}) dépasse le dénominateur (${denominator})`);
  const base = { numerator, denominator, confidence, method: 'Wilson' as const, smallNumbers: denominator < 30 || numerator < 5 };
  if (denominator === 0) return { ...base, value: null, lower: null, upper: null, reason: 'denominator_zero' };
  const z = zForConfidence(confidence);
  const z2 = z * z;
  const x = numerator;
  const n = denominator;
  const centre = 2 * x + z2;
  const halfWidth = z * Math.sqrt(z2 + 4 * x * (1 - x / n));
  const denom = 2 * (n + z2);
  // At the edges the formula gives exactly 0 (x = 0) and 1 (x = n) up to rounding: pin them.
  const lower = x === 0 ? 0 : (centre - halfWidth) / denom;
  const upper = x === n ? 1 : (centre + halfWidth) / denom;
  return { ...base, value: x / n, lower, upper, reason: null };
}

/**
 * Proportion of a group of rows: numerators and denominators are summed first, then the Wilson
 * interval is computed (methods.md §1.1, never an average of proportions).
 */
export function wilsonIntervalAggregated(rows: readonly { numerator: number; denominator: number }[], confidence = 0.95): ProportionWilson {
  let x = 0;
  let n = 0;
  rows.forEach((row, i) => {
    assertNonNegative(`rows[${i}].numerator`, row.numerator);
    assertNonNegative(`rows[${i}].denominator`, row.denominator);
    if (row.numerator > row.denominator) invalid(`rows[${i}].numerator`, `le numérateur (${row.numerator}) dépasse le dénominateur (${row.denominator})`);
    x += row.numerator;
    n += row.denominator;
  });
  return wilsonInterval(x, n, confidence);
}
