import { describe, expect, it } from 'vitest';
import {
  dsrDobson,
  dsrFayFeuer,
  dsrPoint,
  expectedEvents,
  indirectlyStandardisedRate,
  smr,
  smrFromTotals,
  smrSignificance,
} from '../../../functions/src/core/stats/standardisation.ts';
import { proche } from './proche.ts';

// PHEim testdata_DSR_ISR.xlsx: 19 bands 0-4 … 90+, ESP 2013 (methods.md §4–5).
const ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000];
const POPS = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153, 123, 207];
const BIG = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91];
const SMALL = [12, 4, 3, 2, 3, 4, 8, 2, 2, 3, 4, 5, 6, 8, 5, 6, 5, 5, 4];
const TINY = [0, 0, null, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3];
const REF_COUNTS = [10303, 2824, 0, 3615, 3641, 3490, 3789, 3213, 3031, 2771, 3089, 3490, 3595, 4745, 5514, 7125, 5694, 6210, 5757];
const REF_POPS = [50520, 57173, 60213, 54659, 44345, 50128, 62163, 67423, 62899, 55463, 60479, 49974, 44140, 40888, 37239, 30819, 18136, 15325, 13918];

describe('§4 DSR with the Dobson interval (PHEim testdata_DSR_ISR, ESP 2013)', () => {
  it('big: O = 895', () => {
    const r95 = dsrDobson(BIG, POPS, ESP2013, { confidence: 0.95 });
    const r998 = dsrDobson(BIG, POPS, ESP2013, { confidence: 0.998 });
    expect(r95.totalCount).toBe(895);
    expect(r95.totalPopulation).toBe(8970);
    proche(r95.value, 10430.24799);
    proche(r95.lower, 9717.709068);
    proche(r95.upper, 11178.94092);
    proche(r998.lower, 9323.28788);
    proche(r998.upper, 11620.596);
    expect(r95.method).toBe('Dobson');
    expect(r95.suppressed).toBe(false);
    expect(r95.reason).toBeNull();
  });

  it('small: O = 91', () => {
    const r95 = dsrDobson(SMALL, POPS, ESP2013);
    const r998 = dsrDobson(SMALL, POPS, ESP2013, { confidence: 0.998 });
    expect(r95.totalCount).toBe(91);
    proche(r95.value, 1103.212025);
    proche(r95.lower, 877.4557675);
    proche(r95.upper, 1367.088223);
    proche(r998.lower, 763.6420358);
    proche(r998.upper, 1530.032895);
  });

  it('tiny: O = 9 (NA read as 0) → suppressed, value and limits null', () => {
    const r = dsrDobson(TINY, POPS, ESP2013, { confidence: 0.998 });
    expect(r.totalCount).toBe(9);
    expect(r.value).toBeNull();
    expect(r.lower).toBeNull();
    expect(r.upper).toBeNull();
    expect(r.suppressed).toBe(true);
    expect(r.reason).toMatch(/< 10/);
    expect(r.missingCounts).toBe(1);
  });

  it('exactly 10 events is computed; O = 0 is suppressed', () => {
    const ten = [10, ...Array(18).fill(0)];
    expect(dsrDobson(ten, POPS, ESP2013).suppressed).toBe(false);
    expect(dsrDobson(Array(19).fill(0), POPS, ESP2013).suppressed).toBe(true);
  });

  it('a band with n = 0 and O = 0 contributes 0 but keeps its standard weight; n = 0 with events is an error', () => {
    const pops = [...POPS];
    pops[18] = 0;
    const counts = [...BIG];
    counts[18] = 0;
    const withEmpty = dsrPoint(counts, pops, ESP2013);
    const dropped = dsrPoint(counts.slice(0, 18), pops.slice(0, 18), ESP2013.slice(0, 18));
    // same numerator sum, but W keeps the 1000 of the empty band
    proche(withEmpty.value, (dropped.value * (100000 - 1000)) / 100000, 1e-12);
    expect(() => dsrPoint(BIG, pops, ESP2013)).toThrow(/populations\[18\]/);
  });

  it('a uniform rate standardises to itself', () => {
    const pops = [1000, 2000, 3000];
    const r = dsrPoint([10, 20, 30], pops, [5, 3, 2]);
    proche(r.value, 1000, 1e-12);
  });

  it('mismatched lengths are rejected naming the field', () => {
    expect(() => dsrDobson(BIG, POPS.slice(1), ESP2013)).toThrow(/populations/);
    expect(() => dsrDobson(BIG, POPS, ESP2013.slice(1))).toThrow(/standard_population/);
  });
});

