-- Values of one indicator at one level and period, with the territories' names. The query
-- module substitutes the indicator's mart file (a trusted path) and the allow-listed value
-- columns; every value is a bound parameter.
SELECT
    m.code,
    t.libelle,
    {{valeur}}
FROM {{mart}} AS m
LEFT JOIN territoires AS t
    ON t.niveau = m.niveau
    AND t.code = m.code
WHERE
    m.niveau = $niveau
    AND m.periode = $periode
    -- optional département filter ('' = none): membership from the territories mart, else the
    -- reference département of the value (CLS perimeters)
    AND ($departement = '' OR coalesce(t.code_departement, m.departement_reference) = $departement)
    -- optional région filter ('' = none), likewise
    AND ($region = '' OR coalesce(t.code_region, m.region_reference) = $region)
ORDER BY
    m.code
