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
-- masked gives nothing away. Derived parts too (parties_derivees): a département's total minus
-- the totals of the EPCI wholly inside it is the total of its communes in EPCI that straddle a
-- border, a set no territory publishes but anyone can compute. Output: (indicateur, periode, niveau, code) to mask.
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
    JOIN (
        SELECT * FROM appartenance WHERE niveau <> 'commune'
        UNION ALL
        -- the derived part of each département outside the EPCI wholly inside it
        SELECT code_commune, niveau, code FROM parties_derivees
    ) AS a ON a.code_commune = m.code
),
totaux AS (
    SELECT
        g.*,
        CASE
            -- a derived part can no longer be derived once its département's total or the total
            -- of one EPCI inside it is masked
            WHEN g.niveau_m = 'reste-departement' THEN EXISTS (
                SELECT 1
                FROM resultats AS d
                WHERE d.indicateur = g.indicateur AND d.periode = g.periode AND d.statut LIKE 'masque%'
                    AND ((d.niveau = 'departement' AND d.code = g.code_m)
                        OR (d.niveau = 'epci' AND d.code IN (SELECT code_epci FROM epci_internes AS e WHERE e.code_departement = g.code_m)))
            )
            -- the territory's own total is masked: no difference can be taken with it
            ELSE coalesce(r.statut LIKE 'masque%', false)
        END AS total_masque
    FROM (
        SELECT
            indicateur,
            periode,
            niveau_m,
            code_m,
            count(*) FILTER (WHERE masque) AS masques,
            count(*) FILTER (WHERE NOT masque) AS comptes,
            sum(numerateur_brut) AS somme
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
        -- a masked total gives nothing to subtract from
        AND NOT total_masque
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
-- a derived part of a département made of one masked commune and nothing else counted: the total
-- of the smallest EPCI wholly inside the département is masked, with its smallest non-zero commune
-- (alone, its total would still be the sum of its published communes)
SELECT indicateur, periode, unnest(['epci', 'commune']) AS niveau, unnest([code_epci, code_commune]) AS code
FROM (
    SELECT i.indicateur, i.periode, e.code_m AS code_epci, c.code AS code_commune
    FROM totaux AS i
    JOIN epci_internes AS ei ON ei.code_departement = i.code_m
    JOIN totaux AS e ON e.indicateur = i.indicateur AND e.periode = i.periode AND e.niveau_m = 'epci' AND e.code_m = ei.code_epci
    JOIN marges AS c ON c.indicateur = i.indicateur AND c.periode = i.periode AND c.niveau_m = 'epci' AND c.code_m = e.code_m
    WHERE i.niveau_m = 'reste-departement'
        AND i.masques = 1
        AND i.comptes = 0
        AND NOT i.total_masque
        AND NOT e.total_masque
        AND NOT c.masque
        AND c.numerateur_brut > 0
    QUALIFY row_number() OVER (PARTITION BY i.indicateur, i.periode, i.code_m ORDER BY e.somme, e.code_m, c.numerateur_brut, c.code) = 1
)
UNION
-- a territory whose counted communes are all masked, one only: its total is that commune's count
-- (a secondary mask, 11 or more, in a one-commune CLS, say): the total is masked too
SELECT indicateur, periode, niveau_m, code_m
FROM totaux
WHERE niveau_m <> 'reste-departement'
    AND masques = 1
    AND comptes = 0
    AND NOT total_masque
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
