-- Commune values of a non-additive variable (median, decile, rate, share, APL) with a weight for
-- approximations above the commune. Several datasets may publish the same period (Filosofi DISP,
-- base comparateur, XLS archive): for each period, the first dataset of $datasets holding the
-- variable is used for every commune, so that values of one period never mix sources.
-- Parameters: $datasets (priority order), $variable, $poids (weight variables, preferred first).
-- Input beside mesures: poids_communaux (the weight variables' commune values, built once).
WITH v AS (
    SELECT
        m.*,
        list_position($datasets, m.dataset) AS rang
    FROM mesures AS m
    WHERE list_contains($datasets, m.dataset)
        AND m.variable = $variable
),
choisis AS (
    SELECT *
    FROM v
    -- one dataset per period: the preferred one among those that have it
    QUALIFY rang = min(rang) OVER (PARTITION BY periode)
),
poids AS (
    SELECT dataset, cle, periode, valeur
    FROM poids_communaux
    WHERE list_contains($datasets, dataset)
        AND list_contains($poids, variable)
    -- the preferred weight variable when the dataset has several
    QUALIFY row_number() OVER (PARTITION BY dataset, cle, periode ORDER BY list_position($poids, variable)) = 1
)
SELECT
    'commune' AS niveau,
    false AS publie,
    c.code_commune AS code,
    c.code_departement,
    c.periode,
    NULL::VARCHAR AS age,
    NULL::DOUBLE AS numerateur,
    NULL::DOUBLE AS denominateur,
    c.valeur,
    p.valeur AS poids,
    c.statut,
    c.dataset AS source,
    c.millesime
FROM choisis AS c
LEFT JOIN poids AS p ON p.dataset = c.dataset AND p.cle = c.cle AND p.periode = c.periode
