-- Where the counts of a split commune go (rétablissement: Essarts-en-Bocage, 85084, became
-- Essarts-en-Bocage, L'Oie and Sainte-Florence in 2024). Its counts, kept whole under the key
-- '?<source code>' (they cannot be divided), belong to every territory above the commune that
-- holds all its successors — their EPCI, a CLS holding them all, their département, région and
-- France — with the successors' population as covered population. Only when the successors lie
-- in the source code's own département; otherwise the counts stay with that département alone
-- (agregation.sql). Inputs: successeurs (code_source, code_commune), appartenance,
-- population_communes.
WITH s AS (
    SELECT
        '?' || code_source AS cle,
        CASE WHEN code_source[1:2] IN ('97', '98') THEN code_source[1:3] ELSE code_source[1:2] END AS departement_source,
        code_commune,
        count(*) OVER (PARTITION BY code_source) AS n
    FROM successeurs
),
territoires AS (
    SELECT s.cle, any_value(s.departement_source) AS departement_source, a.niveau, a.code
    FROM s
    JOIN appartenance AS a ON a.code_commune = s.code_commune
    WHERE a.niveau <> 'commune'
    GROUP BY s.cle, a.niveau, a.code
    HAVING count(*) = any_value(s.n)
),
populations AS (
    SELECT s.cle, sum(p.pmun) AS pmun
    FROM s
    LEFT JOIN population_communes AS p USING (code_commune)
    GROUP BY s.cle
)
SELECT t.cle, t.niveau, t.code, p.pmun
FROM territoires AS t
JOIN populations AS p USING (cle)
WHERE t.cle IN (SELECT cle FROM territoires WHERE niveau = 'departement' AND code = departement_source)
