-- The communes of a territory with their value of one indicator for one period (from its mart
-- file, a trusted path). Every member commune is listed, with or without a value.
SELECT
    t.code,
    t.libelle,
    t.population,
    {{valeur}}
FROM territoires AS t
LEFT JOIN (
    SELECT *
    FROM {{mart}}
    WHERE niveau = 'commune'
        AND periode = $periode
) AS m
    ON m.code = t.code
WHERE
    t.niveau = 'commune'
    -- membership by the territory's level
    AND {{membre_territoire}}
ORDER BY
    t.code
