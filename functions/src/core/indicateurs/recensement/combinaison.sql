-- Bricks of additive indicators made of linear combinations of one dataset's measures:
-- numerator = Σ coef × variable@période, denominator likewise. Example, person-years 2013-2018
-- of the Observatoire des territoires' crude death rate: 2.5 × population@2013 + 2.5 × population@2018.
-- A family SQL (several indicators at once): parameters in requetes_lot (indicateur, dataset,
-- periode = label of the output, num_termes/num_coefs, den_termes/den_coefs: lists,
-- `variable@periode`); $variables: the variables of every term of the batch.
WITH termes AS (
    SELECT indicateur, dataset, periode AS periode_sortie, unnest(num_termes) AS terme, unnest(num_coefs) AS coef, 'n' AS role
    FROM requetes_lot
    UNION ALL
    SELECT indicateur, dataset, periode, unnest(den_termes), unnest(den_coefs), 'd'
    FROM requetes_lot
),
termes_decomposes AS (
    SELECT *, split_part(terme, '@', 1) AS variable, substr(terme, strpos(terme, '@') + 1) AS periode
    FROM termes
),
nb_termes AS (
    SELECT indicateur, count(*) AS n FROM termes GROUP BY indicateur
),
valeurs AS (
    SELECT
        t.indicateur,
        t.periode_sortie,
        m.dataset,
        m.cle,
        m.code_commune,
        m.code_departement,
        m.millesime,
        t.role,
        t.coef,
        m.valeur,
        m.statut
    FROM mesures AS m
    -- one dataset per indicator: terms are never mixed across sources
    JOIN termes_decomposes AS t ON t.dataset = m.dataset AND t.variable = m.variable AND t.periode = m.periode
    -- the batch's variables, filtered in the scan (see RequeteIndicateur.variables)
    WHERE list_contains($variables, m.variable)
)
SELECT
    v.indicateur,
    'commune' AS niveau,
    false AS publie,
    -- a code outside the current COG keeps its key ('?<code>'): a split commune's counts then
    -- reach every territory holding all its successors (scindees.sql)
    coalesce(any_value(v.code_commune), v.cle) AS code,
    any_value(v.code_departement) AS code_departement,
    v.periode_sortie AS periode,
    NULL::VARCHAR AS age,
    CASE WHEN bool_and(v.statut IN ('ok', 'partiel')) THEN sum(v.coef * v.valeur) FILTER (WHERE v.role = 'n') END AS numerateur,
    CASE WHEN bool_and(v.statut IN ('ok', 'partiel')) THEN sum(v.coef * v.valeur) FILTER (WHERE v.role = 'd') END AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    CASE
        -- a term missing for this commune
        WHEN count(*) < any_value(n.n) THEN 'absent'
        WHEN bool_and(v.statut = 'ok') THEN 'ok'
        WHEN bool_and(v.statut IN ('ok', 'partiel')) THEN 'partiel'
        WHEN bool_or(v.statut = 'secret') THEN 'secret'
        WHEN bool_or(v.statut = 'non_agrege') THEN 'non_agrege'
        WHEN bool_or(v.statut = 'non_disponible') THEN 'non_disponible'
        ELSE 'absent'
    END AS statut,
    v.dataset AS source,
    any_value(v.millesime) AS millesime
FROM valeurs AS v
JOIN nb_termes AS n USING (indicateur)
GROUP BY v.indicateur, v.periode_sortie, v.dataset, v.cle
