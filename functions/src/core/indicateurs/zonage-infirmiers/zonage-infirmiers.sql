-- Population living in communes that the ARS nursing zoning (CartoSanté) classes as very
-- under-served or under-served, over the population of the communes zoned.
-- A commune without a zoning class is 'absent' (the territory's coverage says so).
SELECT
    'commune' AS niveau,
    false AS publie,
    p.code_commune AS code,
    p.code_departement,
    z.periode,
    NULL::VARCHAR AS age,
    CASE WHEN z.modalite IN ('1_Tres_sous_dotee', '2_Sous_dotee') THEN p.pmun ELSE 0 END AS numerateur,
    p.pmun AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    CASE WHEN z.statut = 'ok' AND z.modalite IS NULL THEN 'absent' ELSE z.statut END AS statut,
    z.dataset AS source,
    z.millesime
FROM populations AS p
JOIN mesures AS z ON z.cle = p.cle
WHERE z.dataset = 'geoclip'
    AND z.variable = 'zonage-infirmiers'
