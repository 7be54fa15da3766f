-- COG, régions: one row per région.
SELECT
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
