-- Every value of every territory of one level at the default period of each indicator (trusted
-- paths): the marts are sorted by level, code and period, so each file is read over the range
-- of one level. $attendus lists the default period of each file, one 'fichier<TAB>periode' per
-- line (paths never hold a tab or a newline).
SELECT
    m.filename AS fichier,
    m.code,
    m.periode,
    {{valeur}}
FROM {{marts}} AS m
JOIN (
    SELECT
        split_part(a, chr(9), 1) AS fichier,
        split_part(a, chr(9), 2) AS periode
    FROM unnest(string_split($attendus, chr(10))) AS t(a)
) AS d
    ON d.fichier = m.filename
    AND d.periode = m.periode
WHERE
    m.niveau = $niveau
ORDER BY
    m.code,
    fichier
