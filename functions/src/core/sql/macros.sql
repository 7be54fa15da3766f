-- Shared statistical formulas as DuckDB macros: written once, used by every indicator.
-- References: ../../../../docs (methods.md §2 Wilson, §3 Byar, §6 comparison rule).

-- Wilson score interval of a proportion x/n at normal quantile z (methods.md §2).
CREATE OR REPLACE TEMP MACRO wilson_bas(x, n, z) AS
    CASE WHEN n > 0 THEN (2 * x + z * z - z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z)) END;
CREATE OR REPLACE TEMP MACRO wilson_haut(x, n, z) AS
    CASE WHEN n > 0 THEN (2 * x + z * z + z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z)) END;

-- Byar's approximation of the Poisson limits of a count o (methods.md §3; used for o >= 10).
-- A negative lower limit is invalid: NULL.
CREATE OR REPLACE TEMP MACRO byar_bas(o, z) AS
    CASE
        WHEN o <= 0 THEN 0
        WHEN 1 - 1 / (9 * o) - z / (3 * sqrt(o)) < 0 THEN NULL
        ELSE o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3)
    END;
CREATE OR REPLACE TEMP MACRO byar_haut(o, z) AS
    (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);

-- Two-sided p-value of a z statistic, 2·Q(|z|) = erfc(|z|/√2), through Numerical Recipes' erfcc
-- Chebyshev fit (fractional error < 1.2e-7: enough for a p-value shown beside a flag). Called in
-- two steps with plain columns (`t` first), so that the polynomial is not expanded around a large
-- expression.
CREATE OR REPLACE TEMP MACRO t_erfc(z) AS
    1 / (1 + 0.5 * abs(z) / sqrt(2));
CREATE OR REPLACE TEMP MACRO p_depuis_t(t, z) AS
    CASE WHEN z IS NULL OR isnan(z) THEN NULL ELSE least(1.0, t * exp(-(z * z) / 2 - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
        + t * 0.17087277)))))))))) END;

-- The CI rule (methods.md §6): the reference lies inside the interval → similar; otherwise the
-- direction, worded with the indicator's polarity.
CREATE OR REPLACE TEMP MACRO drapeau_ic(bas, haut, reference, polarite) AS
    CASE
        WHEN bas IS NULL OR haut IS NULL OR reference IS NULL THEN 'not_computable'
        WHEN reference >= bas AND reference <= haut THEN 'similar'
        WHEN bas > reference THEN
            CASE polarite WHEN 'higher_is_worse' THEN 'higher_worse' WHEN 'higher_is_better' THEN 'higher_better' ELSE 'higher' END
        ELSE
            CASE polarite WHEN 'higher_is_worse' THEN 'lower_better' WHEN 'higher_is_better' THEN 'lower_worse' ELSE 'lower' END
    END;

-- z statistic of a territory against a reference value treated as fixed (methods.md §5-6):
-- proportion: one-sample z; crude rate and ICM: χ² (1 df) of the observed count against the count
-- expected at the reference rate (z² = χ²); DSR: normal approximation with the Dobson variance.
CREATE OR REPLACE TEMP MACRO z_reference(methode, valeur, num, den, variance, mult, ref) AS
    CASE
        WHEN valeur IS NULL OR ref IS NULL OR num IS NULL OR den IS NULL OR den <= 0 THEN NULL
        WHEN methode = 'proportion' AND ref / mult > 0 AND ref / mult < 1 THEN
            (num / den - ref / mult) / sqrt((ref / mult) * (1 - ref / mult) / den)
        WHEN methode IN ('taux', 'icm') AND ref > 0 THEN
            (num - ref / mult * den) / sqrt(ref / mult * den)
        WHEN methode = 'taux-standardise' AND variance > 0 THEN
            (valeur - ref) / sqrt(variance)
    END;
