import { describe, expect, it } from 'vitest';
import { aggregateRate } from '../../../functions/src/core/stats/agregation.ts';
import { wilsonInterval, wilsonIntervalAggregated } from '../../../functions/src/core/stats/proportions.ts';
import { byarLower, byarUpper, crudeRate, crudeRateAggregated, exactPoissonInterval, poissonCountInterval } from '../../../functions/src/core/stats/rates.ts';
import { proche } from './proche.ts';

describe('§1.1 aggregation: sum numerators and denominators first', () => {
  it('rate_grouped_sum_first (PHEim testdata_Rate_g Area1)', () => {
    const r = crudeRateAggregated([
      { numerator: 1, denominator: 100 },
      { numerator: 1, denominator: 100 },
    ]);
    expect(r.numerator).toBe(2);
    expect(r.denominator).toBe(200);
    proche(r.value, 1000);
    proche(r.lower, '121.1046');
    proche(r.upper, '3612.344');
    expect(r.method).toBe('Exact');
  });

  it('prop_grouped_sum_first (PHEim testdata_Prop_g Area1)', () => {
    const r = wilsonIntervalAggregated([
      { numerator: 1, denominator: 100 },
      { numerator: 1, denominator: 100 },
    ]);
    proche(r.value, 0.01);
    proche(r.lower, 0.002746658);
    proche(r.upper, 0.03572176);
    expect(r.method).toBe('Wilson');
  });

  it('aggregate_rate_communes: 55/9700, not the unweighted mean of rates', () => {
    const r = aggregateRate([
      { code: 'A', numerator: 12, denominator: 1500 },
      { code: 'B', numerator: 3, denominator: 200 },
      { code: 'C', numerator: 40, denominator: 8000 },
    ]);
    expect(r.numerator).toBe(55);
    expect(r.denominator).toBe(9700);
    proche(r.value, '567.0103');
    proche(r.wrongUnweightedMeanOfRates, '933.33');
    expect(r.partialCoverage).toBe(false);
  });

  it('§1.4 a secret numerator is left out, with coverage, never read as 0', () => {
    const r = aggregateRate([
      { code: 'A', numerator: 12, denominator: 1500 },
      { code: 'B', numerator: null, denominator: 200 },
    ]);
    expect(r.numerator).toBe(12);
    expect(r.denominator).toBe(1500);
    proche(r.coverage, 1500 / 1700);
    expect(r.excluded).toEqual(['B']);
    expect(r.partialCoverage).toBe(true);
  });
});

describe('§2 Wilson score interval (PHEim testdata_Proportion)', () => {
  const vectors: [number, number, number, number, number, number, number][] = [
    [1, 100, 0.01, 0.001767432064, 0.05448619618, 0.0008730656973, 0.1045544528],
    [65, 100, 0.65, 0.552544433, 0.7363575176, 0.4954946574, 0.7783540614],
    [222, 3215, 0.06905132, 0.06079169036, 0.07833956681, 0.05647101965, 0.08418414185],
    [9856, 12345, 0.7983799, 0.7912101753, 0.8053640074, 0.7869924108, 0.8093061413],
  ];
  for (const [x, n, value, l95, u95, l998, u998] of vectors) {
    it(`${x}/${n}`, () => {
      const r95 = wilsonInterval(x, n, 0.95);
      const r998 = wilsonInterval(x, n, 0.998);
      proche(r95.value, value);
      proche(r95.lower, l95);
      proche(r95.upper, u95);
      proche(r998.lower, l998);
      proche(r998.upper, u998);
      expect(r95.method).toBe('Wilson');
    });
  }

  it('edges: 0/50 → [0, 0.07134760], 50/50 → [0.9286524, 1]', () => {
    const zero = wilsonInterval(0, 50);
    expect(zero.value).toBe(0);
    expect(zero.lower).toBe(0);
    proche(zero.upper, 0.0713476);
    const full = wilsonInterval(50, 50);
    proche(full.lower, 0.9286524);
    expect(full.upper).toBe(1);
  });

  it('x = 0 and x = n follow z²/(n + z²) and n/(n + z²)', () => {
    const z2 = 1.959963984540054 ** 2;
    proche(wilsonInterval(0, 7).upper, z2 / (7 + z2), 1e-12);
    proche(wilsonInterval(7, 7).lower, 7 / (7 + z2), 1e-12);
  });

  it('n = 0 → null with reason; x > n and negatives are rejected naming the field', () => {
    const r = wilsonInterval(0, 0);
    expect(r.value).toBeNull();
    expect(r.lower).toBeNull();
    expect(r.upper).toBeNull();
    expect(r.reason).toBe('denominator_zero');
    expect(() => wilsonInterval(11, 10)).toThrow(/numerator/);
    expect(() => wilsonInterval(-1, 10)).toThrow(/numerator/);
    expect(() => wilsonInterval(1, Number.NaN)).toThrow(/denominator/);
    expect(() => wilsonInterval(1, 10, 1.2)).toThrow(/confidence/);
  });

  it('flags small numbers (n < 30 or x < 5)', () => {
    expect(wilsonInterval(3, 100).smallNumbers).toBe(true);
    expect(wilsonInterval(10, 20).smallNumbers).toBe(true);
    expect(wilsonInterval(10, 100).smallNumbers).toBe(false);
  });
});

