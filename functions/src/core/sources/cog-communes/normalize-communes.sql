-- COG, communes: one row per line of the INSEE file, every type kept (COM, COMA, COMD, ARM).
-- Only type_commune = 'COM' rows are communes; the other types point to theirs through
-- code_commune_parent (a COMD may share its code with its commune nouvelle).
SELECT
    typecom AS type_commune,
    com AS code_commune,
    reg AS code_region,
    dep AS code_departement,
    ctcd AS code_collectivite,
    arr AS code_arrondissement,
    can AS code_canton,
    comparent AS code_commune_parent,
    tncc,
    ncc,
    nccenr,
    libelle,
    ligne AS ligne_source
FROM staging
ORDER BY
    ligne_source
