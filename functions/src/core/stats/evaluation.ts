import { assertConfidence, assertNonNegative, assertSameLength, invalid, sum } from './commun.ts';
import { twoSidedNormalP } from './comparaison.ts';
import { qnorm, qt, zForConfidence } from './distributions.ts';
import { crudeRate, type PoissonMethod } from './rates.ts';

/** A rate over a pooled period (methods.md §10.1). */
export interface TauxPeriode {
  startYear: number;
  endYear: number;
  /** "2018-2022". */
  period: string;
  /** Central year of the period (may end in .5 for an even number of years). */
  labelYear: number;
  years: number;
  numerator: number;
  /** Σ annual populations. */
  personYears: number;
  value: number | null;
  lower: number | null;
  upper: number | null;
  method: PoissonMethod;
  /** "Moyenne annuelle" of events: Σ O_y / number of years. */
  meanAnnualCount: number;
  confidence: number;
  multiplier: number;
}

interface Annee {
  year: number;
  count: number;
  population: number;
}

function checkSeries(years: readonly number[], counts: readonly number[], populations: readonly number[]): Annee[] {
  assertSameLength('counts', counts, 'years', years);
  assertSameLength('populations', populations, 'years', years);
  if (years.length === 0) invalid('years', 'au moins une année attendue');
  const seen = new Set<number>();
  const rows = years.map((year, i) => {
    if (!Number.isInteger(year)) invalid(`years[${i}]`, 'année entière attendue');
    if (seen.has(year)) invalid(`years[${i}]`, `année en double : ${year}`);
    seen.add(year);
    assertNonNegative(`counts[${i}]`, counts[i]!);
    assertNonNegative(`populations[${i}]`, populations[i]!);
    return { year, count: counts[i]!, population: populations[i]! };
  });
  return rows.sort((a, b) => a.year - b.year);
}

function periodRate(rows: readonly Annee[], multiplier: number, confidence: number): TauxPeriode {
  const numerator = sum(rows.map((r) => r.count));
  const personYears = sum(rows.map((r) => r.population));
  const rate = crudeRate(numerator, personYears, { multiplier, confidence });
  const startYear = rows[0]!.year;
  const endYear = rows[rows.length - 1]!.year;
  return {
    startYear,
    endYear,
    period: startYear === endYear ? String(startYear) : `${startYear}-${endYear}`,
    labelYear: (startYear + endYear) / 2,
    years: rows.length,
    numerator,
    personYears,
    value: rate.value,
    lower: rate.lower,
    upper: rate.upper,
    method: rate.method,
    meanAnnualCount: numerator / rows.length,
    confidence,
    multiplier,
  };
}

/**
 * Rate over a pooled period (methods.md §10.1): Σ O_y / Σ N_y (person-years = sum of the annual
 * populations) × multiplier, Poisson interval on the pooled count (§3), mean annual count, label
 * = central year.
 */
export function pooledPeriodRate(
  years: readonly number[],
  counts: readonly number[],
  populations: readonly number[],
  options: { multiplier?: number; confidence?: number } = {},
): TauxPeriode {
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  return periodRate(checkSeries(years, counts, populations), options.multiplier ?? 100_000, confidence);
}

/**
 * Rolling windows of `window` consecutive years (methods.md §10.1), each a pooled-period rate.
 * Successive windows overlap and are not independent: never test one against the next.
 */
export function rollingWindowRates(
  years: readonly number[],
  counts: readonly number[],
  populations: readonly number[],
  window: number,
  options: { multiplier?: number; confidence?: number } = {},
): TauxPeriode[] {
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const rows = checkSeries(years, counts, populations);
  if (!Number.isInteger(window) || window < 1) invalid('window', 'entier ≥ 1 attendu');
  if (window > rows.length) invalid('window', `fenêtre de ${window} ans plus longue que la série (${rows.length} ans)`);
  const out: TauxPeriode[] = [];
  for (let start = 0; start + window <= rows.length; start++) {
    out.push(periodRate(rows.slice(start, start + window), options.multiplier ?? 100_000, confidence));
  }
  return out;
}

/** Log-linear trend (methods.md §10.2). */
export interface Apc {
  slopeLog: number;
  intercept: number;
  seSlope: number;
  /** 100·(e^b − 1). */
  apcPct: number;
  lowerPct: number;
  upperPct: number;
  df: number;
  tQuantile: number;
  confidence: number;
}

/**
 * Annual percent change by OLS of ln(rate) on year (methods.md §10.2; NCI Joinpoint; PHE App. 7):
 * APC = 100(e^b − 1), CI = 100(e^{b ± t_{n−2}·se(b)} − 1). Needs ≥ 3 years and rates > 0 (a zero
 * rate breaks the log model: use a Poisson regression instead).
 */
