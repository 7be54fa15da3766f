-- The population of a CLS perimeter absent from the territories mart, from the population mart
-- (a trusted path), every period.
SELECT
    periode,
    valeur,
    statut
FROM read_parquet({{fichier}})
WHERE
    niveau = 'cls'
    AND code = $code
ORDER BY
    periode
