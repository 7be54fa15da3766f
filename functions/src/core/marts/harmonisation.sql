-- Commune-level measures moved to the current COG (2026).
-- Inputs (logical names): src (the dataset's commune and arrondissement rows), passage
-- (code_source → code_commune, methode), variables (variable, additive).
-- Counts add up when communes merged; any secret or missing contributor makes the sum unknown.
-- A non-additive value (median, rate, share) survives only when one source code maps to the
-- commune; several → NULL with statut 'non_agrege' (a median of merged communes is unknowable).
-- Codes the passage could not place keep their own row (code_commune NULL) with their
-- département, so that aggregations above the commune still count them.
WITH p AS (
    -- how many source codes land in each current commune (1 for almost all)
    SELECT *, count(*) OVER (PARTITION BY code_commune) AS n
    FROM passage
),
lignes AS (
    SELECT
        s.code,
        p.code_commune,
        p.methode,
        p.n,
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
),
simples AS (
    -- one source code for the commune: the row as it is
    SELECT
        code_commune,
        CASE WHEN code_commune[1:2] IN ('97', '98') THEN code_commune[1:3] ELSE code_commune[1:2] END AS code_departement,
        variable,
        periode,
        sexe,
        age,
        valeur,
        modalite,
        statut,
        1 AS nb_codes_source,
        code AS codes_source,
        methode
    FROM lignes
    WHERE code_commune IS NOT NULL
        AND n = 1
),
fusionnees AS (
    SELECT
        code_commune,
        CASE WHEN code_commune[1:2] IN ('97', '98') THEN code_commune[1:3] ELSE code_commune[1:2] END AS code_departement,
        variable,
        periode,
        sexe,
        age,
        CASE
            WHEN count(*) = 1 THEN any_value(valeur)
            WHEN bool_and(additive) AND bool_and(statut = 'ok') THEN SUM(valeur)
        END AS valeur,
        CASE WHEN count(*) = 1 THEN any_value(modalite) END AS modalite,
        CASE
            WHEN count(*) = 1 THEN any_value(statut)
            WHEN NOT bool_and(additive) THEN 'non_agrege'
            WHEN bool_and(statut = 'ok') THEN 'ok'
            WHEN bool_or(statut = 'secret') THEN 'secret'
            WHEN bool_or(statut = 'non_disponible') THEN 'non_disponible'
            ELSE 'absent'
        END AS statut,
        count(*)::INTEGER AS nb_codes_source,
        string_agg(code, ',' ORDER BY code) AS codes_source,
        string_agg(DISTINCT methode, ',' ORDER BY methode) AS methode
    FROM lignes
    -- several source codes merged into one current commune
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
        code AS codes_source,
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
ORDER BY
    code_commune NULLS LAST,
    codes_source,
    variable,
    periode,
    sexe NULLS FIRST,
    age NULLS FIRST
