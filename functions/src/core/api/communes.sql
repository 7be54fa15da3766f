-- Member communes of a territory with their population. The sort key and direction are
-- allow-listed identifiers substituted by the query module (never user text).
SELECT
    code,
    libelle,
    population,
    statut,
    count(*) OVER ()::INTEGER AS total
FROM territoires
WHERE
    niveau = 'commune'
    -- membership by the territory's level
    AND CASE $niveau
        WHEN 'commune' THEN code = $code
        WHEN 'epci' THEN code_epci = $code
        WHEN 'departement' THEN code_departement = $code
        WHEN 'region' THEN code_region = $code
        WHEN 'france' THEN TRUE
        -- CLS perimeters: their communes in the perimeters mart (empty in older lakes)
        WHEN 'cls' THEN code IN (SELECT code_commune FROM perimetres_cls WHERE code = $code)
        ELSE FALSE
    END
ORDER BY
    {{tri}} {{ordre}} NULLS LAST,
    code
LIMIT $limite
OFFSET $decalage
