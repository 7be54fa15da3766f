-- Pairs of territories above the commune where one holds every commune of the other and more
-- (an EPCI in its département, a CLS made of an EPCI plus one commune, two perimeter versions of
-- a CLS…): the difference of their published totals is the total of the communes in between
-- (methods.md §9, overlapping geographies), which secondary suppression protects as it protects
-- a territory's own total (secret-secondaire.sql). Input: appartenance (perimetres.sql).
WITH tailles AS (
    SELECT niveau, code, count(*) AS n
    FROM appartenance
    WHERE niveau <> 'commune'
    GROUP BY ALL
),
communs AS (
    SELECT a1.niveau AS niveau1, a1.code AS code1, a2.niveau AS niveau2, a2.code AS code2, count(*) AS n
    FROM appartenance AS a1
    JOIN appartenance AS a2 ON a2.code_commune = a1.code_commune
    WHERE a1.niveau <> 'commune'
        AND a2.niveau <> 'commune'
        AND (a1.niveau <> a2.niveau OR a1.code <> a2.code)
    GROUP BY ALL
)
SELECT c.niveau1, c.code1, c.niveau2, c.code2
FROM communs AS c
JOIN tailles AS t1 ON t1.niveau = c.niveau1 AND t1.code = c.code1
JOIN tailles AS t2 ON t2.niveau = c.niveau2 AND t2.code = c.code2
-- every commune of the second is in the first, which has more
WHERE c.n = t2.n
    AND t1.n > t2.n