export function apcLogLinearOls(years: readonly number[], rates: readonly number[], confidence = 0.95): Apc {
  assertSameLength('rates', rates, 'years', years);
  assertConfidence(confidence);
  if (years.length < 3) invalid('years', 'au moins trois années attendues (n − 2 degrés de liberté)');
  years.forEach((y, i) => {
    if (!Number.isFinite(y)) invalid(`years[${i}]`, 'nombre fini attendu');
  });
  rates.forEach((r, i) => {
    if (!Number.isFinite(r) || r <= 0) invalid(`rates[${i}]`, 'taux strictement positif attendu (modèle log-linéaire ; utiliser une régression de Poisson si une année a 0 événement)');
  });
  const n = years.length;
  const logs = rates.map((r) => Math.log(r));
  const mx = sum(years) / n;
  const my = sum(logs) / n;
  let sxx = 0;
  let sxy = 0;
  years.forEach((x, i) => {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (logs[i]! - my);
  });
  if (!(sxx > 0)) invalid('years', 'les années doivent être distinctes');
  const b = sxy / sxx;
  const a = my - b * mx;
  let rss = 0;
  years.forEach((x, i) => {
    const e = logs[i]! - (a + b * x);
    rss += e * e;
  });
  const df = n - 2;
  const se = Math.sqrt(rss / df / sxx);
  const t = qt(1 - (1 - confidence) / 2, df);
  return {
    slopeLog: b,
    intercept: a,
    seSlope: se,
    apcPct: 100 * Math.expm1(b),
    lowerPct: 100 * Math.expm1(b - t * se),
    upperPct: 100 * Math.expm1(b + t * se),
    df,
    tQuantile: t,
    confidence,
  };
}

/** Events and person-years of one cell of a difference-in-differences design. */
export interface Cellule {
  count: number;
  personYears: number;
}

/** Difference-in-differences of rates (methods.md §10.3). */
export interface DifferenceDeDifferences {
  rates: { treatedBefore: number; treatedAfter: number; controlBefore: number; controlAfter: number };
  didAbsolute: number;
  didSe: number;
  didLower: number;
  didUpper: number;
  didPValue: number | null;
  ratioOfRateRatios: number | null;
  rrrSeLog: number | null;
  rrrLower: number | null;
  rrrUpper: number | null;
  rrrPValue: number | null;
  confidence: number;
  multiplier: number;
}

/**
 * Difference in differences of rates, treated (CLS) vs control, before vs after (methods.md
 * §10.3): absolute DiD with var(R) = O/N² summed over the four cells (Wald CI), and ratio of rate
 * ratios with var(ln) = Σ 1/O (Wald CI on the log scale, two-sided p).
 */
export function differenceInDifferencesRates(
  cells: { treatedBefore: Cellule; treatedAfter: Cellule; controlBefore: Cellule; controlAfter: Cellule },
  options: { multiplier?: number; confidence?: number } = {},
): DifferenceDeDifferences {
  const multiplier = options.multiplier ?? 100_000;
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const names = { treatedBefore: 'treated_before', treatedAfter: 'treated_after', controlBefore: 'control_before', controlAfter: 'control_after' } as const;
  const keys = Object.keys(names) as (keyof typeof names)[];
  for (const k of keys) {
    assertNonNegative(`${names[k]}.count`, cells[k].count);
    assertNonNegative(`${names[k]}.person_years`, cells[k].personYears);
    if (cells[k].personYears === 0) invalid(`${names[k]}.person_years`, 'personnes-années nulles');
  }
  const rate = (c: Cellule) => (c.count / c.personYears) * multiplier;
  const variance = (c: Cellule) => (c.count / (c.personYears * c.personYears)) * multiplier * multiplier;
  const rates = {
    treatedBefore: rate(cells.treatedBefore),
    treatedAfter: rate(cells.treatedAfter),
    controlBefore: rate(cells.controlBefore),
    controlAfter: rate(cells.controlAfter),
  };
  const z = zForConfidence(confidence);
  const did = rates.treatedAfter - rates.treatedBefore - (rates.controlAfter - rates.controlBefore);
  const didSe = Math.sqrt(sum(keys.map((k) => variance(cells[k]))));
  const anyZero = keys.some((k) => cells[k].count === 0);
  let rrr: number | null = null;
  let seLog: number | null = null;
  if (!anyZero) {
    rrr = rates.treatedAfter / rates.treatedBefore / (rates.controlAfter / rates.controlBefore);
    seLog = Math.sqrt(sum(keys.map((k) => 1 / cells[k].count)));
  }
  return {
    rates,
    didAbsolute: did,
    didSe,
    didLower: did - z * didSe,
    didUpper: did + z * didSe,
    didPValue: didSe > 0 ? twoSidedNormalP(did / didSe) : null,
    ratioOfRateRatios: rrr,
    rrrSeLog: seLog,
    rrrLower: rrr === null || seLog === null ? null : Math.exp(Math.log(rrr) - z * seLog),
    rrrUpper: rrr === null || seLog === null ? null : Math.exp(Math.log(rrr) + z * seLog),
    rrrPValue: rrr === null || seLog === null ? null : twoSidedNormalP(Math.log(rrr) / seLog),
    confidence,
    multiplier,
  };
}

