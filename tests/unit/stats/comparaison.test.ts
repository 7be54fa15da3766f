import { describe, expect, it } from 'vitest';
import { compareToReferenceCiRule, compareTwoDsr, compareTwoProportionsZ, compareTwoRatesRateRatio } from '../../../functions/src/core/stats/comparaison.ts';
import { wilsonInterval } from '../../../functions/src/core/stats/proportions.ts';
import { proche } from './proche.ts';

describe('§6 comparison with a reference', () => {
  const dsrBig = { lower: 9717.71, upper: 11178.94 };

  it('compare_dsr_big_vs_9000 → higher_worse', () => {
    expect(compareToReferenceCiRule(dsrBig, 9000, 'higher_is_worse')).toBe('higher_worse');
  });

  it('compare_dsr_big_vs_10000 → similar', () => {
    expect(compareToReferenceCiRule(dsrBig, 10000, 'higher_is_worse')).toBe('similar');
  });

  it('compare_prop_vs_ref_higher_is_better: 130/1000 → Wilson 0.1105638–0.1522680, ref 0.10 → higher_better', () => {
    const w = wilsonInterval(130, 1000);
    proche(w.lower, '0.1105638');
    proche(w.upper, '0.1522680');
    expect(compareToReferenceCiRule(w, 0.1, 'higher_is_better')).toBe('higher_better');
  });

  it('every polarity and side', () => {
    const ci = { lower: 10, upper: 20 };
    expect(compareToReferenceCiRule(ci, 5, 'higher_is_worse')).toBe('higher_worse');
    expect(compareToReferenceCiRule(ci, 25, 'higher_is_worse')).toBe('lower_better');
    expect(compareToReferenceCiRule(ci, 5, 'higher_is_better')).toBe('higher_better');
    expect(compareToReferenceCiRule(ci, 25, 'higher_is_better')).toBe('lower_worse');
    expect(compareToReferenceCiRule(ci, 5, 'neutral')).toBe('higher');
    expect(compareToReferenceCiRule(ci, 25, 'neutral')).toBe('lower');
    expect(compareToReferenceCiRule(ci, 10, 'neutral')).toBe('similar');
    expect(compareToReferenceCiRule(ci, 20, 'neutral')).toBe('similar');
    expect(compareToReferenceCiRule({ lower: null, upper: null }, 5, 'neutral')).toBe('not_computable');
  });

  it('compare_two_proportions_territory_vs_rest: 130/1000 vs 9000/100000 → z = 4.389332, p = 1.13699e-05', () => {
    const r = compareTwoProportionsZ(130, 1000, 9000, 100000);
    proche(r.p1, 0.13);
    proche(r.p2, 0.09);
    proche(r.z, 4.389332);
    proche(r.pValueTwoSided, '1.13699e-05');
  });

  it('two proportions: n = 0 → null, x > n rejected', () => {
    expect(compareTwoProportionsZ(0, 0, 5, 10).z).toBeNull();
    expect(() => compareTwoProportionsZ(11, 10, 5, 10)).toThrow(/x1/);
  });

  it('compare_two_rates_log_rr: 150/100 000 py vs 4000/3 000 000 py', () => {
    const r = compareTwoRatesRateRatio(150, 100000, 4000, 3000000);
    proche(r.rateRatio, 1.125);
    proche(r.lower, 0.9557869);
    proche(r.upper, 1.3241707);
    proche(r.z, 1.416232);
    proche(r.pValueTwoSided, 0.1567077);
  });

  it('rate ratio with a zero count has no interval', () => {
    const r = compareTwoRatesRateRatio(0, 1000, 10, 1000);
    expect(r.rateRatio).toBe(0);
    expect(r.lower).toBeNull();
    expect(compareTwoRatesRateRatio(3, 1000, 0, 1000).rateRatio).toBeNull();
  });

  it('two DSRs: z on the sum of Dobson variances', () => {
    const r = compareTwoDsr(110, 25, 100, 75);
    expect(r.difference).toBe(10);
    proche(r.z, 1, 1e-12);
  });
});
