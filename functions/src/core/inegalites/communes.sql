-- Communes of one territory with their population municipale (weights), the indicator's commune
-- row for the period and the proxy's commune value for its period.
-- Inputs (temporary views created by inegalites.ts): inegalites_territoires (territories mart),
-- inegalites_indicateur (the indicator's mart), inegalites_proxy (the proxy's mart, maybe empty),
-- inegalites_cls (CLS perimeter → commune, maybe empty).
-- Parameters: $niveau, $code, $periode, $periode_proxy.
WITH communes AS (
    SELECT t.code, t.population
    FROM inegalites_territoires AS t
    WHERE t.niveau = 'commune'
        -- the communes the territory holds, by the parents the territories mart gives them
        AND {{membre_territoire}}
),
indicateur AS (
    SELECT code, valeur, numerateur, denominateur, statut
    FROM inegalites_indicateur
    WHERE niveau = 'commune'
        AND periode = $periode
),
proxy AS (
    SELECT code, valeur
    FROM inegalites_proxy
    WHERE niveau = 'commune'
        AND periode = $periode_proxy
        -- a proxy value the producer published (secret communes have none)
        AND valeur IS NOT NULL
)
SELECT
    c.code,
    c.population::DOUBLE AS population,
    i.valeur,
    i.numerateur,
    i.denominateur,
    i.statut,
    p.valeur AS proxy
FROM communes AS c
LEFT JOIN indicateur AS i USING (code)
LEFT JOIN proxy AS p USING (code)
ORDER BY c.code
