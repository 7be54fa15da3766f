-- Coverage of the territories by the contrats locaux de santé (CLS), as table macros over three
-- logical views: couverture_registre (lake dataset registre-cls), couverture_territoires
-- (territories mart: one row per territory of every level, communes with their EPCI, département,
-- région and population municipale) and couverture_valeurs (indicators mart, maybe empty).

-- Perimeter versions in force at date d. A version is in force on every day of
-- [date_debut, date_fin] (date_fin NULL: no end) if it was signed: statut 'signe', or 'termine' /
-- 'resilie' (ended since, but in force within its dates). A CLS 'en_preparation' never counts.
-- The versions of a CLS never overlap (checked at ingestion): at most one per CLS is in force.
CREATE OR REPLACE TEMP MACRO cls_versions_en_vigueur(d) AS TABLE
SELECT DISTINCT
    code_cls,
    version
FROM couverture_registre
WHERE statut IN ('signe', 'termine', 'resilie')
    -- in force on the day d, both bounds included
    AND date_debut <= d
    AND (date_fin IS NULL OR d <= date_fin);

-- Communes of the CLS in force at date d, one row per CLS × commune: members given as communes,
-- and the current communes of members given as EPCI.
CREATE OR REPLACE TEMP MACRO cls_communes_en_vigueur(d) AS TABLE
SELECT DISTINCT
    r.code_cls,
    c.code AS code_commune
FROM couverture_registre AS r
JOIN cls_versions_en_vigueur(d) AS v USING (code_cls, version)
JOIN couverture_territoires AS c
    ON c.niveau = 'commune'
    AND (
        (r.type_membre = 'commune' AND c.code = r.code_membre)
        -- an EPCI member stands for all its communes of the current geography
        OR (r.type_membre = 'epci' AND c.code_epci = r.code_membre)
    );

-- Every commune, its parents and population, and whether a CLS in force at date d covers it
-- (a commune in two CLS is one covered commune).
CREATE OR REPLACE TEMP MACRO cls_couverture_communes(d) AS TABLE
SELECT
    c.code AS code_commune,
    c.code_epci,
    c.code_departement,
    c.code_region,
    c.population,
    e.code_commune IS NOT NULL AS couverte
FROM couverture_territoires AS c
LEFT JOIN (SELECT DISTINCT code_commune FROM cls_communes_en_vigueur(d)) AS e ON e.code_commune = c.code
WHERE c.niveau = 'commune';
