-- One territory and its parents (EPCI, département, région, France), by level and code.
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
    (niveau = $niveau AND code = $code)
    OR (niveau = 'epci' AND code = $epci)
    OR (niveau = 'departement' AND code = $departement)
    OR (niveau = 'region' AND code = $region)
    OR niveau = 'france'
ORDER BY
    niveau,
    code
