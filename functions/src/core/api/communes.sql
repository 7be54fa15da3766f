-- Member communes of a territory with their population. The sort key and direction are
-- allow-listed identifiers substituted by the query module (never user text).
SELECT
    code,
    libelle,
    population,
    statut,
    count(*) OVER ()::INTEGER AS total
FROM territoires AS t
WHERE
    niveau = 'commune'
    -- membership by the territory's level
    AND {{membre_territoire}}
ORDER BY
    {{tri}} {{ordre}} NULLS LAST,
    code
LIMIT $limite
OFFSET $decalage
