-- What leaves the engine: every row with its comparisons against the département, the région and
-- France (methods.md §6: the reference lies outside the territory's 95 % interval → significant;
-- the p-value is reported beside the flag), after secrecy (the resultats table is already masked).
-- Inputs: resultats, valeurs_reference (the batch's département, région and France values), defs,
-- references_territoires (niveau, code, code_departement, code_region).
-- Every indicator of the batch at once (the engine writes each one's rows sorted).
WITH r AS (
    SELECT
        r.*,
        -- the references of the row, as equality keys (NULL: none, e.g. a département has no
        -- département of reference): equality joins stay hash joins
        CASE WHEN r.niveau NOT IN ('departement', 'region', 'france') THEN t.code_departement END AS cle_departement,
        CASE WHEN r.niveau NOT IN ('region', 'france') THEN t.code_region END AS cle_region,
        CASE WHEN r.niveau <> 'france' THEN 'FR' END AS cle_france
    FROM resultats AS r
    LEFT JOIN references_territoires AS t ON t.niveau = r.niveau AND t.code = r.code
),
c AS (
    SELECT
        r.indicateur,
        r.niveau,
        r.code,
        r.periode,
        r.valeur,
        r.numerateur,
        r.denominateur,
        r.ic_bas,
        r.ic_haut,
        r.methode_ic,
        r.methode,
        r.origine,
        r.approximation,
        r.couverture,
        r.statut,
        r.fiabilite,
        rd.code AS departement_reference,
        rd.valeur AS valeur_departement,
        CASE WHEN d.comparable AND rd.code IS NOT NULL THEN drapeau_ic(r.ic_bas, r.ic_haut, rd.valeur, d.polarite) END AS drapeau_departement,
        CASE WHEN d.comparable THEN z_reference(r.methode, r.valeur, r.numerateur, r.denominateur, r.variance, r.multiplicateur, rd.valeur) END AS z_departement,
        rr.code AS region_reference,
        rr.valeur AS valeur_region,
        CASE WHEN d.comparable AND rr.code IS NOT NULL THEN drapeau_ic(r.ic_bas, r.ic_haut, rr.valeur, d.polarite) END AS drapeau_region,
        CASE WHEN d.comparable THEN z_reference(r.methode, r.valeur, r.numerateur, r.denominateur, r.variance, r.multiplicateur, rr.valeur) END AS z_region,
        rf.valeur AS valeur_france,
        CASE WHEN d.comparable AND rf.code IS NOT NULL THEN drapeau_ic(r.ic_bas, r.ic_haut, rf.valeur, d.polarite) END AS drapeau_france,
        CASE WHEN d.comparable THEN z_reference(r.methode, r.valeur, r.numerateur, r.denominateur, r.variance, r.multiplicateur, rf.valeur) END AS z_france,
        r.source,
        r.millesime
    FROM r
    JOIN defs AS d USING (indicateur)
    -- the département of a commune, an EPCI (its main one) or a CLS; none for a département itself
    LEFT JOIN (SELECT * FROM valeurs_reference WHERE niveau = 'departement') AS rd
        ON rd.indicateur = r.indicateur AND rd.periode = r.periode AND rd.code = r.cle_departement
    LEFT JOIN (SELECT * FROM valeurs_reference WHERE niveau = 'region') AS rr
        ON rr.indicateur = r.indicateur AND rr.periode = r.periode AND rr.code = r.cle_region
    LEFT JOIN (SELECT * FROM valeurs_reference WHERE niveau = 'france') AS rf
        ON rf.indicateur = r.indicateur AND rf.periode = r.periode AND rf.code = r.cle_france
),
t AS (
    SELECT c.*, t_erfc(z_departement) AS t_departement, t_erfc(z_region) AS t_region, t_erfc(z_france) AS t_france
    FROM c
)
SELECT
    * EXCLUDE (z_departement, z_region, z_france, t_departement, t_region, t_france),
    p_depuis_t(t_departement, z_departement) AS p_departement,
    p_depuis_t(t_region, z_region) AS p_region,
    p_depuis_t(t_france, z_france) AS p_france
FROM t
