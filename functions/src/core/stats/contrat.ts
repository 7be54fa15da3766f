import { z } from 'zod';
import { ParametreInvalideError } from '../errors.ts';
import { aggregateMedianApproximation, aggregateProportionFromPublishedRates, aggregateRate } from './agregation.ts';
import { compareToReferenceCiRule, compareTwoProportionsZ, compareTwoRatesRateRatio } from './comparaison.ts';
import { finiteOrNull } from './commun.ts';
import {
  apcLogLinearOls,
  differenceInDifferencesRates,
  minimumDetectableChangeProportion,
  minimumDetectableChangeRate,
  minimumDetectableSmr,
  pooledPeriodRate,
  rollingWindowRates,
  type TauxPeriode,
} from './evaluation.ts';
import { fdepWeightedPca } from './fdep.ts';
import { concentrationIndexGrouped, inequalityBetweenUnits, interdecileRatio, siiRii, weightedQuantileMidpoint, weightedQuantileStep } from './inegalites.ts';
import { wilsonInterval, wilsonIntervalAggregated } from './proportions.ts';
import { byarLower, byarUpper, crudeRate, crudeRateAggregated } from './rates.ts';
import { secondarySuppression, smallCountSuppression } from './secret.ts';
import { dsrDobson, dsrFayFeuer, indirectlyStandardisedRate, smr, smrSignificance } from './standardisation.ts';

/**
 * The statistics contract (docs stats-contract.md): every method name mapped to the validation of
 * its JSON input (zod, French messages naming the field), the computation in this library and an
 * output object with the contract's field names (snake_case; extra fields allowed). Undefined
 * results are `null`, never NaN. Used by the `stats` command (functions/src/cli/stats.ts).
 */

/** A JSON-safe output object. */
export type Sortie = Record<string, unknown>;

interface Methode {
  schema: z.ZodType;
  run: (input: unknown) => Sortie;
}

function methode<S extends z.ZodType>(schema: S, run: (input: z.output<S>) => Sortie): Methode {
  return { schema, run: run as (input: unknown) => Sortie };
}

// ---------------------------------------------------------------------------------------------
// Input building blocks

const nombre = z.number();
const effectif = z.number().min(0);
const effectifOuManquant = effectif.nullable();
const positif = z.number().gt(0);
const niveau = z.number().gt(0).lt(1);
const niveaux = z.union([niveau, z.array(niveau).min(1)]);
const multiplicateur = positif.optional();
const documentation = z.string().optional();
const probabilite = z.number().min(0).max(1);
const code = z.string().min(1);
/** Secret marker of a published value: `null`, absent, or one of these strings. */
const MARQUEURS_SECRET = ['s', 'secret', 'nd', 'na', 'masque', 'masqué'];
const marqueurSecret = z
  .string()
  .refine((s) => MARQUEURS_SECRET.includes(s.trim().toLowerCase()), { message: `nombre ou marqueur de secret attendu (null, ${MARQUEURS_SECRET.map((m) => `"${m}"`).join(', ')})` })
  .transform(() => null);
const valeurPubliee = (base: z.ZodNumber) => z.union([base, z.null(), marqueurSecret]).optional().transform((v) => v ?? null);

const lignes = z.array(z.object({ numerator: effectif, denominator: effectif })).min(1);

// ---------------------------------------------------------------------------------------------
// Confidence levels

/** Output suffix of a confidence level: 0.95 → "95", 0.998 → "99_8". */
export function suffixeNiveau(level: number): string {
  return String(Math.round(level * 100 * 1e6) / 1e6).replace('.', '_');
}

/**
 * The levels to compute: those requested (default 0.95; the first is the primary level, output
 * as `lower`/`upper`), plus 0.95 and 0.998 when the contract lists the suffixed outputs.
 */
function niveauxDemandes(confidence: number | number[] | undefined, suffixesAttendus: boolean): { primary: number; all: number[] } {
  const requested = confidence === undefined ? [0.95] : Array.isArray(confidence) ? confidence : [confidence];
  const all: number[] = [];
  for (const l of [...requested, ...(suffixesAttendus ? [0.95, 0.998] : [])]) if (!all.includes(l)) all.push(l);
  return { primary: requested[0]!, all };
}

