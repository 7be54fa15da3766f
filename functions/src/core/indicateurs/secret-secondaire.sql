-- Secondary suppression (methods.md §9): the communes to mask so that, in every territory made of
-- communes (EPCI, département, région, France, CLS), a masked commune is never the only one:
-- otherwise the territory's total minus the other communes would give it back. The same holds
-- for the communes in between two nested territories (paires_emboitees: an EPCI and its
-- département, a CLS and the EPCI it extends…): the difference of their totals minus the other
-- communes in between would give a lone masked one back. In each such set, the unmasked commune
-- with the smallest non-zero count (then the lowest code) is chosen: a commune of 0 events would
-- protect nothing (the total minus the published communes would still give the masked count, its
-- partner being known to hold the least, 0, as soon as one published commune shows 0). Being
-- unmasked, that count is 11 or more. When the communes in between two nested territories are
-- one masked commune and nothing else counted, no commune can protect it: the total of one of the
-- two territories is masked instead, a CLS before an EPCI, an EPCI before a département…
-- (territorial levels of the least use first), then the smaller. A pair whose total is already
-- masked gives nothing away. Output: (indicateur, periode, niveau, code) to mask.
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
totaux AS (
    SELECT
        g.*,
        -- the territory's own total is masked: no difference can be taken with it
        coalesce(r.statut LIKE 'masque%', false) AS total_masque
    FROM (
        SELECT
            indicateur,
            periode,
            niveau_m,
            code_m,
            count(*) FILTER (WHERE masque) AS masques,
            count(*) FILTER (WHERE NOT masque) AS comptes
        FROM marges
        GROUP BY ALL
    ) AS g
    LEFT JOIN resultats AS r ON r.indicateur = g.indicateur AND r.periode = g.periode AND r.niveau = g.niveau_m AND r.code = g.code_m
),
differences AS (
    SELECT t1.indicateur, t1.periode, p.niveau1, p.code1, p.niveau2, p.code2, t1.comptes - t2.comptes AS comptes
    FROM paires_emboitees AS p
    JOIN totaux AS t1 ON t1.niveau_m = p.niveau1 AND t1.code_m = p.code1
    JOIN totaux AS t2 ON t2.indicateur = t1.indicateur AND t2.periode = t1.periode AND t2.niveau_m = p.niveau2 AND t2.code_m = p.code2
    WHERE t1.masques - t2.masques = 1
        AND NOT t1.total_masque
        AND NOT t2.total_masque
),
seules AS (
    -- a territory: exactly one masked commune among counted ones
    SELECT indicateur, periode, niveau_m, code_m, NULL::VARCHAR AS niveau_sauf, NULL::VARCHAR AS code_sauf
    FROM totaux
    WHERE masques = 1
        AND comptes >= 1
    UNION ALL
    -- the communes of a territory outside a territory it holds: exactly one masked among counted ones
    SELECT indicateur, periode, niveau1, code1, niveau2, code2
    FROM differences
    WHERE comptes >= 1
),
candidats AS (
    SELECT mg.*, s.niveau_sauf, s.code_sauf
    FROM marges AS mg
    JOIN seules AS s USING (indicateur, periode, niveau_m, code_m)
    WHERE NOT mg.masque
        AND mg.numerateur_brut > 0
)
SELECT DISTINCT indicateur, periode, 'commune' AS niveau, code
FROM (
    SELECT c.*
    FROM candidats AS c
    -- in a difference, only a commune outside the territory held
    ANTI JOIN appartenance AS a ON a.code_commune = c.code AND a.niveau = c.niveau_sauf AND a.code = c.code_sauf
    QUALIFY row_number() OVER (PARTITION BY c.indicateur, c.periode, c.niveau_m, c.code_m, c.niveau_sauf, c.code_sauf ORDER BY c.numerateur_brut, c.code) = 1
)
UNION
-- a lone masked commune between two nested territories: one of the two totals
SELECT DISTINCT indicateur, periode, niveau, code
FROM (
    SELECT
        indicateur,
        periode,
        CASE WHEN list_position(['cls', 'epci', 'departement', 'region', 'france'], niveau1) < list_position(['cls', 'epci', 'departement', 'region', 'france'], niveau2) THEN niveau1 ELSE niveau2 END AS niveau,
        CASE WHEN list_position(['cls', 'epci', 'departement', 'region', 'france'], niveau1) < list_position(['cls', 'epci', 'departement', 'region', 'france'], niveau2) THEN code1 ELSE code2 END AS code
    FROM differences
    WHERE comptes = 0
)
