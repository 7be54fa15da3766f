-- Every brick summed into every territory that contains it (methods.md §1.1: numerators and
-- denominators are summed, never rates averaged). Inputs: briques, defs, appartenance
-- (code_commune → every territory holding it, the commune itself included), appartenance_dep
-- (département → département, région, France), appartenance_scindees (scindees.sql),
-- population_communes (code_commune, pmun), populations_territoires.
-- A brick enters the sums only when it carries what its method needs; the others are counted
-- to report coverage (share of the territory's population whose commune has a value).
-- Commune rows are a view over the bricks (never copied: they are most of the rows); only the
-- sums above the commune are materialised (agrege_territoires). `agrege` is their union.
-- A commune brick INSEE keeps secret (no value, no count: statut 'secret') gives a row that is all
-- nulls but its reference values: it is stored compactly (secrets-communes.sql, ADR 0012), not
-- computed here; it still counts above the commune ({{compacter_secrets}}: true, or false to write
-- those rows in full).
CREATE OR REPLACE TEMP VIEW briques_agregeables AS
    SELECT
        br.*,
        d.methode,
        d.approximation,
        br.statut IN ('ok', 'partiel')
            AND CASE
                WHEN d.methode IN ('publie', 'moyenne-ponderee') THEN br.valeur IS NOT NULL
                WHEN d.methode = 'effectif' THEN br.numerateur IS NOT NULL
                ELSE br.numerateur IS NOT NULL AND br.denominateur IS NOT NULL
            END AS utilisable,
        {{compacter_secrets}}
            AND br.niveau = 'commune'
            AND br.code IS NOT NULL
            AND br.code NOT LIKE '?%'
            AND br.statut = 'secret'
            AND br.age IS NULL
            AND d.methode NOT IN ('taux-standardise', 'icm') AS secret_compact
    FROM briques AS br
    JOIN defs AS d USING (indicateur)
    -- published values are not summed: they are the producer's own figures for a territory
    WHERE NOT br.publie;

CREATE OR REPLACE TEMP VIEW agrege_communes AS
    -- a commune's own row: its brick (one per commune, period and age band, see briques.md)
    SELECT
        b.indicateur,
        'commune' AS niveau,
        b.code,
        b.periode,
        b.age,
        b.methode,
        CASE WHEN b.utilisable THEN b.numerateur END AS numerateur,
        CASE WHEN b.utilisable THEN b.denominateur END AS denominateur,
        CASE WHEN b.utilisable AND b.poids IS NOT NULL THEN b.valeur * b.poids END AS somme_vp,
        CASE WHEN b.utilisable AND b.poids IS NOT NULL THEN b.poids END AS somme_p,
        b.valeur AS valeur_brique,
        1 AS nb_briques,
        CASE WHEN b.utilisable THEN 1 ELSE 0 END AS nb_utilisables,
        CASE WHEN b.utilisable THEN pop.pmun END AS pop_couverte,
        CASE
            WHEN b.utilisable THEN NULL
            WHEN b.statut IN ('secret', 'non_agrege', 'non_disponible') THEN b.statut
            ELSE 'absent'
        END AS statut_vide,
        b.statut = 'partiel' AND b.utilisable AS partiel_source,
        b.source,
        b.millesime
    FROM briques_agregeables AS b
    LEFT JOIN population_communes AS pop ON pop.code_commune = b.code
    WHERE b.niveau = 'commune'
        AND b.code IS NOT NULL
        -- (a code outside the current COG, '?<code>', is no commune of it)
        AND b.code NOT LIKE '?%'
        AND NOT b.secret_compact;

CREATE OR REPLACE TEMP TABLE agrege_territoires AS
WITH membres AS (
    SELECT b.*, a.niveau AS niveau_t, a.code AS code_t, pop.pmun
    FROM briques_agregeables AS b
    JOIN appartenance AS a ON a.code_commune = b.code
    LEFT JOIN population_communes AS pop ON pop.code_commune = b.code
    WHERE b.niveau = 'commune'
        AND a.niveau <> 'commune'
        -- a published-only value without approximation is not aggregated above the commune
        AND (b.methode <> 'publie' OR b.approximation <> 'aucune')
    UNION ALL
    -- département bricks, and codes outside the current COG: their département and above
    -- (a département brick covers the département's population: a région or France made of some
    -- départements only is then partial, not complete)
    SELECT b.*, a.niveau, a.code, CASE WHEN b.niveau = 'departement' THEN pd.population END
    FROM briques_agregeables AS b
    JOIN appartenance_dep AS a ON a.code_departement = b.code_departement
    LEFT JOIN populations_territoires AS pd ON pd.niveau = 'departement' AND pd.code = b.code_departement
    WHERE b.niveau = 'departement'
        OR (b.niveau = 'commune' AND (b.code IS NULL OR (b.code LIKE '?%' AND b.code NOT IN (SELECT cle FROM appartenance_scindees))))
    UNION ALL
    -- a split commune's counts: every territory holding all its successors (scindees.sql), whose
    -- population they cover
    SELECT b.*, a.niveau, a.code, a.pmun
    FROM briques_agregeables AS b
    JOIN appartenance_scindees AS a ON a.cle = b.code
    WHERE b.niveau = 'commune'
)
-- every territory above the commune: sums of its bricks
SELECT
    indicateur,
    niveau_t AS niveau,
    code_t AS code,
    periode,
    age,
    any_value(methode) AS methode,
    sum(numerateur) FILTER (WHERE utilisable) AS numerateur,
    sum(denominateur) FILTER (WHERE utilisable) AS denominateur,
    sum(valeur * poids) FILTER (WHERE utilisable AND poids IS NOT NULL) AS somme_vp,
    sum(poids) FILTER (WHERE utilisable AND poids IS NOT NULL) AS somme_p,
    CASE WHEN count(*) = 1 THEN any_value(valeur) END AS valeur_brique,
    count(*)::INTEGER AS nb_briques,
    (count(*) FILTER (WHERE utilisable))::INTEGER AS nb_utilisables,
    sum(pmun) FILTER (WHERE utilisable) AS pop_couverte,
    CASE
        WHEN count(*) FILTER (WHERE utilisable) > 0 THEN NULL
        WHEN bool_or(statut = 'secret') THEN 'secret'
        WHEN bool_or(statut = 'non_agrege') THEN 'non_agrege'
        WHEN bool_or(statut = 'non_disponible') THEN 'non_disponible'
        ELSE 'absent'
    END AS statut_vide,
    bool_or(statut = 'partiel' AND utilisable) AS partiel_source,
    min(source) AS source,
    max(millesime) AS millesime
FROM membres
GROUP BY indicateur, niveau_t, code_t, periode, age;

CREATE OR REPLACE TEMP VIEW agrege AS
SELECT * FROM agrege_communes
UNION ALL
SELECT * FROM agrege_territoires;
