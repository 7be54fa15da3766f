-- Territory search by name (accent- and case-insensitive: both sides normalised by
-- normaliserRecherche) or by exact code, over the territories mart and the CLS perimeters.
-- Best matches first, then the most populated.
-- $cls: the CLS perimeters as bound JSON, made once per marts version from the perimeters mart
-- (name, population of their communes, main département); their names normalised by
-- normaliserRecherche itself. A perimeter version (`CLS-78-VGP.v1`) has no name to search (null):
-- it is found by its exact code only.
WITH perimetres AS (
    SELECT
        unnest(
            from_json($cls, '[{"code": "VARCHAR", "libelle": "VARCHAR", "libelle_recherche": "VARCHAR", "contexte": "VARCHAR", "population": "INTEGER"}]'),
            recursive := true
        )
),
candidats AS (
    SELECT
        niveau,
        code,
        code AS code_recherche,
        libelle,
        libelle_recherche,
        contexte,
        population
    FROM territoires
    UNION ALL
    SELECT
        'cls' AS niveau,
        code,
        -- CLS codes are upper case but for their version suffix (`.v1`); the code asked is upper-cased
        upper(code) AS code_recherche,
        libelle,
        libelle_recherche,
        contexte,
        population
    FROM perimetres
)
SELECT
    niveau,
    code,
    libelle,
    contexte,
    population
FROM candidats
WHERE
    (contains(libelle_recherche, $motif) OR code_recherche = $code)
    -- optional level filter ('' = every level)
    AND ($niveau = '' OR niveau = $niveau)
ORDER BY
    CASE
        WHEN code_recherche = $code THEN 0
        WHEN libelle_recherche = $motif THEN 1
        WHEN starts_with(libelle_recherche, $motif) THEN 2
        WHEN contains(' ' || libelle_recherche, ' ' || $motif) THEN 3
        ELSE 4
    END,
    population DESC NULLS LAST,
    niveau,
    code
LIMIT $limite
