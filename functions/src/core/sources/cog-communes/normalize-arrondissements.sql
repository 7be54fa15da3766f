-- COG, arrondissements départementaux (not the municipal arrondissements of Paris, Lyon and
-- Marseille, which are communes of type ARM in the communes part).
SELECT
    arr AS code_arrondissement,
    dep AS code_departement,
    reg AS code_region,
    cheflieu AS code_commune_cheflieu,
    tncc,
    ncc,
    nccenr,
    libelle,
    ligne AS ligne_source
FROM staging
ORDER BY
    ligne_source
