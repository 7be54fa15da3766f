-- Coverage by the CLS in force at $date of the territories of level $niveau ('departement',
-- 'region' or 'france'), or of the one territory $code ('' = all). Macros: couverture.sql.
WITH communes AS (
    SELECT
        CASE $niveau WHEN 'departement' THEN code_departement WHEN 'region' THEN code_region ELSE 'FR' END AS code,
        population,
        couverte
    FROM cls_couverture_communes(CAST($date AS DATE))
),
agregats AS (
    SELECT
        code,
        count(*) AS nb_communes,
        count(*) FILTER (WHERE couverte) AS nb_communes_couvertes,
        coalesce(sum(population) FILTER (WHERE couverte), 0) AS population_couverte,
        -- covered communes without a population (Mayotte): the covered population is then partial
        count(*) FILTER (WHERE couverte AND population IS NULL) AS nb_communes_couvertes_sans_population
    FROM communes
    GROUP BY code
),
cls AS (
    -- CLS in force with at least one commune in the territory
    SELECT
        CASE $niveau WHEN 'departement' THEN c.code_departement WHEN 'region' THEN c.code_region ELSE 'FR' END AS code,
        list_sort(list(DISTINCT e.code_cls)) AS cls
    FROM cls_communes_en_vigueur(CAST($date AS DATE)) AS e
    JOIN couverture_territoires AS c ON c.niveau = 'commune' AND c.code = e.code_commune
    GROUP BY 1
)
SELECT
    t.niveau,
    t.code,
    t.libelle,
    t.population::BIGINT AS population,
    t.statut AS statut_population,
    coalesce(a.population_couverte, 0)::BIGINT AS population_couverte,
    CASE WHEN t.population > 0 THEN coalesce(a.population_couverte, 0) / t.population END AS part_population,
    coalesce(a.nb_communes, 0)::INTEGER AS nb_communes,
    coalesce(a.nb_communes_couvertes, 0)::INTEGER AS nb_communes_couvertes,
    CASE WHEN a.nb_communes > 0 THEN a.nb_communes_couvertes / a.nb_communes END AS part_communes,
    coalesce(a.nb_communes_couvertes_sans_population, 0)::INTEGER AS nb_communes_couvertes_sans_population,
    coalesce(c.cls, []) AS cls
FROM couverture_territoires AS t
LEFT JOIN agregats AS a ON a.code = t.code
LEFT JOIN cls AS c ON c.code = t.code
WHERE t.niveau = $niveau
    -- one territory, or all of the level
    AND ($code = '' OR t.code = $code)
ORDER BY
    t.code
