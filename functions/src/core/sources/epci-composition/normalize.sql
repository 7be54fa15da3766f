-- Composition of the EPCI à fiscalité propre: one row per member commune. The same shape for
-- the INSEE file (no populations, no legal nature) and the DGCL workbook (populations in force).
SELECT
    code_commune,
    libelle_commune,
    siren_commune,
    code_departement,
    code_region,
    -- 'ZZZZZZZZZ' (INSEE "Sans objet"): the commune belongs to no EPCI; it is not an EPCI code
    CASE WHEN epci = 'ZZZZZZZZZ' THEN NULL ELSE epci END AS code_epci,
    epci = 'ZZZZZZZZZ' AS sans_epci,
    CASE WHEN epci = 'ZZZZZZZZZ' THEN NULL ELSE libelle_epci END AS libelle_epci,
    nature_juridique,
    mode_financement,
    code_departement_epci,
    -- DGCL: the populations in force in annee_population (pmun_YYYY, ptot_YYYY); NULL for INSEE
    pmun AS population_municipale,
    ptot AS population_totale,
    annee_population,
    ligne AS ligne_source
FROM staging
ORDER BY
    code_commune
