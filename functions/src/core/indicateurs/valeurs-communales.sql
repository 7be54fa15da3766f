-- Commune values of a non-additive variable (median, decile, rate, share, APL) with a weight for
-- approximations above the commune. Several datasets may publish the same period (Filosofi DISP,
-- base comparateur, XLS archive): for each period, the first dataset of `datasets` holding the
-- variable is used for every commune, so that values of one period never mix sources.
-- A family SQL (several indicators at once): parameters in requetes_lot (indicateur, datasets
-- in priority order, variable, liste_poids = weight variables, preferred first, joined by '|').
-- Input beside mesures: poids_choisis (calcul.ts: for each weight list, the preferred weight of
-- every commune, dataset and period, built once).
WITH v AS (
    SELECT
        q.indicateur,
        q.liste_poids,
        m.*,
        list_position(q.datasets, m.dataset) AS rang
    FROM mesures AS m
    JOIN requetes_lot AS q ON q.variable = m.variable
    WHERE list_contains(q.datasets, m.dataset)
        -- the batch's variables, filtered in the scan (see RequeteIndicateur.variables)
        AND list_contains($variables, m.variable)
),
premiers AS (
    -- one dataset per indicator and period: the preferred one among those that have it
    SELECT indicateur, periode, min(rang) AS rang
    FROM v
    GROUP BY indicateur, periode
)
SELECT
    c.indicateur,
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
JOIN premiers USING (indicateur, periode, rang)
LEFT JOIN poids_choisis AS p ON p.liste = c.liste_poids AND p.dataset = c.dataset AND p.cle = c.cle AND p.periode = c.periode
