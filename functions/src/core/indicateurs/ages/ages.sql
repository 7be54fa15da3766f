-- Age structure by département, from INSEE's population estimates on 1 January of each year
-- (both sexes, 5-year bands). A département brick is complete only when every band it needs is.
-- Parameters: $ages_num, $ages_den (lists of bands, e.g. '65-69').
SELECT
    'departement' AS niveau,
    false AS publie,
    NULL::VARCHAR AS code,
    code AS code_departement,
    periode,
    NULL::VARCHAR AS age,
    CASE WHEN bool_and(statut = 'ok') THEN sum(valeur) FILTER (WHERE list_contains($ages_num, age)) END AS numerateur,
    CASE WHEN bool_and(statut = 'ok') THEN sum(valeur) FILTER (WHERE list_contains($ages_den, age)) END AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    CASE WHEN bool_and(statut = 'ok') THEN 'ok' ELSE 'non_disponible' END AS statut,
    any_value(dataset) AS source,
    any_value(millesime) AS millesime
FROM publies
WHERE dataset = 'estimations-population'
    AND variable = 'population-estimee'
    AND niveau = 'departement'
    AND sexe = 'ensemble'
    -- only the bands the indicator needs
    AND (list_contains($ages_num, age) OR list_contains($ages_den, age))
GROUP BY code, periode
