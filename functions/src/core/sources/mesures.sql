-- Common normalisation of measure datasets (long format). Codes stay text; a value is NULL
-- exactly when its statut is not 'ok'.
SELECT
    niveau,
    code,
    libelle,
    variable,
    periode,
    sexe,
    age,
    valeur,
    statut,
    ligne AS ligne_source,
    colonne AS colonne_source
FROM staging
ORDER BY
    niveau,
    code,
    variable,
    periode,
    sexe NULLS FIRST,
    age NULLS FIRST