/** z_{1−α/2} + z_{1−β} (or z_{1−α} + z_{1−β} one-sided) (methods.md §10.4). */
export function zAlphaPlusZBeta(alpha: number, power: number, twoSided = true): number {
  if (!(alpha > 0 && alpha < 1)) invalid('alpha', 'attendu strictement entre 0 et 1');
  if (!(power > 0 && power < 1)) invalid('power', 'attendu strictement entre 0 et 1');
  return -qnorm(twoSided ? alpha / 2 : alpha) + qnorm(power);
}

/** Root of an increasing-or-decreasing function on [lo, hi] by bisection (sign change assumed). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  let flo = f(lo);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (fm === 0 || hi - lo <= 1e-15 * Math.abs(mid)) return mid;
    if (Math.sign(fm) === Math.sign(flo)) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Largest root below 1 of g on (0, 1) where g(start) > 0 (start < 1): steps down geometrically
 * until g < 0, then bisects. `null` when g stays positive (no detectable decrease).
 */
function rootBelowOne(g: (x: number) => number, start: number): number | null {
  let hi = start;
  let lo = start;
  for (let i = 0; i < 2000; i++) {
    lo = hi * 0.95;
    if (lo < 1e-12) return null;
    if (g(lo) < 0) return bisect(g, lo, hi);
    hi = lo;
  }
  return null;
}

/**
 * Minimum detectable rate ratio between two periods with E expected events each (methods.md
 * §10.4): RR = exp(±(z_{1−α/2} + z_{1−β})·√(2/E)); the refined version solves
 * ln RR = ±K·√(1/E + 1/(E·RR)).
 */
export function minimumDetectableChangeRate(
  expectedEventsPerPeriod: number,
  alpha = 0.05,
  power = 0.8,
  twoSided = true,
): { rrDecrease: number; rrIncrease: number; zSum: number; rrDecreaseRefined: number | null; rrIncreaseRefined: number } {
  const e = expectedEventsPerPeriod;
  if (!(e > 0) || !Number.isFinite(e)) invalid('expected_events_per_period', 'nombre strictement positif attendu');
  const k = zAlphaPlusZBeta(alpha, power, twoSided);
  const d = k * Math.sqrt(2 / e);
  const up = (rr: number) => Math.log(rr) - k * Math.sqrt((1 + 1 / rr) / e);
  let hi = Math.exp(d);
  while (up(hi) < 0) hi *= 2;
  const rrIncreaseRefined = bisect(up, 1, hi);
  const down = (rr: number) => Math.log(rr) + k * Math.sqrt((1 + 1 / rr) / e);
  const rrDecreaseRefined = rootBelowOne(down, Math.exp(-d));
  return { rrDecrease: Math.exp(-d), rrIncrease: Math.exp(d), zSum: k, rrDecreaseRefined, rrIncreaseRefined };
}

/**
 * Minimum detectable absolute change of a proportion with n persons per period (methods.md
 * §10.4): Δ = (z_{1−α/2} + z_{1−β})·√(2p₀(1 − p₀)/n).
 */
export function minimumDetectableChangeProportion(p0: number, nPerPeriod: number, alpha = 0.05, power = 0.8, twoSided = true): { deltaAbs: number; zSum: number } {
  if (!(p0 >= 0 && p0 <= 1)) invalid('p0', 'proportion attendue entre 0 et 1');
  if (!(nPerPeriod > 0) || !Number.isFinite(nPerPeriod)) invalid('n_per_period', 'effectif strictement positif attendu');
  const k = zAlphaPlusZBeta(alpha, power, twoSided);
  return { deltaAbs: k * Math.sqrt((2 * p0 * (1 - p0)) / nPerPeriod), zSum: k };
}

/**
 * Minimum SMR detectable against a fixed reference with E expected events (methods.md §10.4):
 * smallest SMR > 1 with ln SMR = K/√(E·SMR), K = z_{1−α/2} + z_{1−β}; also the largest SMR < 1
 * with ln SMR = −K/√(E·SMR) (`null` if none).
 */
export function minimumDetectableSmr(expected: number, alpha = 0.05, power = 0.8, twoSided = true): { smrMinIncrease: number; smrMinDecrease: number | null; zSum: number } {
  if (!(expected > 0) || !Number.isFinite(expected)) invalid('expected', 'nombre strictement positif attendu');
  const k = zAlphaPlusZBeta(alpha, power, twoSided);
  const up = (s: number) => Math.log(s) - k / Math.sqrt(expected * s);
  let hi = 2;
  while (up(hi) < 0) hi *= 2;
  const smrMinIncrease = bisect(up, 1, hi);
  const down = (s: number) => Math.log(s) + k / Math.sqrt(expected * s);
  // down has its minimum at s* = K²/(4E); a root below 1 exists iff down(s*) < 0
  const sStar = (k * k) / (4 * expected);
  const smrMinDecrease = sStar < 1 && down(sStar) < 0 ? bisect(down, sStar, 1) : null;
  return { smrMinIncrease, smrMinDecrease, zSum: k };
}
