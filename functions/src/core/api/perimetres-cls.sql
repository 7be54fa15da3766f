-- CLS perimeters of the perimeters mart as territories: the name, the population of their
-- communes (territories mart), the commune counts, and the département and région holding most
-- of their population (then the lowest code), as the indicator engine chooses its references.
-- $code: one perimeter, or '' for all.
WITH membres AS (
    SELECT
        p.code,
        p.libelle,
        p.code_commune,
        c.population,
        c.code_departement,
        c.code_region
    FROM perimetres_cls AS p
    LEFT JOIN territoires AS c
        ON c.niveau = 'commune'
        AND c.code = p.code_commune
    WHERE
        $code = ''
        OR p.code = $code
),
principal AS (
    SELECT
        code,
        code_departement,
        code_region,
        row_number() OVER (PARTITION BY code ORDER BY sum(coalesce(population, 0)) DESC, code_departement) AS rang
    FROM membres
    -- a commune code absent from the territories mart places nothing
    WHERE code_departement IS NOT NULL
    GROUP BY
        code,
        code_departement,
        code_region
),
perimetres AS (
    SELECT
        code,
        min(libelle) AS libelle,
        sum(population) AS population,
        count(*) AS nb_communes,
        count(population) AS nb_communes_avec_valeur
    FROM membres
    GROUP BY code
)
SELECT
    'cls' AS niveau,
    t.code,
    t.libelle,
    p.code_departement,
    p.code_region,
    NULL::VARCHAR AS code_epci,
    t.population::INTEGER AS population,
    t.nb_communes::INTEGER AS nb_communes,
    t.nb_communes_avec_valeur::INTEGER AS nb_communes_avec_valeur,
    -- the rule of the territories mart
    CASE
        WHEN t.nb_communes_avec_valeur = 0 AND t.population IS NULL THEN 'absent'
        WHEN t.nb_communes_avec_valeur < t.nb_communes THEN 'partiel'
        ELSE 'ok'
    END AS statut
FROM perimetres AS t
LEFT JOIN principal AS p
    ON p.code = t.code
    AND p.rang = 1
ORDER BY
    t.code
