import { describe, expect, it } from 'vitest';
import {
  erfc,
  gammaP,
  gammaQ,
  lgamma,
  pchisq,
  pnorm,
  ppois,
  ppoisAtLeast,
  pt,
  qchisq,
  qgamma,
  qnorm,
  qt,
  zForConfidence,
} from '../../../functions/src/core/stats/distributions.ts';

// Reference values self-computed with scipy 1.17 (methods.md §0 asks ≤ 1e-9 relative error).
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('distributions (methods.md §0)', () => {
  it('normal quantiles of the two confidence levels', () => {
    expect(rel(qnorm(0.975), 1.959963984540054)).toBeLessThan(1e-13);
    expect(rel(qnorm(0.999), 3.090232306167813)).toBeLessThan(1e-13);
    expect(rel(zForConfidence(0.95), 1.959963984540054)).toBeLessThan(1e-13);
    expect(rel(zForConfidence(0.998), 3.090232306167813)).toBeLessThan(1e-13);
    expect(rel(qnorm(1e-10), -6.361340902404056)).toBeLessThan(1e-12);
    expect(qnorm(0.5)).toBe(0);
    expect(qnorm(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(qnorm(1)).toBe(Number.POSITIVE_INFINITY);
    expect(qnorm(1.5)).toBeNaN();
  });

  it('normal distribution function and its tails', () => {
    expect(rel(pnorm(-5), 2.866515718791933e-7)).toBeLessThan(1e-12);
    expect(rel(pnorm(5, false), 2.866515718791933e-7)).toBeLessThan(1e-12);
    expect(pnorm(0)).toBe(0.5);
    expect(rel(pnorm(1.959963984540054), 0.975)).toBeLessThan(1e-14);
    expect(rel(erfc(1), 0.15729920705028513)).toBeLessThan(1e-13);
    for (const p of [1e-300, 1e-12, 0.001, 0.2, 0.4999, 0.6, 0.999999]) expect(rel(pnorm(qnorm(p)), p)).toBeLessThan(1e-12);
  });

  it('log-gamma', () => {
    expect(rel(lgamma(0.5), 0.5723649429247)).toBeLessThan(1e-12);
    expect(rel(lgamma(100.5), 361.43554046777757)).toBeLessThan(1e-14);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(0)).toBeNaN();
  });

  it('chi-square and gamma quantiles (exact Poisson limits)', () => {
    expect(rel(qchisq(0.025, 2), 0.05063561596857975)).toBeLessThan(1e-12);
    expect(rel(qchisq(0.975, 20), 34.16960690283833)).toBeLessThan(1e-12);
    expect(rel(qchisq(0.001, 18), 4.90484880872755)).toBeLessThan(1e-12);
    expect(rel(qchisq(0.999, 2), 13.815510557964274)).toBeLessThan(1e-12);
    expect(rel(qgamma(0.025, 9), 4.115373097378334)).toBeLessThan(1e-12);
    expect(rel(qgamma(0.025, 10, 1, false), 17.08480345141917)).toBeLessThan(1e-12);
    // O = 0: upper exact limit −ln(0.025) = 3.688879…
    expect(rel(qgamma(0.025, 1, 1, false), -Math.log(0.025))).toBeLessThan(1e-14);
    expect(qgamma(0, 3)).toBe(0);
    expect(qgamma(1, 3)).toBe(Number.POSITIVE_INFINITY);
    // round trips, including very large shapes
    for (const a of [0.05, 0.7, 3, 42.5, 895, 1e5, 7_776_457]) {
      for (const p of [1e-9, 0.001, 0.3, 0.9, 0.999]) {
        const x = qgamma(p, a);
        expect(rel(gammaP(a, x), p)).toBeLessThan(1e-9);
      }
    }
    expect(gammaP(2, 0)).toBe(0);
    expect(gammaQ(2, 0)).toBe(1);
  });

  it('chi-square distribution function', () => {
    expect(rel(pchisq(4.180909, 1, false), 0.0408817682422097)).toBeLessThan(1e-12);
  });

  it('Student t', () => {
    expect(rel(qt(0.975, 8), 2.306004135204166)).toBeLessThan(1e-12);
    expect(rel(qt(0.995, 3), 5.840909309733355)).toBeLessThan(1e-12);
    expect(rel(qt(0.025, 30), -2.042272456301238)).toBeLessThan(1e-12);
    expect(rel(qt(0.975, 1), 12.706204736174698)).toBeLessThan(1e-12);
    expect(rel(qt(0.975, 2), 4.302652729749464)).toBeLessThan(1e-12);
    expect(rel(pt(2.0, 5), 0.9490302605850708)).toBeLessThan(1e-12);
    expect(qt(0.5, 4)).toBe(0);
  });

  it('Poisson distribution function', () => {
    expect(rel(ppois(3, 2.1), 0.8386428488905466)).toBeLessThan(1e-13);
    expect(rel(ppoisAtLeast(5, 2.1), 0.062126115180002675)).toBeLessThan(1e-12);
    expect(ppois(0, 0)).toBe(1);
    expect(ppoisAtLeast(0, 3)).toBe(1);
    expect(ppois(-1, 3)).toBe(0);
  });
});
