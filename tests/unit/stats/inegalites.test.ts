import { describe, expect, it } from 'vitest';
import {
  concentrationIndexGrouped,
  inequalityBetweenUnits,
  interdecileRatio,
  siiRii,
  weightedQuantileMidpoint,
  weightedQuantileStep,
} from '../../../functions/src/core/stats/inegalites.ts';
import { proche } from './proche.ts';

// methods.md §8.1–8.2 self-computed vectors: commune medians and populations.
const VALUES = [17500, 18200, 19000, 19800, 20500, 21500, 22800, 23500, 24800, 26500];
const WEIGHTS = [9000, 25000, 450, 3500, 1500, 12000, 6000, 800, 2200, 4000];

describe('§8.1 weighted quantiles and D9/D1', () => {
  it('step: D1 17500, D9 23500, ratio 1.342857143', () => {
    const r = interdecileRatio(VALUES, WEIGHTS, 'weighted_quantile_step');
    expect(r.d1).toBe(17500);
    expect(r.d9).toBe(23500);
    proche(r.ratio, 1.342857143);
    expect(r.fewUnits).toBe(false);
  });

  it('midpoint interpolated: D1 17580.08824, D9 23634.33333, ratio 1.344380814', () => {
    const r = interdecileRatio(VALUES, WEIGHTS, 'weighted_quantile_midpoint_interpolated');
    proche(r.d1, 17580.08824);
    proche(r.d9, 23634.33333);
    proche(r.ratio, 1.344380814);
  });

  it('does not depend on the input order', () => {
    const order = [3, 9, 0, 7, 1, 8, 2, 6, 5, 4];
    const v = order.map((i) => VALUES[i]!);
    const w = order.map((i) => WEIGHTS[i]!);
    expect(weightedQuantileStep(v, w, 0.9)).toBe(23500);
    proche(weightedQuantileMidpoint(v, w, 0.1), 17580.08824);
  });

  it('step rule reaches an exact share; midpoint rule clamps outside the midpoints', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const w = v.map(() => 1);
    expect(weightedQuantileStep(v, w, 0.1)).toBe(1);
    expect(weightedQuantileStep(v, w, 0.11)).toBe(2);
    expect(weightedQuantileStep(v, w, 0)).toBe(1);
    expect(weightedQuantileStep(v, w, 1)).toBe(10);
    expect(weightedQuantileMidpoint(v, w, 0.01)).toBe(1);
    expect(weightedQuantileMidpoint(v, w, 0.99)).toBe(10);
    expect(weightedQuantileMidpoint(v, w, 0.5)).toBe(5.5);
  });

  it('single unit, few units flag, invalid input', () => {
    expect(weightedQuantileStep([42], [3], 0.9)).toBe(42);
    expect(interdecileRatio([1, 2, 3], [1, 1, 1]).fewUnits).toBe(true);
    expect(() => weightedQuantileStep([1, 2], [1], 0.5)).toThrow(/weights/);
    expect(() => weightedQuantileStep([1, 2], [0, 0], 0.5)).toThrow(/weights/);
    expect(() => weightedQuantileStep([1, 2], [1, -1], 0.5)).toThrow(/weights\[1\]/);
  });
});

