-- One territory and its parents (EPCI, département, région, France) in one pass: the territory
-- row gives its parents' codes; the levels above each level are listed in `niveaux_parents`.
WITH cible AS (
    SELECT *
    FROM territoires
    WHERE niveau = $niveau
        AND code = $code
)
SELECT
    t.niveau,
    t.code,
    t.libelle,
    t.code_departement,
    t.code_region,
    t.code_epci,
    t.population,
    t.nb_communes,
    t.nb_communes_avec_valeur,
    t.statut,
    (t.niveau = c.niveau AND t.code = c.code) AS est_cible
FROM territoires AS t
JOIN cible AS c
    ON (t.niveau = c.niveau AND t.code = c.code)
    -- parents: only the levels above the territory's own level
    OR (list_contains(string_split($niveaux_parents, ','), t.niveau) AND (
        (t.niveau = 'epci' AND t.code = c.code_epci)
        OR (t.niveau = 'departement' AND t.code = c.code_departement)
        OR (t.niveau = 'region' AND t.code = c.code_region)
        OR t.niveau = 'france'
    ))
ORDER BY
    t.niveau,
    t.code
