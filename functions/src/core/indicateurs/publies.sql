-- Values a producer publishes for a level above the commune, kept as published (methods.md §1.2:
-- a median, a standardised rate or a life expectancy of a département is the producer's).
-- Parameters: $dataset, $variable, $niveaux (levels kept), $facteur (unit conversion, 1 if none),
-- $periodes_exclues (periods the engine computes itself from counts). Input beside publies:
-- epci_inchanges (cog, code): EPCI whose perimeter in that COG is today's (calcul.ts).
SELECT
    p.niveau,
    true AS publie,
    p.code,
    NULL::VARCHAR AS code_departement,
    p.periode,
    NULL::VARCHAR AS age,
    NULL::DOUBLE AS numerateur,
    NULL::DOUBLE AS denominateur,
    p.valeur * $facteur AS valeur,
    NULL::DOUBLE AS poids,
    p.statut,
    p.dataset AS source,
    p.millesime
FROM publies AS p
WHERE p.dataset = $dataset
    AND p.variable = $variable
    AND list_contains($niveaux, p.niveau)
    -- both sexes only: sex-specific rows are other indicators
    AND coalesce(p.sexe, 'ensemble') = 'ensemble'
    AND p.age IS NULL
    AND NOT list_contains($periodes_exclues, p.periode)
    -- an EPCI's published value stands for today's EPCI only if its perimeter then (the source's
    -- COG) is today's: EPCI merge and lose communes; otherwise the value is another territory's
    AND (
        p.niveau <> 'epci'
        OR EXISTS (SELECT 1 FROM epci_inchanges AS e WHERE e.cog = p.cog_source AND e.code = p.code)
    )
