-- Registry of the contrats locaux de santé: one row per member (commune or EPCI) per perimeter
-- version, codes as text, dates as DATE (date_fin NULL: no end), exemple as a boolean.
SELECT
    code_cls,
    libelle,
    generation,
    statut,
    version,
    date_signature,
    date_debut,
    date_fin,
    type_membre,
    code_membre,
    -- 'oui': an illustrative line, not a real contract
    exemple = 'oui' AS exemple,
    ligne AS ligne_source
FROM staging
ORDER BY
    code_cls,
    version,
    type_membre,
    code_membre