/** `lowerXX`/`upperXX` fields for every level (and nothing when only one level and none expected). */
function bornesSuffixees(levels: number[], compute: (level: number) => { lower: number | null; upper: number | null }): Sortie {
  const out: Sortie = {};
  for (const level of levels) {
    const ci = compute(level);
    out[`lower${suffixeNiveau(level)}`] = finiteOrNull(ci.lower);
    out[`upper${suffixeNiveau(level)}`] = finiteOrNull(ci.upper);
  }
  return out;
}

const fois = (x: number | null, m: number) => (x === null ? null : x * m);

function periode(w: TauxPeriode): Sortie {
  return {
    start_year: w.startYear,
    end_year: w.endYear,
    period: w.period,
    label_year: w.labelYear,
    years: w.years,
    numerator: w.numerator,
    person_years: w.personYears,
    value: w.value,
    lower: w.lower,
    upper: w.upper,
    method: w.method,
    mean_annual_count: w.meanAnnualCount,
  };
}

// ---------------------------------------------------------------------------------------------
// The methods

const METHODES: Record<string, Methode> = {
  poisson_count_ci_byar: methode(z.object({ observed: effectif, confidence: niveaux.optional() }), (i) => {
    const { primary, all } = niveauxDemandes(i.confidence, false);
    return {
      observed: i.observed,
      confidence: primary,
      lower: byarLower(i.observed, primary),
      upper: byarUpper(i.observed, primary),
      method: 'Byar',
      ...(all.length > 1 ? bornesSuffixees(all, (l) => ({ lower: byarLower(i.observed, l), upper: byarUpper(i.observed, l) })) : {}),
    };
  }),

  proportion_wilson: methode(
    z.object({ numerator: effectif, denominator: effectif, confidence: niveaux.optional(), multiplier: multiplicateur }),
    (i) => {
      const m = i.multiplier ?? 1;
      const { primary, all } = niveauxDemandes(i.confidence, true);
      const r = wilsonInterval(i.numerator, i.denominator, primary);
      return {
        numerator: i.numerator,
        denominator: i.denominator,
        value: fois(r.value, m),
        lower: fois(r.lower, m),
        upper: fois(r.upper, m),
        ...bornesSuffixees(all, (l) => {
          const c = wilsonInterval(i.numerator, i.denominator, l);
          return { lower: fois(c.lower, m), upper: fois(c.upper, m) };
        }),
        confidence: primary,
        multiplier: m,
        method: 'Wilson',
        small_numbers: r.smallNumbers,
        reason: r.reason,
      };
    },
  ),

  proportion_wilson_aggregated: methode(z.object({ rows: lignes, confidence: niveaux.optional(), multiplier: multiplicateur }), (i) => {
    const m = i.multiplier ?? 1;
    const { primary, all } = niveauxDemandes(i.confidence, false);
    const r = wilsonIntervalAggregated(i.rows, primary);
    return {
      numerator: r.numerator,
      denominator: r.denominator,
      value: fois(r.value, m),
      lower: fois(r.lower, m),
      upper: fois(r.upper, m),
      ...(all.length > 1
        ? bornesSuffixees(all, (l) => {
            const c = wilsonIntervalAggregated(i.rows, l);
            return { lower: fois(c.lower, m), upper: fois(c.upper, m) };
          })
        : {}),
      confidence: primary,
      multiplier: m,
      method: 'Wilson',
      reason: r.reason,
    };
  }),

  crude_rate_poisson_ci: methode(
    z.object({ numerator: effectif, denominator: effectif, confidence: niveaux.optional(), multiplier: multiplicateur }),
    (i) => {
      const options = { multiplier: i.multiplier ?? 100_000 };
      const { primary, all } = niveauxDemandes(i.confidence, true);
      const r = crudeRate(i.numerator, i.denominator, { ...options, confidence: primary });
      return {
        numerator: i.numerator,
        denominator: i.denominator,
        value: r.value,
        ...bornesSuffixees(all, (l) => crudeRate(i.numerator, i.denominator, { ...options, confidence: l })),
        lower: r.lower,
        upper: r.upper,
        method: r.method,
        confidence: primary,
        multiplier: r.multiplier,
        small_numbers: r.smallNumbers,
        reason: r.reason,
      };
    },
  ),

  crude_rate_poisson_ci_aggregated: methode(z.object({ rows: lignes, confidence: niveaux.optional(), multiplier: multiplicateur }), (i) => {
    const options = { multiplier: i.multiplier ?? 100_000 };
    const { primary, all } = niveauxDemandes(i.confidence, false);
    const r = crudeRateAggregated(i.rows, { ...options, confidence: primary });
    return {
      numerator: r.numerator,
      denominator: r.denominator,
      value: r.value,
      lower: r.lower,
      upper: r.upper,
      method: r.method,
      ...(all.length > 1 ? bornesSuffixees(all, (l) => crudeRateAggregated(i.rows, { ...options, confidence: l })) : {}),
      confidence: primary,
      multiplier: r.multiplier,
      small_numbers: r.smallNumbers,
      reason: r.reason,
    };
  }),

  dsr_dobson: methode(
    z.object({
      age_bands: z.array(z.string()).optional(),
      counts: z.array(effectifOuManquant).min(1),
      populations: z.array(effectif),
      standard_population: z.array(effectif),
      standard_population_name: documentation,
      confidence: niveaux.optional(),
      multiplier: multiplicateur,
    }),
    (i) => {
      if (i.age_bands !== undefined && i.age_bands.length !== i.counts.length) {
        throw new ParametreInvalideError('age_bands', `age_bands : longueur ${i.age_bands.length} différente de celle de counts (${i.counts.length})`);
      }
      const options = { multiplier: i.multiplier ?? 100_000 };
      const { primary, all } = niveauxDemandes(i.confidence, true);
      const r = dsrDobson(i.counts, i.populations, i.standard_population, { ...options, confidence: primary });
      return {
        total_count: r.totalCount,
        total_pop: r.totalPopulation,
        value: r.value,
        ...bornesSuffixees(all, (l) => dsrDobson(i.counts, i.populations, i.standard_population, { ...options, confidence: l })),
        lower: r.lower,
        upper: r.upper,
        suppressed: r.suppressed,
        reason: r.reason,
        method: 'Dobson',
        variance: r.variance,
        confidence: primary,
        multiplier: r.multiplier,
        standard_population_name: i.standard_population_name ?? null,
        missing_counts_read_as_zero: r.missingCounts,
      };
    },
  ),

  dsr_fay_feuer_gamma: methode(
    z.object({
      counts: z.array(effectifOuManquant).min(1),
      populations: z.array(effectif),
      standard_population: z.array(effectif),
      confidence: niveaux.optional(),
      multiplier: multiplicateur,
    }),
    (i) => {
      const options = { multiplier: i.multiplier ?? 100_000 };
      const { primary, all } = niveauxDemandes(i.confidence, false);
      const r = dsrFayFeuer(i.counts, i.populations, i.standard_population, { ...options, confidence: primary });
      return {
        crude_rate: r.crudeRate,
        value: r.value,
        lower: r.lower,
        upper: r.upper,
        ...(all.length > 1 ? bornesSuffixees(all, (l) => dsrFayFeuer(i.counts, i.populations, i.standard_population, { ...options, confidence: l })) : {}),
        method: r.method,
        variance: r.variance,
        confidence: primary,
        multiplier: r.multiplier,
        missing_counts_read_as_zero: r.missingCounts,
      };
    },
  ),

  smr_icm: methode(
    z.object({
      counts: z.array(effectifOuManquant).min(1),
      populations: z.array(effectif),
      reference_counts: z.array(effectif),
      reference_populations: z.array(effectif),
      confidence: niveaux.optional(),
      refvalue: positif.optional(),
    }),
    (i) => {
      const options = { refvalue: i.refvalue ?? 100 };
      const { primary, all } = niveauxDemandes(i.confidence, true);
      const run = (l: number) => smr(i.counts, i.populations, i.reference_counts, i.reference_populations, { ...options, confidence: l });
      const r = run(primary);
      return {
        observed: r.observed,
        expected: r.expected,
        value: r.value,
        ...bornesSuffixees(all, run),
        lower: r.lower,
        upper: r.upper,
        method: r.method,
        confidence: primary,
        refvalue: r.refvalue,
        small_numbers: r.smallNumbers,
        reason: r.reason,
      };
    },
  ),

  indirectly_standardised_rate: methode(
    z.object({
      counts: z.array(effectifOuManquant).min(1),
      populations: z.array(effectif),
      reference_counts: z.array(effectif),
      reference_populations: z.array(effectif),
      confidence: niveaux.optional(),
      multiplier: multiplicateur,
    }),
    (i) => {
      const options = { multiplier: i.multiplier ?? 100_000 };
      const { primary, all } = niveauxDemandes(i.confidence, false);
      const run = (l: number) => indirectlyStandardisedRate(i.counts, i.populations, i.reference_counts, i.reference_populations, { ...options, confidence: l });
      const r = run(primary);
      return {
        observed: r.observed,
        expected: r.expected,
        reference_rate: r.referenceRate,
        value: r.value,
        lower: r.lower,
        upper: r.upper,
        ...(all.length > 1 ? bornesSuffixees(all, run) : {}),
        method: r.method,
        confidence: primary,
        multiplier: r.multiplier,
      };
    },
  ),

  smr_significance_vs_reference: methode(z.object({ observed: effectif, expected: effectif, confidence: niveaux.optional() }), (i) => {
    const { primary } = niveauxDemandes(i.confidence, false);
    const at95 = smrSignificance(i.observed, i.expected, 0.95);
    const r = smrSignificance(i.observed, i.expected, primary);
    return {
      observed: i.observed,
      expected: i.expected,
      smr_x100: r.smrX100,
      lower95: at95.lower,
      upper95: at95.upper,
      lower: r.lower,
      upper: r.upper,
      confidence: primary,
      ci_method: r.ciMethod,
      chi2_stat: r.chi2Stat,
      chi2_p: r.chi2P,
      exact_poisson_p_two_sided: r.exactPoissonPTwoSided,
      flag_ci_rule: r.flagCiRule,
      significant: r.flagCiRule === 'higher' || r.flagCiRule === 'lower',
    };
  }),

  compare_to_reference_ci_rule: methode(
    z.object({
      value: nombre.nullable(),
      lower95: nombre.nullable(),
      upper95: nombre.nullable(),
      reference_value: nombre,
      polarity: z.enum(['higher_is_worse', 'higher_is_better', 'neutral']),
    }),
    (i) => {
      const flag = compareToReferenceCiRule({ lower: i.lower95, upper: i.upper95 }, i.reference_value, i.polarity);
      return { flag, significant: flag !== 'similar' && flag !== 'not_computable', reference_value: i.reference_value, polarity: i.polarity };
    },
  ),

  compare_two_proportions_z: methode(z.object({ x1: effectif, n1: effectif, x2: effectif, n2: effectif, note: documentation }), (i) => {
    const r = compareTwoProportionsZ(i.x1, i.n1, i.x2, i.n2);
    return { p1: r.p1, p2: r.p2, pooled: r.pooled, z: r.z, p_value_two_sided: r.pValueTwoSided };
  }),

  compare_two_rates_rate_ratio: methode(z.object({ o1: effectif, py1: effectif, o2: effectif, py2: effectif, confidence: niveau.optional() }), (i) => {
    const r = compareTwoRatesRateRatio(i.o1, i.py1, i.o2, i.py2, i.confidence ?? 0.95);
    return {
      rate_ratio: r.rateRatio,
      lower: r.lower,
      upper: r.upper,
      z: r.z,
      p_value_two_sided: r.pValueTwoSided,
      se_log: r.seLog,
      confidence: r.confidence,
    };
  }),

  aggregate_rate: methode(
    z.object({ communes: z.array(z.object({ code, numerator: effectifOuManquant, denominator: effectif })).min(1), multiplier: multiplicateur }),
    (i) => {
      const r = aggregateRate(i.communes, i.multiplier ?? 100_000);
      return {
        numerator: r.numerator,
        denominator: r.denominator,
        value: r.value,
        wrong_unweighted_mean_of_rates: r.wrongUnweightedMeanOfRates,
        multiplier: r.multiplier,
        coverage: r.coverage,
        excluded: r.excluded,
        flag: r.partialCoverage ? 'partial_coverage' : 'ok',
      };
    },
  ),

  aggregate_median_approximation: methode(
    z.object({ communes: z.array(z.object({ code, median: valeurPubliee(z.number()), population: effectif })).min(1) }),
    (i) => {
      const r = aggregateMedianApproximation(i.communes);
      return {
        population_weighted_mean_of_medians: r.populationWeightedMeanOfMedians,
        population_weighted_median_of_medians: r.populationWeightedMedianOfMedians,
        flag: r.flag,
        approximation: true,
        method: 'popweighted_mean_of_medians',
        covered_population: r.coveredPopulation,
        total_population: r.totalPopulation,
        coverage: r.coverage,
        partial_coverage: r.partialCoverage,
      };
    },
  ),

  aggregate_proportion_from_published_rates: methode(
    z.object({
      communes: z.array(z.object({ code, poverty_rate_pct: valeurPubliee(z.number().min(0).max(100)), persons_in_fiscal_households: effectif })).min(1),
    }),
    (i) => {
      const r = aggregateProportionFromPublishedRates(i.communes.map((c) => ({ code: c.code, ratePct: c.poverty_rate_pct, persons: c.persons_in_fiscal_households })));
      return {
        value_pct: r.valuePct,
        covered_persons: r.coveredPersons,
        total_persons: r.totalPersons,
        coverage_pct: r.coveragePct,
        flag: r.flag,
        partial_coverage: r.flag === 'partial_coverage',
        excluded: r.excluded,
      };
    },
  ),

  fdep_weighted_pca: methode(
    z.object({
      communes: z
        .array(
          z.object({
            code,
            population: effectif,
            median_income_uc: nombre,
            // fractions (0.52) or percentages (52): the PCA works on standardised variables
            share_bac_plus_15p_non_students: effectif,
            share_workers_ouvriers_active: effectif,
            unemployment_rate: effectif,
          }),
        )
        .min(2),
      weights: documentation,
      standardisation: documentation,
      pca_on: documentation,
      sign_convention: documentation,
    }),
    (i) => {
      const r = fdepWeightedPca(
        i.communes.map((c) => ({
          code: c.code,
          population: c.population,
          medianIncomeUc: c.median_income_uc,
          shareBac: c.share_bac_plus_15p_non_students,
          shareOuvriers: c.share_workers_ouvriers_active,
          unemployment: c.unemployment_rate,
        })),
      );
      return {
        lambda1: r.lambda1,
        variance_share: r.varianceShare,
        loadings: r.loadings,
        scores: r.scores,
        population_quintile: r.populationQuintile,
        eigenvalues: r.eigenvalues,
        weighted_means: r.means,
        weighted_sds: r.sds,
        label: 'FDep (recomputed, engine)',
      };
    },
  ),

  weighted_quantile_step: methode(z.object({ values: z.array(nombre).min(1), weights: z.array(effectif), p: z.array(probabilite).optional() }), (i) =>
    quantiles(i, 'weighted_quantile_step'),
  ),

  weighted_quantile_midpoint_interpolated: methode(
    z.object({ values: z.array(nombre).min(1), weights: z.array(effectif), p: z.array(probabilite).optional() }),
    (i) => quantiles(i, 'weighted_quantile_midpoint_interpolated'),
  ),

  inequality_between_units_weighted: methode(z.object({ values: z.array(effectif).min(1), weights: z.array(effectif) }), (i) => {
    const r = inequalityBetweenUnits(i.values, i.weights);
    return {
      weighted_mean: r.weightedMean,
      gini: r.gini,
      theil_T: r.theilT,
      theil_L_mld: r.theilL,
      weighted_sd: r.weightedSd,
      cv: r.cv,
      n_units: r.units,
      zeros_dropped_for_theil_L: r.zerosDroppedForTheilL,
      flag: r.singleUnit ? 'single_unit' : r.units < 10 ? 'few_units' : 'ok',
    };
  }),

  concentration_index_grouped: methode(
    z.object({ groups_ordered: documentation, populations: z.array(effectif).min(1), rates: z.array(nombre) }),
    (i) => {
      const r = concentrationIndexGrouped(i.populations, i.rates);
      return {
        mean: r.mean,
        fractional_rank_midpoints: r.fractionalRankMidpoints,
        population_shares: r.shares,
        concentration_index: r.concentrationIndex,
      };
    },
  ),

  sii_rii: methode(z.object({ quantiles_ordered: documentation, populations: z.array(effectif).min(2), values: z.array(nombre) }), (i) => {
    const r = siiRii(i.populations, i.values);
    return { sii: r.sii, rii: r.rii, intercept: r.intercept, midpoint_ranks: r.ranks, population_shares: r.shares, order: '1 = most deprived' };
  }),

  small_count_suppression: methode(
    z.object({
      counts: z.array(effectifOuManquant),
      min_publishable: effectif.optional(),
      zero_publishable: z.boolean().optional(),
      secondary: z.boolean().optional(),
    }),
    (i) => {
      const options = { minPublishable: i.min_publishable ?? 11, zeroPublishable: i.zero_publishable ?? true };
      const first = smallCountSuppression(i.counts, options);
      const r = i.secondary ? { ...secondarySuppression(first.published), primary: first.primary } : first;
      return {
        published: r.published,
        flag: r.flag,
        masked: r.published.map((v) => v === null),
        secondary_masked: r.secondary,
        min_publishable: options.minPublishable,
        zero_publishable: options.zeroPublishable,
      };
    },
  ),

  apc_loglinear_ols: methode(z.object({ years: z.array(nombre), rates: z.array(nombre), confidence: niveau.optional() }), (i) => {
    const r = apcLogLinearOls(i.years, i.rates, i.confidence ?? 0.95);
    return {
      slope_log: r.slopeLog,
      se_slope: r.seSlope,
      apc_pct: r.apcPct,
      lower_pct: r.lowerPct,
      upper_pct: r.upperPct,
      df: r.df,
      t_quantile: r.tQuantile,
      intercept: r.intercept,
      confidence: r.confidence,
    };
  }),

  pooled_period_rate: methode(
    z.object({ years: z.array(nombre).min(1), counts: z.array(effectif), populations: z.array(effectif), multiplier: multiplicateur, confidence: niveau.optional() }),
    (i) => {
      const r = pooledPeriodRate(i.years, i.counts, i.populations, { multiplier: i.multiplier ?? 100_000, confidence: i.confidence ?? 0.95 });
      return { ...periode(r), confidence: r.confidence, multiplier: r.multiplier };
    },
  ),

  rolling_window_rates: methode(
    z.object({
      years: z.array(nombre).min(1),
      counts: z.array(effectif),
      populations: z.array(effectif),
      window: z.number().int().min(1),
      multiplier: multiplicateur,
      confidence: niveau.optional(),
    }),
    (i) => {
      const r = rollingWindowRates(i.years, i.counts, i.populations, i.window, { multiplier: i.multiplier ?? 100_000, confidence: i.confidence ?? 0.95 });
      return { windows: r.map(periode), window: i.window, multiplier: i.multiplier ?? 100_000, confidence: i.confidence ?? 0.95 };
    },
  ),

  difference_in_differences_rates: methode(
    (() => {
      const cellule = z.object({ count: effectif, person_years: positif });
      return z.object({
        treated_before: cellule,
        treated_after: cellule,
        control_before: cellule,
        control_after: cellule,
        multiplier: multiplicateur,
        confidence: niveau.optional(),
      });
    })(),
    (i) => {
      const c = (x: { count: number; person_years: number }) => ({ count: x.count, personYears: x.person_years });
      const r = differenceInDifferencesRates(
        { treatedBefore: c(i.treated_before), treatedAfter: c(i.treated_after), controlBefore: c(i.control_before), controlAfter: c(i.control_after) },
        { multiplier: i.multiplier ?? 100_000, confidence: i.confidence ?? 0.95 },
      );
      return {
        rates: {
          treated_before: r.rates.treatedBefore,
          treated_after: r.rates.treatedAfter,
          control_before: r.rates.controlBefore,
          control_after: r.rates.controlAfter,
        },
        did_absolute: r.didAbsolute,
        did_se: r.didSe,
        did_lower: r.didLower,
        did_upper: r.didUpper,
        did_p_value: r.didPValue,
        ratio_of_rate_ratios: r.ratioOfRateRatios,
        rrr_se_log: r.rrrSeLog,
        rrr_lower: r.rrrLower,
        rrr_upper: r.rrrUpper,
        rrr_p_value: r.rrrPValue,
        confidence: r.confidence,
        multiplier: r.multiplier,
      };
    },
  ),

  minimum_detectable_change_rate: methode(
    z.object({ expected_events_per_period: positif, alpha: niveau.optional(), power: niveau.optional(), two_sided: z.boolean().optional() }),
    (i) => {
      const r = minimumDetectableChangeRate(i.expected_events_per_period, i.alpha ?? 0.05, i.power ?? 0.8, i.two_sided ?? true);
      return {
        rr_decrease: r.rrDecrease,
        rr_increase: r.rrIncrease,
        pct_decrease: 100 * (r.rrDecrease - 1),
        pct_increase: 100 * (r.rrIncrease - 1),
        z_sum: r.zSum,
        rr_decrease_refined: r.rrDecreaseRefined,
        rr_increase_refined: r.rrIncreaseRefined,
      };
    },
  ),

  minimum_detectable_change_proportion: methode(
    z.object({ p0: probabilite, n_per_period: positif, alpha: niveau.optional(), power: niveau.optional(), two_sided: z.boolean().optional() }),
    (i) => {
      const r = minimumDetectableChangeProportion(i.p0, i.n_per_period, i.alpha ?? 0.05, i.power ?? 0.8, i.two_sided ?? true);
      return { delta_abs: r.deltaAbs, z_sum: r.zSum };
    },
  ),

  minimum_detectable_smr: methode(
    z.object({ expected: positif, alpha: niveau.optional(), power: niveau.optional(), two_sided: z.boolean().optional() }),
    (i) => {
      const r = minimumDetectableSmr(i.expected, i.alpha ?? 0.05, i.power ?? 0.8, i.two_sided ?? true);
      return { smr_min_increase: r.smrMinIncrease, smr_min_decrease: r.smrMinDecrease, z_sum: r.zSum };
    },
  ),
};