describe('§3 crude rates with Poisson intervals (PHEim testdata_Rate)', () => {
  const vectors: [number, number, number, string | number, string | number, 'Exact' | 'Byar'][] = [
    [1, 100, 1000, 25.31780798, 5571.643391, 'Exact'],
    [5, 100, 5000, 1623.48639, 11668.33208, 'Exact'],
    [65, 100, 65000, 50163.18771, 82849.13855, 'Byar'],
    [222, 3215, 6905.132193, 6026.574878, 7875.729371, 'Byar'],
    [7_776_456, 7_564_336_677, 102.8042026, 102.7319601, 102.8764833, 'Byar'],
  ];
  for (const [o, n, value, lower, upper, method] of vectors) {
    it(`${o}/${n}`, () => {
      const r = crudeRate(o, n);
      proche(r.value, value);
      proche(r.lower, lower);
      proche(r.upper, upper);
      expect(r.method).toBe(method);
    });
  }

  it('pure Byar on counts (PHEim testdata_Byars_Wilson)', () => {
    proche(byarLower(1, 0.95), 0.01307213);
    proche(byarUpper(1, 0.95), 5.563756);
    proche(byarLower(10, 0.998), 2.916318);
    proche(byarUpper(10, 0.998), 24.19372);
    expect(byarLower(1, 0.998)).toBeNull();
    proche(byarUpper(1, 0.998), 9.36218);
    expect(poissonCountInterval(1, 0.998, 'Byar').lower).toBeNull();
  });

  it('O = 0: rate 0, CI [0, 3.688879/N]; N = 2500 → upper 147.5552', () => {
    const r = crudeRate(0, 2500);
    expect(r.value).toBe(0);
    expect(r.lower).toBe(0);
    proche(r.upper, '147.5552');
    expect(r.method).toBe('Exact');
    proche(exactPoissonInterval(0).upper, '3.688879');
    expect(byarLower(0)).toBe(0);
  });

  it('N ≤ 0 → null (denominator_zero); O > N allowed (PHEim Area12 250/220)', () => {
    const r = crudeRate(5, 0);
    expect(r.value).toBeNull();
    expect(r.lower).toBeNull();
    expect(r.reason).toBe('denominator_zero');
    const many = crudeRate(250, 220);
    expect(many.value).toBeCloseTo((250 / 220) * 1e5, 6);
    expect(many.method).toBe('Byar');
  });

  it('switches from Exact to Byar at 10 events and flags O < 20', () => {
    expect(crudeRate(9, 1000).method).toBe('Exact');
    expect(crudeRate(10, 1000).method).toBe('Byar');
    expect(crudeRate(19, 1000).smallNumbers).toBe(true);
    expect(crudeRate(20, 1000).smallNumbers).toBe(false);
  });

  it('Byar is within 0.2 % of the exact limits for O ≥ 10 at 95 %', () => {
    for (const o of [10, 25, 100, 1000]) {
      const exact = exactPoissonInterval(o);
      expect(Math.abs(byarLower(o)! / exact.lower! - 1)).toBeLessThan(0.002);
      expect(Math.abs(byarUpper(o) / exact.upper! - 1)).toBeLessThan(0.002);
    }
  });
});
