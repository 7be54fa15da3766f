-- Commune values of a non-additive variable (median, decile, rate, share, APL) with a weight for
-- approximations above the commune. Several datasets may publish the same period (Filosofi DISP,
-- base comparateur, XLS archive): for each period, the first dataset of $datasets holding the
-- variable is used for every commune, so that values of one period never mix sources.
-- Parameters: $datasets (priority order), $variable, $liste_poids (weight variables, preferred
-- first, joined by '|'). Input beside mesures: poids_choisis (calcul.ts: for each weight list, the
-- preferred weight of every commune, dataset and period, built once).
WITH v AS (
    SELECT
        m.*,
        list_position($datasets, m.dataset) AS rang
    FROM mesures AS m
    WHERE list_contains($datasets, m.dataset)
        AND m.variable = $variable
),
premiers AS (
    -- one dataset per period: the preferred one among those that have it
    SELECT periode, min(rang) AS rang
    FROM v
    GROUP BY periode
)
SELECT
    'commune' AS niveau,
    false AS publie,
    c.code_commune AS code,
    c.code_departement,
    c.periode,
    NULL::VARCHAR AS age,
    NULL::DOUBLE AS numerateur,
    NULL::DOUBLE AS denominateur,
    c.valeur,
    p.valeur AS poids,
    c.statut,
    c.dataset AS source,
    c.millesime
FROM v AS c
JOIN premiers USING (periode, rang)
LEFT JOIN poids_choisis AS p ON p.liste = $liste_poids AND p.dataset = c.dataset AND p.cle = c.cle AND p.periode = c.periode
