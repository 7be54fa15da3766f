-- COG, départements: one row per département (codes text: '01', '2A', '971').
SELECT
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
