-- Population municipale (PMUN) of every territory, computed from the communes' counts.
-- Inputs (logical names): pop_source(code_source, pmun), passage(code_source, code_commune),
-- ref_communes, ref_epci, ref_departements, ref_regions.
-- PMUN is additive: a territory's value is the sum of its communes'. A code that cannot be placed
-- in a current commune still counts in its département and région (first two characters of the
-- code, three for 97x), so higher levels stay complete.
WITH pop_placee AS (
    SELECT
        p.code_commune,
        SUM(s.pmun)::BIGINT AS pmun
    FROM pop_source AS s
    JOIN passage AS p USING (code_source)
    -- only codes placed in a current commune
    WHERE p.code_commune IS NOT NULL
    GROUP BY p.code_commune
),
pop_non_placee AS (
    SELECT
        CASE WHEN s.code_source[1:2] IN ('97', '98') THEN s.code_source[1:3] ELSE s.code_source[1:2] END AS code_departement,
        SUM(s.pmun)::BIGINT AS pmun
    FROM pop_source AS s
    JOIN passage AS p USING (code_source)
    -- codes the passage could not place: kept at département level and above
    WHERE p.code_commune IS NULL
    GROUP BY 1
),
communes AS (
    SELECT
        c.code,
        c.libelle,
        c.code_departement,
        c.code_region,
        c.code_epci,
        pp.pmun
    FROM ref_communes AS c
    LEFT JOIN pop_placee AS pp ON pp.code_commune = c.code
),
epci_dep AS (
    -- main département of an EPCI: the one holding most of its population (then the lowest code)
    SELECT
        code_epci,
        code_departement
    FROM (
        SELECT
            code_epci,
            code_departement,
            row_number() OVER (PARTITION BY code_epci ORDER BY pmun DESC, code_departement) AS rang
        FROM (
            SELECT code_epci, code_departement, SUM(coalesce(pmun, 0)) AS pmun
            FROM communes
            WHERE code_epci IS NOT NULL
            GROUP BY code_epci, code_departement
        )
    )
    WHERE rang = 1
),
niveau_commune AS (
    SELECT
        'commune' AS niveau,
        code,
        libelle,
        code_departement,
        code_region,
        code_epci,
        pmun AS population,
        1 AS nb_communes,
        CASE WHEN pmun IS NULL THEN 0 ELSE 1 END AS nb_communes_avec_valeur
    FROM communes
),
niveau_epci AS (
    SELECT
        'epci' AS niveau,
        e.code,
        e.libelle,
        ed.code_departement,
        d.code_region,
        NULL AS code_epci,
        SUM(c.pmun) AS population,
        COUNT(*) AS nb_communes,
        COUNT(c.pmun) AS nb_communes_avec_valeur
    FROM ref_epci AS e
    JOIN communes AS c ON c.code_epci = e.code
    LEFT JOIN epci_dep AS ed ON ed.code_epci = e.code
    LEFT JOIN ref_departements AS d ON d.code = ed.code_departement
    GROUP BY e.code, e.libelle, ed.code_departement, d.code_region
),
niveau_departement AS (
    SELECT
        'departement' AS niveau,
        d.code,
        d.libelle,
        d.code AS code_departement,
        d.code_region,
        NULL AS code_epci,
        -- communes placed, plus the codes of this département that could not be placed
        CASE
            WHEN COUNT(c.pmun) = 0 AND max(np.pmun) IS NULL THEN NULL
            ELSE coalesce(SUM(c.pmun), 0) + coalesce(max(np.pmun), 0)
        END AS population,
        COUNT(c.code) AS nb_communes,
        COUNT(c.pmun) AS nb_communes_avec_valeur
    FROM ref_departements AS d
    LEFT JOIN communes AS c ON c.code_departement = d.code
    LEFT JOIN pop_non_placee AS np ON np.code_departement = d.code
    GROUP BY d.code, d.libelle, d.code_region
),
niveau_region AS (
    SELECT
        'region' AS niveau,
        r.code,
        r.libelle,
        NULL AS code_departement,
        r.code AS code_region,
        NULL AS code_epci,
        CASE WHEN COUNT(d.population) = 0 THEN NULL ELSE SUM(d.population) END AS population,
        SUM(d.nb_communes) AS nb_communes,
        SUM(d.nb_communes_avec_valeur) AS nb_communes_avec_valeur
    FROM ref_regions AS r
    LEFT JOIN niveau_departement AS d ON d.code_region = r.code
    GROUP BY r.code, r.libelle
),
niveau_france AS (
    SELECT
        'france' AS niveau,
        'FR' AS code,
        'France' AS libelle,
        NULL AS code_departement,
        NULL AS code_region,
        NULL AS code_epci,
        SUM(population) AS population,
        SUM(nb_communes) AS nb_communes,
        SUM(nb_communes_avec_valeur) AS nb_communes_avec_valeur
    FROM niveau_region
)
SELECT
    niveau,
    code,
    libelle,
    code_departement,
    code_region,
    code_epci,
    population::INTEGER AS population,
    nb_communes::INTEGER AS nb_communes,
    nb_communes_avec_valeur::INTEGER AS nb_communes_avec_valeur,
    CASE
        WHEN nb_communes_avec_valeur = 0 AND population IS NULL THEN 'absent'
        WHEN nb_communes_avec_valeur < nb_communes THEN 'partiel'
        ELSE 'ok'
    END AS statut
FROM (
    SELECT * FROM niveau_commune
    UNION ALL SELECT * FROM niveau_epci
    UNION ALL SELECT * FROM niveau_departement
    UNION ALL SELECT * FROM niveau_region
    UNION ALL SELECT * FROM niveau_france
)
ORDER BY
    niveau,
    code