describe('§8.2 Gini, Theil, CV', () => {
  it('commune medians vector', () => {
    const r = inequalityBetweenUnits(VALUES, WEIGHTS);
    proche(r.weightedMean, 20097.12956);
    proche(r.gini, 0.06859363101);
    proche(r.theilT, 0.008174388078);
    proche(r.theilL, 0.007929934339);
    proche(r.cv, 0.1301787958);
    proche(r.weightedSd, 0.1301787958 * 20097.12956);
  });

  it('Gini of 1, 2, 3, 4, 5 with equal weights = 0.2666666667', () => {
    proche(inequalityBetweenUnits([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]).gini, 0.2666666667);
  });

  it('Gini matches the double sum definition with unequal weights and ties', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    const w = [2, 7, 1, 8, 2, 8, 1, 8];
    const W = w.reduce((s, v) => s + v, 0);
    const mu = x.reduce((s, v, i) => s + v * w[i]!, 0) / W;
    let double = 0;
    for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) double += w[i]! * w[j]! * Math.abs(x[i]! - x[j]!);
    proche(inequalityBetweenUnits(x, w).gini, double / (2 * W * W * mu), 1e-12);
  });

  it('single unit → all indices 0, flagged', () => {
    const r = inequalityBetweenUnits([12], [100]);
    expect(r.gini).toBe(0);
    expect(r.theilT).toBe(0);
    expect(r.theilL).toBe(0);
    expect(r.cv).toBe(0);
    expect(r.singleUnit).toBe(true);
  });

  it('zeros: accepted by T (0·ln 0 = 0), dropped from L with a count; negatives rejected', () => {
    const r = inequalityBetweenUnits([0, 2, 4], [1, 1, 1]);
    expect(r.zerosDroppedForTheilL).toBe(1);
    proche(r.theilT, (2 / 3) * Math.log(2), 1e-12); // μ = 2: (1/3)(0 + 1·ln 1 + 2·ln 2)
    proche(r.theilL, 0.5 * Math.log(3 / 2) + 0.5 * Math.log(3 / 4), 1e-12);
    expect(() => inequalityBetweenUnits([-1, 2], [1, 1])).toThrow(/values\[0\]/);
  });
});

describe('§8.3 SII / RII (1 = most deprived)', () => {
  it('deciles, PHEim testdata_SII area1: SII 6.934616474, RII 1.088818080', () => {
    const r = siiRii(
      [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534],
      [75.93346, 78.34424, 83.83606, 83.63754, 80.4655, 81.11568, 81.69308, 84.19001, 80.59556, 86.28943],
    );
    proche(r.sii, 6.934616474);
    proche(r.rii, 1.08881808);
  });

  it('quintiles, PHEim testdata_SII area1: SII 7.919334147, RII 1.103711695', () => {
    const r = siiRii([7291, 7997, 6105, 7666, 5790], [75.93345901, 78.34423827, 83.8360631, 83.63753997, 80.46550315]);
    proche(r.sii, 7.919334147);
    proche(r.rii, 1.103711695);
  });

  it('self-computed quintiles: SII −6.851609, RII 0.5374003, intercept 14.81110', () => {
    const r = siiRii([12000, 11500, 10000, 9500, 8000], [14.2, 12.1, 11.0, 9.8, 8.5]);
    proche(r.sii, -6.851609);
    proche(r.rii, 0.5374003);
    proche(r.intercept, '14.81110');
  });

  it('needs two quantiles with population', () => {
    expect(() => siiRii([100], [3])).toThrow(/populations/);
    expect(() => siiRii([100, 200], [3])).toThrow(/values/);
  });
});

describe('§8.4 concentration index (grouped)', () => {
  it('same quintiles: μ = 11.38529, R = (0.1176471 … 0.9215686), C = −0.09605108', () => {
    const r = concentrationIndexGrouped([12000, 11500, 10000, 9500, 8000], [14.2, 12.1, 11.0, 9.8, 8.5]);
    proche(r.mean, 11.38529);
    const ranks = [0.1176471, 0.3480392, 0.5588235, 0.75, 0.9215686];
    ranks.forEach((x, i) => proche(r.fractionalRankMidpoints[i], x));
    proche(r.concentrationIndex, -0.09605108);
  });

  it('equals the cumulative-share (Lorenz) form', () => {
    const pops = [12000, 11500, 10000, 9500, 8000];
    const rates = [14.2, 12.1, 11.0, 9.8, 8.5];
    const totalPop = pops.reduce((s, v) => s + v, 0);
    const totalOutcome = pops.reduce((s, v, i) => s + v * rates[i]!, 0);
    const p: number[] = [];
    const L: number[] = [];
    let cp = 0;
    let cl = 0;
    pops.forEach((n, i) => {
      cp += n / totalPop;
      cl += (n * rates[i]!) / totalOutcome;
      p.push(cp);
      L.push(cl);
    });
    let c = 0;
    for (let t = 0; t < pops.length - 1; t++) c += p[t]! * L[t + 1]! - p[t + 1]! * L[t]!;
    proche(concentrationIndexGrouped(pops, rates).concentrationIndex, c, 1e-12);
  });

  it('equal rates → C = 0', () => {
    expect(Math.abs(concentrationIndexGrouped([1, 2, 3], [5, 5, 5]).concentrationIndex!)).toBeLessThan(1e-15);
  });
});
