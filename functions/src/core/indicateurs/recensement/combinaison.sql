-- Bricks of an additive indicator made of linear combinations of one dataset's measures:
-- numerator = Σ coef × variable@période, denominator likewise. Example, person-years 2013-2018
-- of the Observatoire des territoires' crude death rate: 2.5 × population@2013 + 2.5 × population@2018.
-- Parameters: $dataset, $periode (label of the output), $num_termes/$num_coefs,
-- $den_termes/$den_coefs (lists, `variable@periode`).
WITH termes AS (
    SELECT
        unnest($num_termes) AS terme,
        unnest($num_coefs) AS coef,
        'n' AS role
    UNION ALL
    SELECT
        unnest($den_termes),
        unnest($den_coefs),
        'd'
),
valeurs AS (
    SELECT
        m.cle,
        m.code_commune,
        m.code_departement,
        m.millesime,
        t.role,
        t.coef,
        m.valeur,
        m.statut
    FROM mesures AS m
    JOIN termes AS t ON t.terme = m.variable || '@' || m.periode
    -- one dataset: terms are never mixed across sources
    WHERE m.dataset = $dataset
)
SELECT
    'commune' AS niveau,
    false AS publie,
    any_value(code_commune) AS code,
    any_value(code_departement) AS code_departement,
    $periode AS periode,
    NULL::VARCHAR AS age,
    CASE WHEN bool_and(statut IN ('ok', 'partiel')) THEN sum(coef * valeur) FILTER (WHERE role = 'n') END AS numerateur,
    CASE WHEN bool_and(statut IN ('ok', 'partiel')) THEN sum(coef * valeur) FILTER (WHERE role = 'd') END AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    CASE
        -- a term missing for this commune
        WHEN count(*) < (SELECT count(*) FROM termes) THEN 'absent'
        WHEN bool_and(statut = 'ok') THEN 'ok'
        WHEN bool_and(statut IN ('ok', 'partiel')) THEN 'partiel'
        WHEN bool_or(statut = 'secret') THEN 'secret'
        WHEN bool_or(statut = 'non_agrege') THEN 'non_agrege'
        WHEN bool_or(statut = 'non_disponible') THEN 'non_disponible'
        ELSE 'absent'
    END AS statut,
    $dataset AS source,
    any_value(millesime) AS millesime
FROM valeurs
GROUP BY cle
