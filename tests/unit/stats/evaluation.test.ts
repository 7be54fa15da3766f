import { describe, expect, it } from 'vitest';
import {
  apcLogLinearOls,
  differenceInDifferencesRates,
  minimumDetectableChangeProportion,
  minimumDetectableChangeRate,
  minimumDetectableSmr,
  pooledPeriodRate,
  rollingWindowRates,
  zAlphaPlusZBeta,
} from '../../../functions/src/core/stats/evaluation.ts';
import { proche } from './proche.ts';

const YEARS = [2018, 2019, 2020, 2021, 2022];
const COUNTS = [12, 15, 9, 14, 11];
const POPS = [10200, 10150, 10100, 10080, 10050];

describe('§10.1 pooled periods and rolling windows', () => {
  it('pooled 61/50 580 = 120.6010, Byar 92.24522 – 154.9197, mean annual count 12.2', () => {
    const r = pooledPeriodRate(YEARS, COUNTS, POPS);
    expect(r.numerator).toBe(61);
    expect(r.personYears).toBe(50580);
    proche(r.value, '120.6010');
    proche(r.lower, 92.24522);
    proche(r.upper, 154.9197);
    expect(r.method).toBe('Byar');
    proche(r.meanAnnualCount, 12.2);
    expect(r.labelYear).toBe(2020);
    expect(r.period).toBe('2018-2022');
  });

  it('3-year windows', () => {
    const w = rollingWindowRates(YEARS, COUNTS, POPS, 3);
    expect(w).toHaveLength(3);
    const expected: [string, number, number, string, number, number, number][] = [
      ['2018-2020', 36, 30450, '118.2266', 82.79293, 163.6803, 2019],
      ['2019-2021', 38, 30330, '125.2885', 88.65041, 171.9731, 2020],
      ['2020-2022', 34, 30230, '112.4711', 77.87744, 157.1719, 2021],
    ];
    expected.forEach(([period, o, n, value, lower, upper, label], i) => {
      const r = w[i]!;
      expect(r.period).toBe(period);
      expect(r.numerator).toBe(o);
      expect(r.personYears).toBe(n);
      proche(r.value, value);
      proche(r.lower, lower);
      proche(r.upper, upper);
      expect(r.labelYear).toBe(label);
    });
  });

  it('years are sorted; duplicates, mismatched lengths and too long windows are rejected', () => {
    const shuffled = pooledPeriodRate([2020, 2018, 2019], [9, 12, 15], [10100, 10200, 10150]);
    expect(shuffled.period).toBe('2018-2020');
    expect(() => pooledPeriodRate([2018, 2018], [1, 2], [10, 10])).toThrow(/years\[1\]/);
    expect(() => pooledPeriodRate(YEARS, COUNTS.slice(1), POPS)).toThrow(/counts/);
    expect(() => rollingWindowRates(YEARS, COUNTS, POPS, 6)).toThrow(/window/);
  });
});

describe('§10.2 APC by log-linear OLS', () => {
  it('2013–2022 vector: b = −0.006634013, se 0.002146708, APC −0.6612056 % (−1.151749; −0.1682278), t₈ = 2.306004', () => {
    const years = [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022];
    const rates = [912.4, 897.1, 905.3, 880.2, 871.8, 866.0, 850.9, 902.7, 861.5, 845.2];
    const r = apcLogLinearOls(years, rates);
    proche(r.slopeLog, -0.006634013);
    proche(r.seSlope, 0.002146708);
    proche(r.apcPct, -0.6612056);
    proche(r.lowerPct, -1.151749);
    proche(r.upperPct, -0.1682278);
    proche(r.tQuantile, 2.306004);
    expect(r.df).toBe(8);
  });

  it('a zero rate breaks the log model (use Poisson); fewer than 3 years rejected', () => {
    expect(() => apcLogLinearOls([2020, 2021, 2022], [10, 0, 12])).toThrow(/rates\[1\]/);
    expect(() => apcLogLinearOls([2020, 2021], [10, 12])).toThrow(/years/);
  });

  it('an exact exponential trend has APC exactly and se 0', () => {
    const r = apcLogLinearOls([1, 2, 3, 4], [100, 110, 121, 133.1]);
    proche(r.apcPct, 10, 1e-10);
    expect(r.seSlope).toBeLessThan(1e-12);
  });
});

