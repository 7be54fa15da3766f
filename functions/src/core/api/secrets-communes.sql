-- The INSEE-secret commune rows of the indicator marts, rebuilt from the lists the engine stored
-- (ADR 0012) as diffusion.sql would have written them: no value, count, interval or p-value;
-- the commune's reference département, région and France (their codes and values where the
-- indicator has a row for them); 'not_computable' comparisons where a reference exists.
-- Inputs (tables of the API database, marts-reader.ts): secrets_indicateurs (one row per
-- indicator and period, with the id of its list of codes), secrets_codes (ensemble, code),
-- secrets_references (the département, région and France values of those indicators),
-- territoires (the territories mart).
CREATE OR REPLACE VIEW secrets_lignes AS
SELECT
    s.indicateur,
    'commune' AS niveau,
    c.code,
    s.periode,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS numerateur,
    NULL::DOUBLE AS denominateur,
    NULL::DOUBLE AS ic_bas,
    NULL::DOUBLE AS ic_haut,
    NULL::VARCHAR AS methode_ic,
    s.methode,
    s.origine,
    NULL::VARCHAR AS approximation,
    0.0::DOUBLE AS couverture,
    'secret' AS statut,
    NULL::VARCHAR AS fiabilite,
    rd.code AS departement_reference,
    rd.valeur AS valeur_departement,
    CASE WHEN s.comparable AND rd.code IS NOT NULL THEN 'not_computable' END AS drapeau_departement,
    rr.code AS region_reference,
    rr.valeur AS valeur_region,
    CASE WHEN s.comparable AND rr.code IS NOT NULL THEN 'not_computable' END AS drapeau_region,
    rf.valeur AS valeur_france,
    CASE WHEN s.comparable AND rf.code IS NOT NULL THEN 'not_computable' END AS drapeau_france,
    s.source,
    s.millesime,
    NULL::DOUBLE AS p_departement,
    NULL::DOUBLE AS p_region,
    NULL::DOUBLE AS p_france
FROM secrets_indicateurs AS s
JOIN secrets_codes AS c
    ON c.ensemble = s.ensemble
LEFT JOIN territoires AS t
    ON t.niveau = 'commune'
    AND t.code = c.code
LEFT JOIN secrets_references AS rd
    ON rd.indicateur = s.indicateur
    AND rd.periode = s.periode
    AND rd.niveau = 'departement'
    AND rd.code = t.code_departement
LEFT JOIN secrets_references AS rr
    ON rr.indicateur = s.indicateur
    AND rr.periode = s.periode
    AND rr.niveau = 'region'
    AND rr.code = t.code_region
LEFT JOIN secrets_references AS rf
    ON rf.indicateur = s.indicateur
    AND rf.periode = s.periode
    AND rf.niveau = 'france'
