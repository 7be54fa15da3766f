-- Secondary suppression (methods.md §9): the communes to mask so that, in every territory made of
-- communes (EPCI, département, région, France, CLS), a masked commune is never the only one:
-- otherwise the territory's total minus the other communes would give it back. In each such
-- territory, the unmasked commune with the smallest non-zero count (then the lowest code) is
-- chosen: a commune of 0 events would protect nothing (a territory's total minus its published
-- communes would still give the masked count, its partner being known to hold the least, 0, as
-- soon as one published commune shows 0). Being unmasked, that count is 11 or more.
WITH m AS (
    SELECT
        indicateur,
        periode,
        code,
        statut LIKE 'masque%' AS masque,
        numerateur_brut
    FROM resultats
    -- health-outcome counts of communes only
    WHERE secret = 'sante'
        AND niveau = 'commune'
        AND numerateur_brut IS NOT NULL
),
marges AS (
    SELECT
        m.*,
        a.niveau AS niveau_m,
        a.code AS code_m
    FROM m
    JOIN appartenance AS a ON a.code_commune = m.code
    WHERE a.niveau <> 'commune'
),
seules AS (
    SELECT indicateur, periode, niveau_m, code_m
    FROM marges
    GROUP BY ALL
    HAVING count(*) FILTER (WHERE masque) = 1
        AND count(*) FILTER (WHERE NOT masque) >= 1
)
SELECT DISTINCT indicateur, periode, code
FROM (
    SELECT mg.*
    FROM marges AS mg
    JOIN seules USING (indicateur, periode, niveau_m, code_m)
    WHERE NOT mg.masque
        AND mg.numerateur_brut > 0
    QUALIFY row_number() OVER (PARTITION BY mg.indicateur, mg.periode, mg.niveau_m, mg.code_m ORDER BY mg.numerateur_brut, mg.code) = 1
)
