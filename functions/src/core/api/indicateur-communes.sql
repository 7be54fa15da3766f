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
    AND CASE $niveau
        WHEN 'commune' THEN t.code = $code
        WHEN 'epci' THEN t.code_epci = $code
        WHEN 'departement' THEN t.code_departement = $code
        WHEN 'region' THEN t.code_region = $code
        WHEN 'france' THEN TRUE
        -- CLS perimeters: their communes in the perimeters mart (empty in older lakes)
        WHEN 'cls' THEN t.code IN (SELECT code_commune FROM perimetres_cls WHERE code = $code)
        ELSE FALSE
    END
ORDER BY
    t.code