function quantiles(
  i: { values: number[]; weights: number[]; p?: number[] | undefined },
  rule: 'weighted_quantile_step' | 'weighted_quantile_midpoint_interpolated',
): Sortie {
  const q = rule === 'weighted_quantile_step' ? weightedQuantileStep : weightedQuantileMidpoint;
  const r = interdecileRatio(i.values, i.weights, rule);
  const quantilesDemandes: Record<string, number> = {};
  for (const p of i.p ?? [0.1, 0.9]) quantilesDemandes[String(p)] = q(i.values, i.weights, p);
  return { D1: r.d1, D9: r.d9, D9_over_D1: r.ratio, quantiles: quantilesDemandes, rule, n_units: r.units, flag: r.fewUnits ? 'few_units' : 'ok' };
}

/** Names of every method of the contract. */
export const METHODES_STATS: readonly string[] = Object.keys(METHODES);

/** Formats a zod issue path: ['rows', 0, 'numerator'] → "rows[0].numerator". */
function chemin(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The value found at a zod issue path in the raw input. */
function valeurA(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Replaces every non-finite number and `undefined` by `null`, recursively (JSON-safe output). */
function jsonSur(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSur);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSur(v);
    return out;
  }
  return value;
}

/**
 * Runs one method of the contract on a parsed JSON input. Throws `ParametreInvalideError`
 * (naming the field) on an unknown method or an invalid input.
 */
export function executerMethode(method: string, input: unknown): Sortie {
  const m = Object.hasOwn(METHODES, method) ? METHODES[method] : undefined;
  if (!m) throw new ParametreInvalideError('method', `méthode inconnue : « ${method} » (méthodes : ${METHODES_STATS.join(', ')})`);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ParametreInvalideError('input', 'entrée JSON : un objet est attendu');
  }
  const parsed = m.schema.safeParse(input, { error: z.locales.fr().localeError });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = chemin(issue.path) || 'input';
    const autres = parsed.error.issues.length > 1 ? ` (et ${parsed.error.issues.length - 1} autre(s) erreur(s))` : '';
    // JSON.parse turns 1e400 into Infinity: say "finite number" rather than "number expected, number received"
    const recu = valeurA(input, issue.path);
    const message = issue.code === 'invalid_type' && typeof recu === 'number' ? `nombre fini attendu, reçu ${recu}` : issue.message;
    throw new ParametreInvalideError(field, `champ « ${field} » : ${message}${autres}`);
  }
  return jsonSur(m.run(parsed.data)) as Sortie;
}
