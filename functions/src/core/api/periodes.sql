-- The periods present in the indicator marts (trusted paths), by file and level, whether each
-- holds at least one value, and whether one of them is compared with France (the default period
-- is the latest with values compared with France, else the latest with values).
SELECT
    filename AS fichier,
    niveau,
    periode,
    count(valeur) > 0 AS avec_valeur,
    count(valeur) FILTER (WHERE valeur_france IS NOT NULL) > 0 AS avec_reference
FROM read_parquet([{{fichiers}}], filename = true, hive_partitioning = false)
GROUP BY
    ALL
ORDER BY
    fichier,
    niveau,
    periode