describe('§4 Fay–Feuer gamma interval (epitools ageadjust.direct, Fleiss 1981 example)', () => {
  // Live births by maternal age (<20, 20-24, 25-29, 30-34, 35-39, 40+) for birth orders 1…5+ and
  // Down syndrome cases of birth order 1 (Fleiss 1981 p. 249, the epitools documentation example;
  // the birth-order totals 319933, 931318, 786511, 488235, 237863, 61313 check the rows).
  const POP_BY_ORDER = [
    [230061, 329449, 114920, 39487, 14208, 3052],
    [72202, 326701, 208667, 83228, 28466, 5375],
    [15050, 175702, 207081, 117300, 45026, 8660],
    [2293, 68800, 132424, 98301, 46075, 9834],
    [327, 30666, 123419, 149919, 104088, 34392],
  ];
  const CASES_ORDER_1 = [107, 141, 60, 40, 39, 25];
  const standard = POP_BY_ORDER[0]!.map((_, age) => POP_BY_ORDER.reduce((s, row) => s + row[age]!, 0) / POP_BY_ORDER.length);

  it('the data add up to the published totals by maternal age', () => {
    const totals = POP_BY_ORDER[0]!.map((_, age) => POP_BY_ORDER.reduce((s, row) => s + row[age]!, 0));
    expect(totals).toEqual([319933, 931318, 786511, 488235, 237863, 61313]);
  });

  it('birth order 1: crude 56.3475, DSR 92.3045, 95 % CI 80.4417 – 105.7633 per 100 000', () => {
    const r = dsrFayFeuer(CASES_ORDER_1, POP_BY_ORDER[0]!, standard);
    proche(r.crudeRate, '56.3475');
    proche(r.value, '92.3045');
    proche(r.lower, '80.4417');
    proche(r.upper, '105.7633');
    expect(r.method).toBe('Fay-Feuer');
  });

  it('is wider than Dobson for small counts and has lower ≤ DSR ≤ upper', () => {
    const ff = dsrFayFeuer(SMALL, POPS, ESP2013);
    const dobson = dsrDobson(SMALL, POPS, ESP2013);
    proche(ff.value, dobson.value!, 1e-12);
    expect(ff.lower!).toBeLessThan(ff.value);
    expect(ff.upper!).toBeGreaterThan(ff.value);
    expect(ff.upper! - ff.lower!).toBeGreaterThan(dobson.upper! - dobson.lower!);
  });

  it('no events: DSR 0, lower 0, finite upper', () => {
    const r = dsrFayFeuer([0, 0, 0], [100, 200, 300], [1, 1, 1]);
    expect(r.value).toBe(0);
    expect(r.lower).toBe(0);
    expect(r.upper!).toBeGreaterThan(0);
  });
});

describe('§5 SMR / ICM and indirectly standardised rate (PHEim testresults_ISR)', () => {
  it('big: O = 895, E = 835.8835612, ICM 107.0723294', () => {
    proche(expectedEvents(POPS, REF_COUNTS, REF_POPS), 835.8835612);
    const r95 = smr(BIG, POPS, REF_COUNTS, REF_POPS, { refvalue: 100 });
    const r998 = smr(BIG, POPS, REF_COUNTS, REF_POPS, { refvalue: 100, confidence: 0.998 });
    expect(r95.observed).toBe(895);
    proche(r95.value, 107.0723294);
    proche(r95.lower, 100.1714771);
    proche(r95.upper, 114.3233287);
    expect(r95.method).toBe('Byar');
    proche(r998.lower, 96.3515562);
    proche(r998.upper, 118.6007042);
  });

  it('tiny: O = 9 → 1.076704988 (×100), CI 0.4923380825 – 2.043921456 (Exact)', () => {
    const r = smr(TINY, POPS, REF_COUNTS, REF_POPS, { refvalue: 100 });
    expect(r.observed).toBe(9);
    proche(r.value, 1.076704988);
    proche(r.lower, 0.4923380825);
    proche(r.upper, 2.043921456);
    expect(r.method).toBe('Exact');
  });

  it('indirectly standardised rate, big: reference rate 9349.883092 → 10011.13762 (9365.916003 – 10689.09758)', () => {
    const r = indirectlyStandardisedRate(BIG, POPS, REF_COUNTS, REF_POPS);
    proche(r.referenceRate, 9349.883092);
    proche(r.value, 10011.13762);
    proche(r.lower, 9365.916003);
    proche(r.upper, 10689.09758);
  });

  it('E = 0 → null; O = 0 → ICM 0, CI [0, 100·3.688879/E]; small E flagged', () => {
    const none = smrFromTotals(3, 0);
    expect(none.value).toBeNull();
    expect(none.lower).toBeNull();
    expect(none.reason).toBe('expected_zero');
    const zero = smrFromTotals(0, 4);
    expect(zero.value).toBe(0);
    expect(zero.lower).toBe(0);
    proche(zero.upper, (100 * 3.688879) / 4, 1e-6);
    expect(zero.smallNumbers).toBe(true);
    expect(smrSignificance(3, 0).flagCiRule).toBe('not_computable');
  });

  const table: [number, number, string, string, string, string, string, string, 'higher' | 'lower' | 'not significant'][] = [
    [895, 835.8835612, '107.0723', '100.1715', '114.3233', '4.180909', '0.04088', '0.04442', 'higher'],
    [5, 2.1, '238.0952', '77.30888', '555.6349', '4.004762', '0.04537', '0.1243', 'not significant'],
    [120, 100, '120.0000', '99.49023', '143.4917', '4.000000', '0.04550', '0.05646', 'not significant'],
    [30, 45, '66.6667', '44.97098', '95.17416', '5.000000', '0.02535', '0.02320', 'lower'],
  ];
  for (const [o, e, icm, lower, upper, chi2, pChi2, pExact, flag] of table) {
    it(`significance vs 100: O = ${o}, E = ${e} → ${flag}`, () => {
      const r = smrSignificance(o, e);
      proche(r.smrX100, icm);
      proche(r.lower, lower);
      proche(r.upper, upper);
      proche(r.chi2Stat, chi2);
      proche(r.chi2P, pChi2);
      proche(r.exactPoissonPTwoSided, pExact);
      expect(r.flagCiRule).toBe(flag);
    });
  }
});
