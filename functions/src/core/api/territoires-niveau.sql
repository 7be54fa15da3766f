-- Every territory of one level and the territories of the levels above it (their parents are
-- among them): the query module pairs them as territoire.sql does for one territory.
SELECT
    niveau,
    code,
    libelle,
    code_departement,
    code_region,
    code_epci,
    population,
    nb_communes,
    nb_communes_avec_valeur,
    statut
FROM territoires
WHERE
    niveau = $niveau
    OR list_contains(string_split($niveaux_parents, ','), niveau)
ORDER BY
    niveau,
    code
