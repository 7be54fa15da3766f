-- Values, intervals, origin and secrecy of every indicator × territory × period.
-- Inputs: agrege (agregation.sql), briques (published rows), defs, standard (standard population
-- per indicator and age band), poisson_exact (exact limits of small counts, computed by core/stats),
-- populations_territoires (population of each territory, for coverage), territoires_connus.
-- Parameter: $z (normal quantile of the 95 % interval).
WITH simples AS (
    SELECT
        a.indicateur,
        a.niveau,
        a.code,
        a.periode,
        a.numerateur,
        a.denominateur,
        d.multiplicateur,
        CASE
            WHEN a.nb_utilisables = 0 THEN NULL
            WHEN d.methode = 'effectif' THEN a.numerateur
            WHEN d.methode IN ('proportion', 'taux', 'ratio') THEN
                CASE WHEN a.denominateur > 0 THEN a.numerateur / a.denominateur * d.multiplicateur END
            WHEN d.methode = 'evolution' THEN
                CASE WHEN a.denominateur > 0 AND a.numerateur >= 0 THEN (pow(a.numerateur / a.denominateur, 1.0 / d.annees) - 1) * d.multiplicateur END
            -- a commune's own value is the producer's
            WHEN a.niveau = 'commune' THEN a.valeur_brique
            -- above the commune: the weighted mean, only where the definition allows it
            WHEN d.methode = 'moyenne-ponderee' OR d.approximation <> 'aucune' THEN
                CASE WHEN a.somme_p > 0 THEN a.somme_vp / a.somme_p END
        END AS valeur,
        NULL::DOUBLE AS variance,
        CASE
            -- a published-only value the producer did not publish for this territory: whatever its
            -- communes hold (all secret, say), nothing would be computed from them
            WHEN d.methode = 'publie' AND a.niveau <> 'commune' AND d.approximation = 'aucune' THEN 'non_publie'
            WHEN a.nb_utilisables = 0 THEN a.statut_vide
            WHEN d.methode IN ('proportion', 'taux', 'ratio', 'evolution') AND NOT (a.denominateur > 0) THEN 'denominateur_nul'
            ELSE 'ok'
        END AS statut_calcul,
        CASE
            WHEN a.niveau <> 'commune' AND (d.methode = 'moyenne-ponderee' OR d.methode = 'publie') AND d.approximation <> 'aucune' THEN d.approximation
        END AS approximation,
        CASE WHEN d.methode = 'publie' AND a.niveau = 'commune' THEN 'publie' ELSE 'calcule' END AS origine,
        a.pop_couverte,
        a.nb_utilisables,
        a.nb_briques,
        a.partiel_source,
        a.source,
        a.millesime
    FROM agrege AS a
    JOIN defs AS d USING (indicateur)
    WHERE d.methode NOT IN ('taux-standardise', 'icm')
),
bandes AS (
    SELECT indicateur, count(*) AS nb_bandes, sum(poids) AS poids_total
    FROM standard
    GROUP BY indicateur
),
dsr AS (
    -- direct standardisation (methods.md §4): every band of the standard must be present
    SELECT
        a.indicateur,
        a.niveau,
        a.code,
        a.periode,
        sum(a.numerateur) AS numerateur,
        sum(a.denominateur) AS denominateur,
        any_value(d.multiplicateur) AS multiplicateur,
        CASE WHEN count(*) = any_value(bd.nb_bandes) AND bool_and(a.nb_utilisables > 0) THEN
            -- a band with no population and no event contributes 0 but keeps its weight
            sum(CASE WHEN a.denominateur > 0 THEN s.poids * a.numerateur / a.denominateur ELSE 0 END) / any_value(bd.poids_total)
        END AS taux,
        sum(CASE WHEN a.denominateur > 0 THEN s.poids * s.poids * a.numerateur / (a.denominateur * a.denominateur) ELSE 0 END)
            / (any_value(bd.poids_total) * any_value(bd.poids_total)) AS variance,
        bool_or(a.numerateur > 0 AND NOT (a.denominateur > 0)) AS incoherent,
        min(a.nb_utilisables) AS nb_utilisables,
        -- population covered by every age band
        min(a.pop_couverte) AS pop_couverte,
        string_agg(DISTINCT a.source, ',') AS source,
        max(a.millesime) AS millesime
    FROM agrege AS a
    JOIN defs AS d USING (indicateur)
    JOIN standard AS s USING (indicateur, age)
    JOIN bandes AS bd USING (indicateur)
    WHERE d.methode = 'taux-standardise'
    GROUP BY a.indicateur, a.niveau, a.code, a.periode
),
references_icm AS (
    -- reference rates by age band: the France row of the same table
    SELECT indicateur, periode, age, numerateur / denominateur AS taux
    FROM agrege
    WHERE methode = 'icm'
        AND niveau = 'france'
        AND denominateur > 0
),
icm AS (
    SELECT
        a.indicateur,
        a.niveau,
        a.code,
        a.periode,
        sum(a.numerateur) AS observes,
        sum(a.denominateur * r.taux) AS attendus,
        min(a.nb_utilisables) AS nb_utilisables,
        min(a.pop_couverte) AS pop_couverte,
        string_agg(DISTINCT a.source, ',') AS source,
        max(a.millesime) AS millesime
    FROM agrege AS a
    JOIN references_icm AS r USING (indicateur, periode, age)
    WHERE a.methode = 'icm'
    GROUP BY a.indicateur, a.niveau, a.code, a.periode
),
standardises AS (
    SELECT
        indicateur, niveau, code, periode, numerateur, denominateur, multiplicateur,
        CASE WHEN NOT incoherent AND numerateur >= 10 THEN taux * multiplicateur END AS valeur,
        variance * multiplicateur * multiplicateur AS variance,
        CASE
            WHEN incoherent THEN 'donnees_incoherentes'
            WHEN taux IS NULL THEN 'absent'
            -- no standardised rate under 10 events (methods.md §4, §9)
            WHEN numerateur < 10 THEN 'non_calculable'
            ELSE 'ok'
        END AS statut_calcul,
        NULL AS approximation, 'calcule' AS origine, pop_couverte, nb_utilisables, 1 AS nb_briques, false AS partiel_source, source, millesime
    FROM dsr
    UNION ALL
    SELECT
        indicateur, niveau, code, periode, observes, attendus, 100,
        CASE WHEN attendus > 0 THEN 100 * observes / attendus END,
        NULL,
        CASE WHEN attendus > 0 THEN 'ok' ELSE 'denominateur_nul' END,
        NULL, 'calcule', pop_couverte, nb_utilisables, 1, false, source, millesime
    FROM icm
),
calcules AS (
    SELECT * FROM simples
    UNION ALL
    SELECT * FROM standardises
),
publies AS (
    SELECT
        b.indicateur, b.niveau, b.code, b.periode,
        NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur, d.multiplicateur,
        CASE WHEN b.statut = 'ok' THEN b.valeur END AS valeur,
        NULL::DOUBLE AS variance,
        b.statut AS statut_calcul,
        NULL AS approximation, 'publie' AS origine, NULL::DOUBLE AS pop_couverte, 1 AS nb_utilisables, 1 AS nb_briques, false AS partiel_source,
        b.source, b.millesime
    FROM briques AS b
    JOIN defs AS d USING (indicateur)
    WHERE b.publie
),
-- inlined (not materialised): each branch below reads only its own rows
candidats AS NOT MATERIALIZED (
    SELECT c.*, 2 AS priorite_calcul FROM calcules AS c
    UNION ALL
    SELECT p.*, 1 FROM publies AS p
),
retenus AS (
    -- a commune has no published candidate: its computed row is kept as is
    SELECT * EXCLUDE (priorite_calcul)
    FROM candidats
    WHERE niveau = 'commune'
    UNION ALL
    SELECT * EXCLUDE (priorite_calcul)
    FROM (
        SELECT c.*
        FROM candidats AS c
        JOIN defs AS d USING (indicateur)
        -- territories of the current geography only (a published EPCI that no longer exists is dropped)
        JOIN territoires_connus AS t ON t.niveau = c.niveau AND t.code = c.code
        WHERE c.niveau <> 'commune'
        -- a producer's published value wins over an approximation; a value computed from counts
        -- (exact) wins over a published one
        QUALIFY row_number() OVER (
            PARTITION BY c.indicateur, c.niveau, c.code, c.periode
            ORDER BY
                CASE
                    WHEN d.methode IN ('publie', 'moyenne-ponderee') THEN c.priorite_calcul
                    ELSE -c.priorite_calcul
                END,
                c.valeur IS NULL
        ) = 1
    )
),
intervalles AS (
    SELECT
        r.*,
        d.methode,
        d.secret,
        d.polarite,
        CASE
            WHEN r.valeur IS NULL OR r.origine = 'publie' THEN NULL
            WHEN d.methode = 'proportion' THEN 'Wilson'
            WHEN d.methode IN ('taux', 'icm') THEN CASE WHEN r.numerateur < 10 THEN 'Exact' ELSE 'Byar' END
            WHEN d.methode = 'taux-standardise' THEN 'Dobson'
        END AS methode_ic,
        CASE WHEN pt.population > 0 AND r.pop_couverte IS NOT NULL THEN least(1.0, r.pop_couverte / pt.population) END AS couverture_population
    FROM retenus AS r
    JOIN defs AS d USING (indicateur)
    LEFT JOIN populations_territoires AS pt ON pt.niveau = r.niveau AND pt.code = r.code
)
SELECT
    i.indicateur,
    i.niveau,
    i.code,
    i.periode,
    i.valeur,
    i.numerateur,
    -- the count before secrecy (only the engine sees it: secondary suppression needs it)
    i.numerateur AS numerateur_brut,
    i.denominateur,
    CASE i.methode_ic
        WHEN 'Wilson' THEN wilson_bas(i.numerateur, i.denominateur, $z) * i.multiplicateur
        WHEN 'Exact' THEN pe.bas / i.denominateur * i.multiplicateur
        WHEN 'Byar' THEN byar_bas(i.numerateur, $z) / i.denominateur * i.multiplicateur
        WHEN 'Dobson' THEN i.valeur + sqrt(i.variance / i.numerateur) * (byar_bas(i.numerateur, $z) - i.numerateur)
    END AS ic_bas,
    CASE i.methode_ic
        WHEN 'Wilson' THEN wilson_haut(i.numerateur, i.denominateur, $z) * i.multiplicateur
        WHEN 'Exact' THEN pe.haut / i.denominateur * i.multiplicateur
        WHEN 'Byar' THEN byar_haut(i.numerateur, $z) / i.denominateur * i.multiplicateur
        WHEN 'Dobson' THEN i.valeur + sqrt(i.variance / i.numerateur) * (byar_haut(i.numerateur, $z) - i.numerateur)
    END AS ic_haut,
    i.methode_ic,
    i.variance,
    i.multiplicateur,
    i.methode,
    i.secret,
    i.polarite,
    i.origine,
    i.approximation,
    CASE
        WHEN i.couverture_population IS NOT NULL THEN i.couverture_population
        WHEN i.nb_briques > 0 THEN i.nb_utilisables / i.nb_briques
    END AS couverture,
    CASE
        WHEN i.statut_calcul <> 'ok' THEN i.statut_calcul
        WHEN i.partiel_source OR i.couverture_population < 0.9995 THEN 'partiel'
        ELSE 'ok'
    END AS statut,
    CASE
        WHEN i.methode IN ('taux', 'icm', 'taux-standardise') AND i.numerateur < 20 THEN 'petits_effectifs'
        WHEN i.methode = 'proportion' AND (i.denominateur < 30 OR i.numerateur < 5) THEN 'petits_effectifs'
    END AS fiabilite,
    i.source,
    i.millesime
FROM intervalles AS i
-- (the key is NULL unless the interval is exact: an equality join stays a hash join)
LEFT JOIN poisson_exact AS pe ON pe.o = CASE WHEN i.methode_ic = 'Exact' THEN i.numerateur END
