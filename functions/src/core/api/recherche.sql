-- Territory search by name (accent- and case-insensitive: both sides normalised by
-- normaliserRecherche) or by exact code. Best matches first, then the most populated.
SELECT
    niveau,
    code,
    libelle,
    contexte,
    population
FROM territoires
WHERE
    (contains(libelle_recherche, $motif) OR code = $code)
    -- optional level filter ('' = every level)
    AND ($niveau = '' OR niveau = $niveau)
ORDER BY
    CASE
        WHEN code = $code THEN 0
        WHEN libelle_recherche = $motif THEN 1
        WHEN starts_with(libelle_recherche, $motif) THEN 2
        WHEN contains(' ' || libelle_recherche, ' ' || $motif) THEN 3
        ELSE 4
    END,
    population DESC NULLS LAST,
    niveau,
    code
LIMIT $limite
