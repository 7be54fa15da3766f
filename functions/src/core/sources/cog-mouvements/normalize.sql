-- Mouvements des communes, one row per event line, in chronological order.
SELECT
    mod,
    date_eff,
    typecom_av,
    com_av,
    libelle_av,
    typecom_ap,
    com_ap,
    libelle_ap,
    ligne AS ligne_source
FROM staging
ORDER BY
    date_eff,
    ligne_source
