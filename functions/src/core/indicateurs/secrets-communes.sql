-- INSEE-secret commune rows, stored compactly (ADR 0012): for each indicator and period, the
-- sorted list of its secret communes and what their rows hold besides nulls. The API rebuilds
-- the rows from this list, the territories mart and the indicator's own département, région and
-- France rows, as diffusion.sql would have written them.
-- Inputs: briques_agregeables (agregation.sql), defs.
SELECT
    b.indicateur,
    b.periode,
    b.methode,
    -- as resultats.sql: a commune's value of a published-only indicator is the producer's
    CASE WHEN b.methode = 'publie' THEN 'publie' ELSE 'calcule' END AS origine,
    -- comparisons: 'not_computable' wherever a reference value exists (drapeau_ic of no interval)
    d.comparable,
    b.source,
    b.millesime,
    list(b.code ORDER BY b.code) AS codes
FROM briques_agregeables AS b
JOIN defs AS d USING (indicateur)
WHERE b.secret_compact
GROUP BY ALL
