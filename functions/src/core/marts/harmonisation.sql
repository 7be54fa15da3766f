-- Commune-level measures moved to the current COG (2026).
-- Inputs (logical names): src (the dataset's commune and arrondissement rows), passage
-- (code_source → code_commune, methode), variables (variable, additive 0/1), attendus
-- (communes made of several codes of the source date: how many, and which the file lacks).
-- Rules:
-- * counts add up when communes merged; a secret or missing contributor makes the sum unknown;
--   when the file simply lacks some former communes (Filosofi omits small ones), the sum of the
--   present ones is kept with statut 'partiel' and the missing codes are listed;
-- * a non-additive value (median, rate, share) survives only for a commune made of one code of
--   the source date; otherwise NULL with statut 'non_agrege' (a median of merged communes is
--   unknowable);
-- * codes the passage could not place keep their own row (code_commune NULL) with their
--   département, so that aggregations above the commune still count them.
WITH p AS (
    -- how many source codes of this file land in each current commune (1 for almost all)
    SELECT *, count(*) OVER (PARTITION BY code_commune) AS n
    FROM passage
),
lignes AS (
    SELECT
        s.code,
        p.code_commune,
        p.methode,
        p.n,
        coalesce(a.nb_attendus, 1) AS nb_attendus,
        a.codes_manquants,
        s.variable,
        s.periode,
        s.sexe,
        s.age,
        s.valeur,
        s.modalite,
        s.statut,
        v.additive = 1 AS additive
    FROM src AS s
    JOIN p ON p.code_source = s.code
    JOIN variables AS v ON v.variable = s.variable
    LEFT JOIN attendus AS a ON a.code_commune = p.code_commune
),
simples AS (
    -- one code of the file for the commune
    SELECT
        code_commune,
        CASE WHEN code_commune[1:2] IN ('97', '98') THEN code_commune[1:3] ELSE code_commune[1:2] END AS code_departement,
        variable,
        periode,
        sexe,
        age,
        CASE WHEN nb_attendus > 1 AND NOT additive THEN NULL ELSE valeur END AS valeur,
        CASE WHEN nb_attendus > 1 THEN NULL ELSE modalite END AS modalite,
        CASE
            WHEN nb_attendus = 1 THEN statut
            WHEN NOT additive THEN 'non_agrege'
            WHEN statut = 'ok' AND codes_manquants IS NOT NULL THEN 'partiel'
            ELSE statut
        END AS statut,
        1 AS nb_codes_source,
        nb_attendus AS nb_codes_attendus,
        code AS codes_source,
        codes_manquants,
        methode
    FROM lignes
    WHERE code_commune IS NOT NULL
        AND n = 1
),
fusionnees AS (
    -- several codes of the file merged into one current commune
    SELECT
        code_commune,
        CASE WHEN code_commune[1:2] IN ('97', '98') THEN code_commune[1:3] ELSE code_commune[1:2] END AS code_departement,
        variable,
        periode,
        sexe,
        age,
        CASE WHEN bool_and(additive) AND bool_and(statut = 'ok') THEN SUM(valeur) END AS valeur,
        NULL::VARCHAR AS modalite,
        CASE
            WHEN NOT bool_and(additive) THEN 'non_agrege'
            WHEN bool_and(statut = 'ok') AND any_value(codes_manquants) IS NOT NULL THEN 'partiel'
            WHEN bool_and(statut = 'ok') THEN 'ok'
            WHEN bool_or(statut = 'secret') THEN 'secret'
            WHEN bool_or(statut = 'non_disponible') THEN 'non_disponible'
            ELSE 'absent'
        END AS statut,
        count(*)::INTEGER AS nb_codes_source,
        max(nb_attendus)::INTEGER AS nb_codes_attendus,
        string_agg(code, ',' ORDER BY code) AS codes_source,
        any_value(codes_manquants) AS codes_manquants,
        string_agg(DISTINCT methode, ',' ORDER BY methode) AS methode
    FROM lignes
    WHERE code_commune IS NOT NULL
        AND n > 1
    GROUP BY code_commune, variable, periode, sexe, age
),
non_placees AS (
    SELECT
        NULL::VARCHAR AS code_commune,
        CASE WHEN code[1:2] IN ('97', '98') THEN code[1:3] ELSE code[1:2] END AS code_departement,
        variable,
        periode,
        sexe,
        age,
        valeur,
        modalite,
        statut,
        1 AS nb_codes_source,
        1 AS nb_codes_attendus,
        code AS codes_source,
        NULL::VARCHAR AS codes_manquants,
        methode
    FROM lignes
    -- codes absent from the COG 2026 and from the movements, or split back (rétablissement)
    WHERE code_commune IS NULL
)
SELECT *
FROM (
    SELECT * FROM simples
    UNION ALL
    SELECT * FROM fusionnees
    UNION ALL
    SELECT * FROM non_placees
)
-- (no ORDER BY: the engine reads these files by dataset and variable, never in file order; the
-- sort of a million wide rows was a third of the harmonisation's time)