describe('§10.3 difference in differences', () => {
  it('T 180/150 000 → 140/152 000; C 900/700 000 → 860/705 000', () => {
    const r = differenceInDifferencesRates({
      treatedBefore: { count: 180, personYears: 150000 },
      treatedAfter: { count: 140, personYears: 152000 },
      controlBefore: { count: 900, personYears: 700000 },
      controlAfter: { count: 860, personYears: 705000 },
    });
    proche(r.rates.treatedBefore, 120);
    proche(r.rates.treatedAfter, '92.10526');
    proche(r.rates.controlBefore, '128.5714');
    proche(r.rates.controlAfter, '121.9858');
    proche(r.didAbsolute, -21.30912);
    proche(r.didSe, 13.27652);
    proche(r.didLower, -47.33062);
    proche(r.didUpper, 4.712369);
    proche(r.ratioOfRateRatios, 0.808981);
    proche(r.rrrLower, 0.6364791);
    proche(r.rrrUpper, 1.028235);
    proche(r.rrrPValue, '0.08320');
  });

  it('a zero count leaves the ratio of rate ratios undefined', () => {
    const r = differenceInDifferencesRates({
      treatedBefore: { count: 0, personYears: 1000 },
      treatedAfter: { count: 3, personYears: 1000 },
      controlBefore: { count: 10, personYears: 1000 },
      controlAfter: { count: 12, personYears: 1000 },
    });
    expect(r.ratioOfRateRatios).toBeNull();
    expect(r.rrrPValue).toBeNull();
    expect(r.didAbsolute).toBeCloseTo(100, 9);
  });
});

describe('§10.4 minimum detectable change', () => {
  it('z_{0.975} + z_{0.80} = 2.801585', () => {
    proche(zAlphaPlusZBeta(0.05, 0.8), 2.801585);
  });

  const rates: [number, number, number][] = [
    [50, 0.571028, 1.751228],
    [200, 0.7556639, 1.32334],
    [540, 0.8432439, 1.185897],
    [1000, 0.8822404, 1.133478],
  ];
  for (const [e, down, up] of rates) {
    it(`rate, E = ${e} → ${down} / ${up}`, () => {
      const r = minimumDetectableChangeRate(e, 0.05, 0.8);
      proche(r.rrDecrease, down);
      proche(r.rrIncrease, up);
    });
  }

  it('E = 540 is a 15.7 % decrease; the refined version is more demanding', () => {
    const r = minimumDetectableChangeRate(540);
    proche(100 * (r.rrDecrease - 1), '-15.7');
    expect(r.rrIncreaseRefined).toBeLessThan(r.rrIncrease);
    expect(r.rrDecreaseRefined!).toBeLessThan(r.rrDecrease);
    const k = r.zSum;
    const rr = r.rrDecreaseRefined!;
    proche(Math.log(rr), -k * Math.sqrt(1 / 540 + 1 / (540 * rr)), 1e-9);
  });

  it('proportion p₀ = 0.30, n = 400 → Δ = 0.09078174', () => {
    proche(minimumDetectableChangeProportion(0.3, 400).deltaAbs, 0.09078174);
  });

  it('SMR with E = 100 → 1.280874', () => {
    const r = minimumDetectableSmr(100);
    proche(r.smrMinIncrease, 1.280874);
    expect(r.smrMinDecrease!).toBeLessThan(1);
    proche(Math.log(r.smrMinDecrease!), -r.zSum / Math.sqrt(100 * r.smrMinDecrease!), 1e-9);
  });

  it('rejects impossible inputs', () => {
    expect(() => minimumDetectableChangeRate(0)).toThrow(/expected_events_per_period/);
    expect(() => minimumDetectableChangeRate(50, 1.5)).toThrow(/alpha/);
    expect(() => minimumDetectableChangeProportion(1.2, 400)).toThrow(/p0/);
  });
});
