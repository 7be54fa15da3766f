import { assertNonNegative, assertSameLength, invalid, sum } from './commun.ts';

/** Name of a weighted quantile definition (methods.md §8.1). */
export type QuantileRule = 'weighted_quantile_step' | 'weighted_quantile_midpoint_interpolated';

interface Unit {
  x: number;
  w: number;
}

/** Checks values and weights, drops zero-weight units, sorts by value. */
function sortedUnits(values: readonly number[], weights: readonly number[]): { units: Unit[]; total: number } {
  assertSameLength('weights', weights, 'values', values);
  if (values.length === 0) invalid('values', 'au moins une unité attendue');
  const units: Unit[] = [];
  values.forEach((x, i) => {
    if (!Number.isFinite(x)) invalid(`values[${i}]`, 'nombre fini attendu');
    const w = weights[i] ?? 0;
    assertNonNegative(`weights[${i}]`, w);
    if (w > 0) units.push({ x, w });
  });
  const total = sum(units.map((u) => u.w));
  if (!(total > 0)) invalid('weights', 'la somme des poids doit être positive');
  units.sort((a, b) => a.x - b.x);
  return { units, total };
}

/**
 * Weighted step quantile (methods.md §8.1, default rule): the smallest x_i whose cumulative
 * weight share is ≥ p (Hyndman & Fan type 1 with weights).
 */
export function weightedQuantileStep(values: readonly number[], weights: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) invalid('p', 'probabilité attendue entre 0 et 1');
  const { units, total } = sortedUnits(values, weights);
  const target = p * total;
  let cumulative = 0;
  for (const u of units) {
    cumulative += u.w;
    // relative tolerance so that an exact share (e.g. 1 of 10 equal weights at p = 0.1) is reached
    if (cumulative >= target - 1e-12 * total) return u.x;
  }
  return units[units.length - 1]!.x;
}

/**
 * Weighted midpoint-interpolated quantile (methods.md §8.1): x_i placed at its cumulative-weight
 * midpoint (Σ_{j<i} w_j + w_i/2)/W, linear interpolation between midpoints, clamped outside
 * the first and last midpoints.
 */
export function weightedQuantileMidpoint(values: readonly number[], weights: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) invalid('p', 'probabilité attendue entre 0 et 1');
  const { units, total } = sortedUnits(values, weights);
  let before = 0;
  const positions = units.map((u) => {
    const m = (before + u.w / 2) / total;
    before += u.w;
    return m;
  });
  const first = units[0]!;
  const last = units[units.length - 1]!;
  if (p <= positions[0]!) return first.x;
  if (p >= positions[positions.length - 1]!) return last.x;
  for (let i = 1; i < units.length; i++) {
    const m1 = positions[i]!;
    if (p <= m1) {
      const m0 = positions[i - 1]!;
      const x0 = units[i - 1]!.x;
      const x1 = units[i]!.x;
      return x0 + ((p - m0) / (m1 - m0)) * (x1 - x0);
    }
  }
  return last.x;
}

/** Interdecile ratio D9/D1 with the named rule (methods.md §8.1); `fewUnits` under 10 units. */
export function interdecileRatio(
  values: readonly number[],
  weights: readonly number[],
  rule: QuantileRule = 'weighted_quantile_step',
): { d1: number; d9: number; ratio: number | null; rule: QuantileRule; units: number; fewUnits: boolean } {
  const q = rule === 'weighted_quantile_step' ? weightedQuantileStep : weightedQuantileMidpoint;
  const d1 = q(values, weights, 0.1);
  const d9 = q(values, weights, 0.9);
  const units = values.length;
  return { d1, d9, ratio: d1 !== 0 ? d9 / d1 : null, rule, units, fewUnits: units < 10 };
}

/** Between-unit inequality summary (methods.md §8.2). */
export interface InegaliteEntreUnites {
  weightedMean: number;
  gini: number;
  theilT: number;
  /** Mean log deviation, computed on units with x > 0 (`null` if none). */
  theilL: number | null;
  weightedSd: number;
  cv: number | null;
  units: number;
  /** Units with x = 0 left out of Theil L. */
  zerosDroppedForTheilL: number;
  singleUnit: boolean;
}

/**
 * Population-weighted Gini, Theil T, Theil L (MLD), SD and CV of unit values (methods.md §8.2):
 * Gini = ΣΣ w_i w_j |x_i − x_j| / (2W²μ) (computed in O(n log n) on sorted values),
 * T = Σ (w_i/W)(x_i/μ) ln(x_i/μ) (0·ln 0 = 0), L = Σ (w_i/W) ln(μ/x_i) on x_i > 0,
 * CV = σ_w/μ with σ_w² = Σ (w_i/W)(x_i − μ)². Values must be ≥ 0.
 */
