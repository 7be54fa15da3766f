-- The periods present in the indicator marts (trusted paths), by file and level, and whether
-- each holds at least one value (the default period is the latest that does).
SELECT
    filename AS fichier,
    niveau,
    periode,
    count(valeur) > 0 AS avec_valeur
FROM read_parquet([{{fichiers}}], filename = true, hive_partitioning = false)
GROUP BY
    ALL
ORDER BY
    fichier,
    niveau,
    periode
