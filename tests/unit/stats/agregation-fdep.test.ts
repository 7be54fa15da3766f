import { describe, expect, it } from 'vitest';
import { aggregateMedianApproximation, aggregateProportionFromPublishedRates } from '../../../functions/src/core/stats/agregation.ts';
import { fdepWeightedPca, symmetricEigen } from '../../../functions/src/core/stats/fdep.ts';
import { weightedQuantileStep } from '../../../functions/src/core/stats/inegalites.ts';
import { proche } from './proche.ts';

describe('§1.2 medians and published rates are not additive', () => {
  it('counter-example: union median 16 vs weighted mean of medians 20.5', () => {
    const union = [10, 11, 12, 20, 30, 40];
    expect(weightedQuantileStep(union, union.map(() => 1), 0.5)).toBe(12); // step rule: lower middle
    const approx = aggregateMedianApproximation([
      { code: 'A', median: 11, population: 3 },
      { code: 'B', median: 30, population: 3 },
    ]);
    expect(approx.populationWeightedMeanOfMedians).toBe(20.5);
  });

  it('aggregate_median_popweighted_approx: 22 618.56 and 23 000, flagged approximation', () => {
    const r = aggregateMedianApproximation([
      { code: 'A', median: 21000, population: 1500 },
      { code: 'B', median: 19500, population: 200 },
      { code: 'C', median: 23000, population: 8000 },
    ]);
    proche(r.populationWeightedMeanOfMedians, '22618.56');
    expect(r.populationWeightedMedianOfMedians).toBe(23000);
    expect(r.flag).toBe('approximation');
    expect(r.partialCoverage).toBe(false);
  });

  it('a secret median is excluded and the coverage reported', () => {
    const r = aggregateMedianApproximation([
      { code: 'A', median: 21000, population: 1500 },
      { code: 'B', median: null, population: 500 },
    ]);
    expect(r.populationWeightedMeanOfMedians).toBe(21000);
    proche(r.coverage, 0.75, 1e-12);
    expect(r.partialCoverage).toBe(true);
  });

  it('aggregate_poverty_rate_persons_weighted: 14.0714 %, coverage 97.902 %, partial_coverage', () => {
    const r = aggregateProportionFromPublishedRates([
      { code: 'A', ratePct: 12.5, persons: 10000 },
      { code: 'B', ratePct: 18.0, persons: 4000 },
      { code: 'C', ratePct: null, persons: 300 },
    ]);
    proche(r.valuePct, '14.0714');
    expect(r.coveredPersons).toBe(14000);
    expect(r.totalPersons).toBe(14300);
    proche(r.coveragePct, '97.902');
    expect(r.flag).toBe('partial_coverage');
    expect(r.excluded).toEqual(['C']);
  });

  it('no secret commune → flag ok', () => {
    expect(aggregateProportionFromPublishedRates([{ code: 'A', ratePct: 10, persons: 100 }]).flag).toBe('ok');
  });
});

describe('§7.1 FDep by weighted PCA (fdep_toy_8_communes)', () => {
  const toy = [
    ['c1', 12000, 21500, 0.52, 0.18, 0.085],
    ['c2', 3500, 19800, 0.41, 0.27, 0.112],
    ['c3', 800, 23500, 0.58, 0.15, 0.062],
    ['c4', 25000, 18200, 0.38, 0.24, 0.148],
    ['c5', 1500, 20500, 0.45, 0.25, 0.095],
    ['c6', 6000, 22800, 0.55, 0.16, 0.071],
    ['c7', 450, 19000, 0.36, 0.31, 0.12],
    ['c8', 9000, 17500, 0.33, 0.29, 0.165],
  ] as const;
  const communes = toy.map(([code, population, medianIncomeUc, shareBac, shareOuvriers, unemployment]) => ({
    code,
    population,
    medianIncomeUc,
    shareBac,
    shareOuvriers,
    unemployment,
  }));
  const r = fdepWeightedPca(communes);

  it('λ1 = 3.829910 (95.75 % of variance)', () => {
    proche(r.lambda1, 3.82991);
    proche(r.varianceShare * 100, '95.75');
  });

  it('loadings oriented so that unemployment is positive', () => {
    proche(r.loadings.median_income_uc, -0.5050297);
    proche(r.loadings.share_bac, -0.5106565);
    proche(r.loadings.share_ouvriers, 0.482266);
    proche(r.loadings.unemployment, 0.5015919);
  });

  it('scores', () => {
    const expected = { c1: -2.283399, c2: 0.289126, c3: -3.881193, c4: 1.101799, c5: -0.630319, c6: -3.255028, c7: 1.39354, c8: 2.421931 };
    for (const [code, score] of Object.entries(expected)) proche(r.scores[code], score);
  });

  it('population quintiles (1 = least deprived)', () => {
    expect(r.populationQuintile).toEqual({ c3: 1, c6: 1, c1: 2, c5: 2, c2: 2, c4: 4, c7: 5, c8: 5 });
  });

  it('scores have weighted mean 0 and weighted variance λ1', () => {
    const total = communes.reduce((s, c) => s + c.population, 0);
    const mean = communes.reduce((s, c) => s + c.population * r.scores[c.code]!, 0) / total;
    const variance = communes.reduce((s, c) => s + c.population * r.scores[c.code]! ** 2, 0) / total;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    proche(variance, r.lambda1, 1e-10);
  });

  it('is invariant to the input order', () => {
    const reversed = fdepWeightedPca([...communes].reverse());
    proche(reversed.lambda1, r.lambda1, 1e-12);
    expect(reversed.populationQuintile).toEqual(r.populationQuintile);
  });

  it('rejects a constant variable and a single commune', () => {
    expect(() => fdepWeightedPca(communes.map((c) => ({ ...c, shareBac: 0.4 })))).toThrow(/share_bac/);
    expect(() => fdepWeightedPca(communes.slice(0, 1))).toThrow(/communes/);
  });

  it('Jacobi eigen-decomposition of a known matrix', () => {
    const e = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    proche(e.values[0], 3, 1e-14);
    proche(e.values[1], 1, 1e-14);
    proche(Math.abs(e.vectors[0]![0]!), Math.SQRT1_2, 1e-14);
  });
});