export function inequalityBetweenUnits(values: readonly number[], weights: readonly number[]): InegaliteEntreUnites {
  values.forEach((x, i) => assertNonNegative(`values[${i}]`, x));
  const { units, total } = sortedUnits(values, weights);
  const mean = sum(units.map((u) => u.w * u.x)) / total;
  // Gini: Σ_{i>j} w_i w_j (x_i − x_j) = Σ_i w_i (x_i·W_<i − S_<i) on sorted values
  let wBefore = 0;
  let sBefore = 0;
  let pairs = 0;
  let variance = 0;
  let theilT = 0;
  for (const u of units) {
    pairs += u.w * (u.x * wBefore - sBefore);
    wBefore += u.w;
    sBefore += u.w * u.x;
    variance += (u.w / total) * (u.x - mean) * (u.x - mean);
    if (u.x > 0 && mean > 0) theilT += (u.w / total) * (u.x / mean) * Math.log(u.x / mean);
  }
  const gini = mean > 0 ? pairs / (total * total * mean) : 0;
  const positive = units.filter((u) => u.x > 0);
  let theilL: number | null = null;
  if (positive.length > 0) {
    const wp = sum(positive.map((u) => u.w));
    const mp = sum(positive.map((u) => u.w * u.x)) / wp;
    theilL = 0;
    for (const u of positive) theilL += (u.w / wp) * Math.log(mp / u.x);
  }
  const weightedSd = Math.sqrt(variance);
  return {
    weightedMean: mean,
    gini,
    theilT,
    theilL,
    weightedSd,
    cv: mean > 0 ? weightedSd / mean : null,
    units: units.length,
    zerosDroppedForTheilL: units.length - positive.length,
    singleUnit: units.length === 1,
  };
}

/** Population shares and mid-point ranks of ordered groups (§8.3–8.4). */
function sharesAndRanks(populations: readonly number[], field = 'populations'): { shares: number[]; ranks: number[] } {
  if (populations.length === 0) invalid(field, 'au moins un groupe attendu');
  populations.forEach((n, i) => assertNonNegative(`${field}[${i}]`, n));
  const total = sum(populations);
  if (!(total > 0)) invalid(field, 'la population totale doit être positive');
  const shares = populations.map((n) => n / total);
  let before = 0;
  const ranks = shares.map((a) => {
    const r = before + a / 2;
    before += a;
    return r;
  });
  return { shares, ranks };
}

/** Slope and relative index of inequality (methods.md §8.3). */
export interface SiiRii {
  sii: number;
  rii: number | null;
  intercept: number;
  /** Mid-point ranks b_k of the quantiles (1 = most deprived first). */
  ranks: number[];
  shares: number[];
}

/**
 * SII / RII (methods.md §8.3; Low & Low 2004; PHEim `phe_sii`): weighted least squares of
 * value_k on the mid-point rank b_k with weights a_k (population shares), quantiles ordered
 * **1 = most deprived**. SII = β1, RII = (β0 + β1)/β0. Point estimates only.
 */
export function siiRii(populations: readonly number[], values: readonly number[]): SiiRii {
  assertSameLength('values', values, 'populations', populations);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) invalid(`values[${i}]`, 'nombre fini attendu');
  });
  const { shares, ranks } = sharesAndRanks(populations);
  if (shares.filter((a) => a > 0).length < 2) invalid('populations', 'au moins deux quantiles de population non nulle attendus');
  let meanX = 0;
  let meanY = 0;
  shares.forEach((a, k) => {
    meanX += a * ranks[k]!;
    meanY += a * values[k]!;
  });
  let sxy = 0;
  let sxx = 0;
  shares.forEach((a, k) => {
    sxy += a * (ranks[k]! - meanX) * (values[k]! - meanY);
    sxx += a * (ranks[k]! - meanX) * (ranks[k]! - meanX);
  });
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  return { sii: slope, rii: intercept !== 0 ? (intercept + slope) / intercept : null, intercept, ranks, shares };
}

/** Concentration index of grouped data (methods.md §8.4). */
export interface IndiceConcentration {
  mean: number;
  fractionalRankMidpoints: number[];
  shares: number[];
  concentrationIndex: number | null;
}

/**
 * Concentration index for ordered groups (methods.md §8.4; Kakwani, Wagstaff & van Doorslaer
 * 1997): C = (2/μ) Σ f_t μ_t R_t − 1 with population shares f_t and mid-point ranks R_t,
 * groups ordered from the most deprived. C < 0: outcome concentrated among the most deprived.
 */
export function concentrationIndexGrouped(populations: readonly number[], rates: readonly number[]): IndiceConcentration {
  assertSameLength('rates', rates, 'populations', populations);
  rates.forEach((v, i) => {
    if (!Number.isFinite(v)) invalid(`rates[${i}]`, 'nombre fini attendu');
  });
  const { shares, ranks } = sharesAndRanks(populations);
  let mean = 0;
  let weighted = 0;
  shares.forEach((f, t) => {
    mean += f * rates[t]!;
    weighted += f * rates[t]! * ranks[t]!;
  });
  return {
    mean,
    fractionalRankMidpoints: ranks,
    shares,
    concentrationIndex: mean !== 0 ? (2 / mean) * weighted - 1 : null,
  };
}
