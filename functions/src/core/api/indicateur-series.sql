-- Every period of one indicator (its mart file, a trusted path) for a list of territories
-- (a territory and its references).
SELECT
    m.niveau,
    m.code,
    m.periode,
    {{valeur}}
FROM {{mart}} AS m
WHERE
    -- the territories as 'niveau/code' separated by commas (codes never hold one)
    list_contains(string_split($territoires, ','), m.niveau || '/' || m.code)
ORDER BY
    m.niveau,
    m.code,
    m.periode
