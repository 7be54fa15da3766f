-- Population municipale (populations légales) of every commune on the current COG; a code that
-- could not be placed still counts in its département (code NULL).
SELECT
    'commune' AS niveau,
    false AS publie,
    code_commune AS code,
    code_departement,
    millesime AS periode,
    NULL::VARCHAR AS age,
    pmun AS numerateur,
    NULL::DOUBLE AS denominateur,
    NULL::DOUBLE AS valeur,
    NULL::DOUBLE AS poids,
    'ok' AS statut,
    'populations-legales' AS source,
    millesime
FROM populations
