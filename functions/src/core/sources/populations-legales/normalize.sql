-- Populations légales: one row per commune or municipal arrondissement of the source COG.
-- Codes stay text; PTOT is kept but is not additive (a person counted "à part" in one commune
-- is municipal in another): only PMUN is summed across communes.
SELECT
    com AS code_source,
    commune AS libelle_source,
    dep AS code_departement_source,
    reg AS code_region_source,
    pmun,
    pcap,
    ptot,
    ligne AS ligne_source
FROM staging
ORDER BY
    code_source
