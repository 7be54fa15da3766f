import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { proche } from './proche.ts';

/**
 * The real `stats` command (stats-contract.md), one spawn per call: exactly one JSON object on
 * stdout, exit 0; invalid input → {"error": "..."} naming the field, exit 2.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function stats(method: string | undefined, input?: unknown): { status: number | null; out: Record<string, unknown> } {
  const args = ['--import', './functions/src/register.ts', 'functions/src/cli/stats.ts'];
  if (method !== undefined) args.push(method);
  if (input !== undefined) args.push(typeof input === 'string' ? input : JSON.stringify(input));
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf-8' });
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toHaveLength(1);
  const out = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(out).toBeTypeOf('object');
  return { status: r.status, out };
}

function ok(method: string, input: unknown, fields: string[]): Record<string, unknown> {
  const { status, out } = stats(method, input);
  expect(out.error, String(out.error)).toBeUndefined();
  expect(status).toBe(0);
  for (const f of fields) expect(out, `champ ${f}`).toHaveProperty(f);
  return out;
}

function error(method: string | undefined, input: unknown, field: RegExp): void {
  const { status, out } = stats(method, input);
  expect(status).toBe(2);
  expect(Object.keys(out)).toEqual(['error']);
  expect(out.error).toBeTypeOf('string');
  expect(out.error).toMatch(field);
}

const num = (x: unknown) => x as number;

const ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000];
const POPS = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153, 123, 207];
const BIG = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91];
const TINY = [0, 0, null, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3];
const BANDS = ['0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85-89', '90+'];
const REF_COUNTS = [10303, 2824, 0, 3615, 3641, 3490, 3789, 3213, 3031, 2771, 3089, 3490, 3595, 4745, 5514, 7125, 5694, 6210, 5757];
const REF_POPS = [50520, 57173, 60213, 54659, 44345, 50128, 62163, 67423, 62899, 55463, 60479, 49974, 44140, 40888, 37239, 30819, 18136, 15325, 13918];
const VALUES = [17500, 18200, 19000, 19800, 20500, 21500, 22800, 23500, 24800, 26500];
const WEIGHTS = [9000, 25000, 450, 3500, 1500, 12000, 6000, 800, 2200, 4000];
const QUINTILES = { populations: [12000, 11500, 10000, 9500, 8000] };

describe('stats command: one vector per method of the contract', () => {
  it('poisson_count_ci_byar', () => {
    const o = ok('poisson_count_ci_byar', { observed: 10, confidence: 0.998 }, ['lower', 'upper']);
    proche(num(o.lower), 2.916318);
    proche(num(o.upper), 24.19372);
  });

  it('proportion_wilson', () => {
    const o = ok('proportion_wilson', { numerator: 65, denominator: 100, confidence: 0.95 }, [
      'value', 'lower', 'upper', 'lower95', 'upper95', 'lower99_8', 'upper99_8',
    ]);
    expect(o.value).toBe(0.65);
    proche(num(o.lower), 0.552544433);
    proche(num(o.upper99_8), 0.7783540614);
    expect(o.method).toBe('Wilson');
  });

  it('proportion_wilson_aggregated', () => {
    const o = ok('proportion_wilson_aggregated', { rows: [{ numerator: 1, denominator: 100 }, { numerator: 1, denominator: 100 }], confidence: 0.95 }, [
      'numerator', 'denominator', 'value', 'lower', 'upper',
    ]);
    expect(o.numerator).toBe(2);
    proche(num(o.lower), 0.002746658);
    proche(num(o.upper), 0.03572176);
  });

  it('crude_rate_poisson_ci', () => {
    const o = ok('crude_rate_poisson_ci', { numerator: 1, denominator: 100, confidence: [0.95, 0.998], multiplier: 100000 }, [
      'value', 'lower95', 'upper95', 'lower99_8', 'upper99_8', 'method', 'lower', 'upper',
    ]);
    expect(o.method).toBe('Exact');
    proche(num(o.lower95), 25.31780798);
    proche(num(o.upper95), 5571.643391);
    expect(o.lower).toBe(o.lower95);
  });

  it('crude_rate_poisson_ci_aggregated', () => {
    const o = ok('crude_rate_poisson_ci_aggregated', { rows: [{ numerator: 1, denominator: 100 }, { numerator: 1, denominator: 100 }], confidence: 0.95, multiplier: 100000 }, [
      'numerator', 'denominator', 'value', 'lower', 'upper', 'method',
    ]);
    proche(num(o.value), 1000);
    proche(num(o.lower), '121.1046');
    expect(o.method).toBe('Exact');
  });

  it('dsr_dobson (big)', () => {
    const o = ok(
      'dsr_dobson',
      { age_bands: BANDS, counts: BIG, populations: POPS, standard_population: ESP2013, standard_population_name: 'ESP2013', confidence: [0.95, 0.998], multiplier: 100000 },
      ['total_count', 'total_pop', 'value', 'lower95', 'upper95', 'lower99_8', 'upper99_8', 'suppressed', 'reason'],
    );
    expect(o.total_count).toBe(895);
    expect(o.total_pop).toBe(8970);
    proche(num(o.value), 10430.24799);
    proche(num(o.lower99_8), 9323.28788);
    expect(o.suppressed).toBe(false);
  });

  it('dsr_dobson (tiny, NA count) is suppressed', () => {
    const o = ok('dsr_dobson', { age_bands: BANDS, counts: TINY, populations: POPS, standard_population: ESP2013, confidence: [0.95, 0.998] }, [
      'value', 'lower95', 'upper99_8', 'suppressed', 'reason',
    ]);
    expect(o.total_count).toBe(9);
    expect(o.value).toBeNull();
    expect(o.lower95).toBeNull();
    expect(o.upper99_8).toBeNull();
    expect(o.suppressed).toBe(true);
    expect(o.reason).toMatch(/10/);
  });

  it('dsr_fay_feuer_gamma (Fleiss birth order 1)', () => {
    const o = ok(
      'dsr_fay_feuer_gamma',
      {
        counts: [107, 141, 60, 40, 39, 25],
        populations: [230061, 329449, 114920, 39487, 14208, 3052],
        standard_population: [63986.6, 186263.6, 157302.2, 97647.0, 47572.6, 12262.6],
        confidence: 0.95,
        multiplier: 100000,
      },
      ['crude_rate', 'value', 'lower', 'upper'],
    );
    proche(num(o.crude_rate), '56.3475');
    proche(num(o.value), '92.3045');
    proche(num(o.lower), '80.4417');
    proche(num(o.upper), '105.7633');
  });

  it('smr_icm', () => {
    const o = ok('smr_icm', { counts: BIG, populations: POPS, reference_counts: REF_COUNTS, reference_populations: REF_POPS, confidence: [0.95, 0.998], refvalue: 100 }, [
      'observed', 'expected', 'value', 'lower95', 'upper95', 'lower99_8', 'upper99_8', 'method',
    ]);
    proche(num(o.expected), 835.8835612);
    proche(num(o.value), 107.0723294);
    proche(num(o.upper99_8), 118.6007042);
    expect(o.method).toBe('Byar');
  });

  it('indirectly_standardised_rate', () => {
    const o = ok('indirectly_standardised_rate', { counts: BIG, populations: POPS, reference_counts: REF_COUNTS, reference_populations: REF_POPS, confidence: 0.95, multiplier: 100000 }, [
      'observed', 'expected', 'reference_rate', 'value', 'lower', 'upper',
    ]);
    proche(num(o.reference_rate), 9349.883092);
    proche(num(o.value), 10011.13762);
    proche(num(o.lower), 9365.916003);
  });

  it('smr_significance_vs_reference', () => {
    const o = ok('smr_significance_vs_reference', { observed: 30, expected: 45, confidence: 0.95 }, [
      'smr_x100', 'lower95', 'upper95', 'ci_method', 'chi2_stat', 'chi2_p', 'exact_poisson_p_two_sided', 'flag_ci_rule',
    ]);
    proche(num(o.smr_x100), 66.66667);
    proche(num(o.upper95), 95.17416);
    proche(num(o.exact_poisson_p_two_sided), '0.02320');
    expect(o.ci_method).toBe('Byar');
    expect(o.flag_ci_rule).toBe('lower');
  });

  it('compare_to_reference_ci_rule', () => {
    const o = ok('compare_to_reference_ci_rule', { value: 10430.25, lower95: 9717.71, upper95: 11178.94, reference_value: 9000, polarity: 'higher_is_worse' }, ['flag']);
    expect(o.flag).toBe('higher_worse');
  });

  it('compare_two_proportions_z', () => {
    const o = ok('compare_two_proportions_z', { x1: 130, n1: 1000, x2: 9000, n2: 100000, note: 'territoire vs reste du département' }, ['p1', 'p2', 'z', 'p_value_two_sided']);
    proche(num(o.z), 4.389332);
    proche(num(o.p_value_two_sided), '1.13699e-05');
  });

  it('compare_two_rates_rate_ratio', () => {
    const o = ok('compare_two_rates_rate_ratio', { o1: 150, py1: 100000, o2: 4000, py2: 3000000, confidence: 0.95 }, ['rate_ratio', 'lower', 'upper', 'z', 'p_value_two_sided']);
    proche(num(o.rate_ratio), 1.125);
    proche(num(o.upper), 1.3241707);
    proche(num(o.p_value_two_sided), 0.1567077);
  });

  it('aggregate_rate', () => {
    const o = ok(
      'aggregate_rate',
      { communes: [{ code: 'A', numerator: 12, denominator: 1500 }, { code: 'B', numerator: 3, denominator: 200 }, { code: 'C', numerator: 40, denominator: 8000 }], multiplier: 100000 },
      ['numerator', 'denominator', 'value', 'wrong_unweighted_mean_of_rates'],
    );
    proche(num(o.value), '567.0103');
    proche(num(o.wrong_unweighted_mean_of_rates), '933.33');
  });

  it('aggregate_median_approximation', () => {
    const o = ok(
      'aggregate_median_approximation',
      { communes: [{ code: 'A', median: 21000, population: 1500 }, { code: 'B', median: 19500, population: 200 }, { code: 'C', median: 23000, population: 8000 }] },
      ['population_weighted_mean_of_medians', 'population_weighted_median_of_medians', 'flag'],
    );
    proche(num(o.population_weighted_mean_of_medians), '22618.56');
    expect(o.population_weighted_median_of_medians).toBe(23000);
    expect(o.flag).toBe('approximation');
  });

  it('aggregate_proportion_from_published_rates (secret commune as null)', () => {
    const o = ok(
      'aggregate_proportion_from_published_rates',
      {
        communes: [
          { code: 'A', poverty_rate_pct: 12.5, persons_in_fiscal_households: 10000 },
          { code: 'B', poverty_rate_pct: 18.0, persons_in_fiscal_households: 4000 },
          { code: 'C', poverty_rate_pct: null, persons_in_fiscal_households: 300 },
        ],
      },
      ['value_pct', 'covered_persons', 'total_persons', 'coverage_pct', 'flag'],
    );
    proche(num(o.value_pct), '14.0714');
    proche(num(o.coverage_pct), '97.902');
    expect(o.flag).toBe('partial_coverage');
  });

  it('fdep_weighted_pca', () => {
    const rows = [
      ['c1', 12000, 21500, 0.52, 0.18, 0.085],
      ['c2', 3500, 19800, 0.41, 0.27, 0.112],
      ['c3', 800, 23500, 0.58, 0.15, 0.062],
      ['c4', 25000, 18200, 0.38, 0.24, 0.148],
      ['c5', 1500, 20500, 0.45, 0.25, 0.095],
      ['c6', 6000, 22800, 0.55, 0.16, 0.071],
      ['c7', 450, 19000, 0.36, 0.31, 0.12],
      ['c8', 9000, 17500, 0.33, 0.29, 0.165],
    ] as const;
    const o = ok(
      'fdep_weighted_pca',
      {
        communes: rows.map(([code, population, m, b, w, u]) => ({
          code,
          population,
          median_income_uc: m,
          share_bac_plus_15p_non_students: b,
          share_workers_ouvriers_active: w,
          unemployment_rate: u,
        })),
        weights: 'population',
        standardisation: 'population-weighted mean and SD',
        pca_on: 'population-weighted correlation matrix',
        sign_convention: 'unemployment loading positive',
      },
      ['lambda1', 'variance_share', 'loadings', 'scores', 'population_quintile'],
    );
    proche(num(o.lambda1), 3.82991);
    const loadings = o.loadings as Record<string, number>;
    expect(Object.keys(loadings).sort()).toEqual(['median_income_uc', 'share_bac', 'share_ouvriers', 'unemployment']);
    proche(loadings.unemployment, 0.5015919);
    proche((o.scores as Record<string, number>).c8, 2.421931);
    expect(o.population_quintile).toEqual({ c1: 2, c2: 2, c3: 1, c4: 4, c5: 2, c6: 1, c7: 5, c8: 5 });
  });

  it('weighted_quantile_step', () => {
    const o = ok('weighted_quantile_step', { values: VALUES, weights: WEIGHTS, p: [0.1, 0.9] }, ['D1', 'D9', 'D9_over_D1']);
    expect(o.D1).toBe(17500);
    expect(o.D9).toBe(23500);
    proche(num(o.D9_over_D1), 1.342857143);
  });

  it('weighted_quantile_midpoint_interpolated', () => {
    const o = ok('weighted_quantile_midpoint_interpolated', { values: VALUES, weights: WEIGHTS, p: [0.1, 0.9] }, ['D1', 'D9', 'D9_over_D1']);
    proche(num(o.D1), 17580.08824);
    proche(num(o.D9_over_D1), 1.344380814);
  });

  it('inequality_between_units_weighted', () => {
    const o = ok('inequality_between_units_weighted', { values: VALUES, weights: WEIGHTS }, ['weighted_mean', 'gini', 'theil_T', 'theil_L_mld', 'weighted_sd', 'cv']);
    proche(num(o.gini), 0.06859363101);
    proche(num(o.theil_L_mld), 0.007929934339);
    proche(num(o.cv), 0.1301787958);
  });

  it('concentration_index_grouped', () => {
    const o = ok('concentration_index_grouped', { groups_ordered: 'most deprived first', ...QUINTILES, rates: [14.2, 12.1, 11.0, 9.8, 8.5] }, [
      'mean', 'fractional_rank_midpoints', 'concentration_index',
    ]);
    proche(num(o.concentration_index), -0.09605108);
    expect(o.fractional_rank_midpoints).toHaveLength(5);
  });

  it('sii_rii', () => {
    const o = ok('sii_rii', { quantiles_ordered: '1 = most deprived', ...QUINTILES, values: [14.2, 12.1, 11.0, 9.8, 8.5] }, ['sii', 'rii', 'intercept']);
    proche(num(o.sii), -6.851609);
    proche(num(o.rii), 0.5374003);
  });

  it('small_count_suppression', () => {
    const o = ok('small_count_suppression', { counts: [0, 1, 5, 10, 11, 250], min_publishable: 11, zero_publishable: true }, ['published', 'flag']);
    expect(o.published).toEqual([0, null, null, null, 11, 250]);
    expect(o.flag).toBe('masked');
  });

  it('apc_loglinear_ols', () => {
    const o = ok(
      'apc_loglinear_ols',
      { years: [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022], rates: [912.4, 897.1, 905.3, 880.2, 871.8, 866.0, 850.9, 902.7, 861.5, 845.2], confidence: 0.95 },
      ['slope_log', 'se_slope', 'apc_pct', 'lower_pct', 'upper_pct', 'df'],
    );
    proche(num(o.apc_pct), -0.6612056);
    proche(num(o.lower_pct), -1.151749);
    expect(o.df).toBe(8);
  });

  it('pooled_period_rate', () => {
    const o = ok(
      'pooled_period_rate',
      { years: [2018, 2019, 2020, 2021, 2022], counts: [12, 15, 9, 14, 11], populations: [10200, 10150, 10100, 10080, 10050], multiplier: 100000, confidence: 0.95 },
      ['numerator', 'person_years', 'value', 'lower', 'upper', 'mean_annual_count', 'label_year'],
    );
    expect(o.numerator).toBe(61);
    proche(num(o.lower), 92.24522);
    proche(num(o.mean_annual_count), 12.2);
  });

  it('rolling_window_rates', () => {
    const o = ok(
      'rolling_window_rates',
      { years: [2018, 2019, 2020, 2021, 2022], counts: [12, 15, 9, 14, 11], populations: [10200, 10150, 10100, 10080, 10050], window: 3, multiplier: 100000 },
      ['windows'],
    );
    const windows = o.windows as Record<string, number>[];
    expect(windows).toHaveLength(3);
    proche(windows[1]!.value, '125.2885');
    proche(windows[2]!.upper, 157.1719);
  });

  it('difference_in_differences_rates', () => {
    const o = ok(
      'difference_in_differences_rates',
      {
        treated_before: { count: 180, person_years: 150000 },
        treated_after: { count: 140, person_years: 152000 },
        control_before: { count: 900, person_years: 700000 },
        control_after: { count: 860, person_years: 705000 },
        multiplier: 100000,
        confidence: 0.95,
      },
      ['rates', 'did_absolute', 'did_se', 'did_lower', 'did_upper', 'ratio_of_rate_ratios', 'rrr_lower', 'rrr_upper', 'rrr_p_value'],
    );
    proche(num(o.did_absolute), -21.30912);
    proche(num(o.rrr_upper), 1.028235);
    expect(Object.keys(o.rates as object).sort()).toEqual(['control_after', 'control_before', 'treated_after', 'treated_before']);
  });

  it('minimum_detectable_change_rate', () => {
    const o = ok('minimum_detectable_change_rate', { expected_events_per_period: 540, alpha: 0.05, power: 0.8, two_sided: true }, ['rr_decrease', 'rr_increase']);
    proche(num(o.rr_decrease), 0.8432439);
    proche(num(o.rr_increase), 1.185897);
  });

  it('minimum_detectable_change_proportion', () => {
    const o = ok('minimum_detectable_change_proportion', { p0: 0.3, n_per_period: 400, alpha: 0.05, power: 0.8 }, ['delta_abs']);
    proche(num(o.delta_abs), 0.09078174);
  });

  it('minimum_detectable_smr', () => {
    const o = ok('minimum_detectable_smr', { expected: 100, alpha: 0.05, power: 0.8 }, ['smr_min_increase']);
    proche(num(o.smr_min_increase), 1.280874);
  });
});

describe('stats command: invalid input → {"error"} and exit 2', () => {
  it('unknown method', () => error('not_a_method', {}, /not_a_method/));
  it('missing method', () => error(undefined, undefined, /méthode/));
  it('missing JSON argument', () => error('proportion_wilson', undefined, /JSON/));
  it('invalid JSON', () => error('proportion_wilson', '{"numerator": 1,', /JSON/));
  it('JSON that is not an object', () => error('proportion_wilson', '[1, 2]', /objet/));
  it('missing field', () => error('proportion_wilson', { denominator: 100 }, /numerator/));
  it('string instead of number', () => error('crude_rate_poisson_ci', { numerator: 5, denominator: '100' }, /denominator/));
  it('negative count', () => error('small_count_suppression', { counts: [3, -1] }, /counts\[1\]/));
  it('numerator > denominator for a proportion', () => error('proportion_wilson', { numerator: 11, denominator: 10 }, /numerator/));
  it('mismatched array lengths (large arrays)', () =>
    error(
      'dsr_dobson',
      { counts: Array(5000).fill(1), populations: Array(4999).fill(100), standard_population: Array(5000).fill(10) },
      /populations/,
    ));
});
