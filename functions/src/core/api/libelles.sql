-- Names of a few territories, given as 'niveau/code' separated by commas (codes never hold one).
SELECT
    niveau || '/' || code AS cle,
    libelle
FROM territoires
WHERE
    list_contains(string_split($territoires, ','), niveau || '/' || code)
ORDER BY
    cle
