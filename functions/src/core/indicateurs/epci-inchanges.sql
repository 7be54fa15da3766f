-- EPCI whose perimeter in a past geography is today's (inputs: composition_passee (cog,
-- code_commune, code_epci) from INSEE's EPCI compositions, ref_communes, communes_deleguees).
-- A past commune code is read as today's commune, or the commune nouvelle it was merged into
-- (commune déléguée / associée); a code read as neither makes the EPCI "changed". An EPCI is
-- unchanged when its set of communes, so read, is exactly today's.
CREATE OR REPLACE TEMP TABLE epci_inchanges AS
WITH passe AS (
    SELECT c.cog, c.code_epci, coalesce(r.code, d.commune) AS commune
    FROM composition_passee AS c
    LEFT JOIN ref_communes AS r ON r.code = c.code_commune
    LEFT JOIN communes_deleguees AS d ON d.code = c.code_commune
    WHERE c.code_epci IS NOT NULL
),
avant AS (
    SELECT
        cog,
        code_epci,
        bool_or(commune IS NULL) AS illisible,
        list_sort(list_distinct(list(commune) FILTER (WHERE commune IS NOT NULL))) AS communes
    FROM passe
    GROUP BY cog, code_epci
),
maintenant AS (
    SELECT code_epci, list_sort(list(code)) AS communes
    FROM ref_communes
    WHERE code_epci IS NOT NULL
    GROUP BY code_epci
)
SELECT a.cog, a.code_epci AS code
FROM avant AS a
JOIN maintenant AS m USING (code_epci)
WHERE NOT a.illisible
    AND a.communes = m.communes;
