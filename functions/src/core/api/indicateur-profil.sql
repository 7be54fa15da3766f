-- Every value of one territory in the given indicator marts (trusted paths): the marts
-- are sorted by level, code and period, so each file is read over a small range. The query
-- module keeps, for each indicator, the latest period of the level.
SELECT
    m.filename AS fichier,
    m.periode,
    {{valeur}}
FROM {{marts}} AS m
WHERE
    m.niveau = $niveau
    AND m.code = $code
ORDER BY
    fichier,
    m.periode
