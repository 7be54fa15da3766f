-- Age-specific counts of an ORS/ARS indicator table (numerator = events, denominator =
-- population or person-years), as bricks by département and age band, both sexes.
-- Parameters: $variable (the table's indicator id; its counts are `<id>-numerateur`/`-denominateur`).
WITH n AS (
    SELECT code, periode, age, valeur, statut, dataset, millesime
    FROM publies
    WHERE dataset = 'ors-indicateurs'
        AND variable = $variable || '-numerateur'
        AND niveau = 'departement'
        AND coalesce(sexe, 'ensemble') = 'ensemble'
        AND age IS NOT NULL
),
d AS (
    SELECT code, periode, age, valeur, statut
    FROM publies
    WHERE dataset = 'ors-indicateurs'
        AND variable = $variable || '-denominateur'
        AND niveau = 'departement'
        AND coalesce(sexe, 'ensemble') = 'ensemble'
        AND age IS NOT NULL
)
SELECT
    'departement' AS niveau,
    false AS publie,
    NULL::VARCHAR AS code,
    n.code AS code_departement,
    n.periode,
    n.age,
    n.valeur AS numerateur,
    d.valeur AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    CASE WHEN n.statut = 'ok' AND d.statut = 'ok' THEN 'ok' WHEN n.statut <> 'ok' THEN n.statut ELSE d.statut END AS statut,
    n.dataset AS source,
    n.millesime
FROM n
JOIN d USING (code, periode, age)
