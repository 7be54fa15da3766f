import { assertNonNegative, invalid } from './commun.ts';
import { weightedQuantileStep } from './inegalites.ts';

/** A commune row with an additive numerator and denominator; `null` numerator = secret. */
export interface CommuneCompte {
  code: string;
  numerator: number | null;
  denominator: number;
}

/** Pooled rate of a perimeter (methods.md §1.1, §1.4). */
export interface TauxAgrege {
  /** Σ numerators of the communes taken into account. */
  numerator: number;
  denominator: number;
  /** Σ n / Σ d × multiplier (`null` when Σ d = 0). */
  value: number | null;
  /** The wrong unweighted mean of commune rates, shown for teaching only (§1.1). */
  wrongUnweightedMeanOfRates: number | null;
  multiplier: number;
  /** Σ d(unmasked) / Σ d, 1 when nothing is secret. */
  coverage: number | null;
  /** Communes with a secret numerator, left out (§1.4 option b). */
  excluded: string[];
  partialCoverage: boolean;
}

/**
 * Rate of a perimeter: Σ numerators / Σ denominators × multiplier, never an average of rates
 * (methods.md §1.1). Communes with a secret (`null`) numerator are left out and the coverage
 * Σ d(unmasked)/Σ d is reported with `partialCoverage` (§1.4 option b); never replaced by 0.
 */
export function aggregateRate(communes: readonly CommuneCompte[], multiplier = 100_000): TauxAgrege {
  if (communes.length === 0) invalid('communes', 'au moins une commune attendue');
  let numerator = 0;
  let denominator = 0;
  let totalDenominator = 0;
  let sumOfRates = 0;
  let ratesCounted = 0;
  const excluded: string[] = [];
  communes.forEach((c, i) => {
    assertNonNegative(`communes[${i}].denominator`, c.denominator);
    totalDenominator += c.denominator;
    if (c.numerator === null) {
      excluded.push(c.code);
      return;
    }
    assertNonNegative(`communes[${i}].numerator`, c.numerator);
    numerator += c.numerator;
    denominator += c.denominator;
    if (c.denominator > 0) {
      sumOfRates += c.numerator / c.denominator;
      ratesCounted++;
    }
  });
  return {
    numerator,
    denominator,
    value: denominator > 0 ? (numerator / denominator) * multiplier : null,
    wrongUnweightedMeanOfRates: ratesCounted > 0 ? (sumOfRates / ratesCounted) * multiplier : null,
    multiplier,
    coverage: totalDenominator > 0 ? denominator / totalDenominator : null,
    excluded,
    partialCoverage: excluded.length > 0,
  };
}

/** Approximated median of a custom perimeter (methods.md §1.2). */
export interface MedianeApprochee {
  populationWeightedMeanOfMedians: number | null;
  populationWeightedMedianOfMedians: number | null;
  /** Always `approximation`: never display without it, never rank on it (§1.2). */
  flag: 'approximation';
  coveredPopulation: number;
  totalPopulation: number;
  coverage: number | null;
  partialCoverage: boolean;
}

/**
 * Approximation of the median of a custom perimeter from commune medians (methods.md §1.2 step
 * 3): population-weighted mean of medians, and population-weighted step median of medians
 * (§8.1). Secret medians (`null`) are excluded and the covered population reported (step 4).
 */
export function aggregateMedianApproximation(communes: readonly { code: string; median: number | null; population: number }[]): MedianeApprochee {
  if (communes.length === 0) invalid('communes', 'au moins une commune attendue');
  const values: number[] = [];
  const weights: number[] = [];
  let total = 0;
  communes.forEach((c, i) => {
    assertNonNegative(`communes[${i}].population`, c.population);
    total += c.population;
    if (c.median === null) return;
    if (!Number.isFinite(c.median)) invalid(`communes[${i}].median`, 'nombre fini attendu');
    values.push(c.median);
    weights.push(c.population);
  });
  const covered = weights.reduce((s, w) => s + w, 0);
  const mean = covered > 0 ? values.reduce((s, v, i) => s + v * weights[i]!, 0) / covered : null;
  return {
    populationWeightedMeanOfMedians: mean,
    populationWeightedMedianOfMedians: covered > 0 ? weightedQuantileStep(values, weights, 0.5) : null,
    flag: 'approximation',
    coveredPopulation: covered,
    totalPopulation: total,
    coverage: total > 0 ? covered / total : null,
    partialCoverage: covered < total,
  };
}

/** Poverty rate of a perimeter from published commune rates (methods.md §1.2). */
export interface TauxDepuisPublies {
  valuePct: number | null;
  coveredPersons: number;
  totalPersons: number;
  coveragePct: number | null;
  flag: 'ok' | 'partial_coverage';
  excluded: string[];
}

/**
 * Perimeter rate from published commune rates of a proportion of persons with a national
 * threshold (Filosofi poverty rate, methods.md §1.2): persons-weighted mean of the commune rates
 * over non-secret communes, coverage = covered persons / all persons, flag `partial_coverage`
 * when a commune is secret (`null`).
 */
export function aggregateProportionFromPublishedRates(
  communes: readonly { code: string; ratePct: number | null; persons: number }[],
): TauxDepuisPublies {
  if (communes.length === 0) invalid('communes', 'au moins une commune attendue');
  let covered = 0;
  let total = 0;
  let weighted = 0;
  const excluded: string[] = [];
  communes.forEach((c, i) => {
    assertNonNegative(`communes[${i}].persons_in_fiscal_households`, c.persons);
    total += c.persons;
    if (c.ratePct === null) {
      excluded.push(c.code);
      return;
    }
    assertNonNegative(`communes[${i}].poverty_rate_pct`, c.ratePct);
    if (c.ratePct > 100) invalid(`communes[${i}].poverty_rate_pct`, 'un pourcentage ne peut dépasser 100');
    covered += c.persons;
    weighted += c.ratePct * c.persons;
  });
  return {
    valuePct: covered > 0 ? weighted / covered : null,
    coveredPersons: covered,
    totalPersons: total,
    coveragePct: total > 0 ? (100 * covered) / total : null,
    flag: covered < total || excluded.length > 0 ? 'partial_coverage' : 'ok',
    excluded,
  };
}
