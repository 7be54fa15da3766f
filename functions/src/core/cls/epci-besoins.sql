-- EPCI of a scope (main département $departement, région $region; '' = no filter) with their
-- coverage by the CLS in force at $date and their need score: the mean of the percentile ranks,
-- among the EPCI of the scope, of the need indicators $indicateurs (higher value = more need),
-- each at its most recent period with EPCI values. One row per EPCI × indicator with a value
-- (indicateur NULL for an EPCI with none). Macros: couverture.sql. Rule: docs/adr/0008.
WITH perimetre AS (
    SELECT
        code,
        libelle,
        code_departement,
        code_region,
        population
    FROM couverture_territoires
    WHERE niveau = 'epci'
        -- an EPCI belongs to the département holding most of its population (territories mart)
        AND ($departement = '' OR code_departement = $departement)
        AND ($region = '' OR code_region = $region)
),
couverture AS (
    SELECT
        code_epci,
        count(*) AS nb_communes,
        count(*) FILTER (WHERE couverte) AS nb_communes_couvertes,
        coalesce(sum(population) FILTER (WHERE couverte), 0) AS population_couverte
    FROM cls_couverture_communes(CAST($date AS DATE))
    WHERE code_epci IS NOT NULL
    GROUP BY code_epci
),
periodes AS (
    -- the most recent period of each indicator with EPCI values, the same for every scope
    SELECT
        indicateur,
        arg_max(periode, right(periode, 4) || '|' || periode) AS periode
    FROM couverture_valeurs
    WHERE niveau = 'epci'
        AND list_contains($indicateurs, indicateur)
        -- masked or missing values are NULL: not a value
        AND valeur IS NOT NULL
    GROUP BY indicateur
),
valeurs AS (
    SELECT
        v.indicateur,
        v.periode,
        v.code,
        v.valeur
    FROM couverture_valeurs AS v
    JOIN periodes AS p USING (indicateur, periode)
    JOIN perimetre AS e ON e.code = v.code
    WHERE v.niveau = 'epci'
        AND v.valeur IS NOT NULL
),
rangs AS (
    -- mid-rank percentile in [0, 1]: ties share the mean of their ranks; a lone EPCI is 0.5
    SELECT
        indicateur,
        periode,
        code,
        valeur,
        CASE
            WHEN count(*) OVER (PARTITION BY indicateur) = 1 THEN 0.5
            ELSE (rank() OVER (PARTITION BY indicateur ORDER BY valeur) - 1 + (count(*) OVER (PARTITION BY indicateur, valeur) - 1) / 2)
                / (count(*) OVER (PARTITION BY indicateur) - 1)
        END AS rang_percentile
    FROM valeurs
),
scores AS (
    SELECT
        code,
        avg(rang_percentile) AS score
    FROM rangs
    GROUP BY code
)
SELECT
    e.code,
    e.libelle,
    e.code_departement,
    e.code_region,
    e.population::BIGINT AS population,
    c.population_couverte::BIGINT AS population_couverte,
    CASE WHEN e.population > 0 THEN c.population_couverte / e.population END AS part_population,
    c.nb_communes::INTEGER AS nb_communes,
    c.nb_communes_couvertes::INTEGER AS nb_communes_couvertes,
    s.score,
    r.indicateur,
    r.periode,
    r.valeur,
    r.rang_percentile
FROM perimetre AS e
JOIN couverture AS c ON c.code_epci = e.code
LEFT JOIN scores AS s ON s.code = e.code
LEFT JOIN rangs AS r ON r.code = e.code
ORDER BY
    s.score DESC NULLS LAST,
    e.population DESC NULLS LAST,
    e.code,
    r.indicateur
