-- Territories of the engine and the communes each holds (inputs: t = territories mart,
-- ref_communes, populations, cls_source = CLS registry versions with members as communes or EPCI).
-- A CLS has one territory per perimeter version ('<id>.v<n>') and one for its latest version ('<id>').
CREATE OR REPLACE TEMP TABLE cls_communes AS
WITH membres AS (
    -- members given as communes
    SELECT c.code_cls, c.version, c.libelle, r.code AS code_commune
    FROM cls_source AS c
    JOIN ref_communes AS r ON r.code = c.code_membre
    WHERE c.type_membre = 'commune'
    UNION
    -- members given as EPCI: their communes in the current geography
    SELECT c.code_cls, c.version, c.libelle, r.code
    FROM cls_source AS c
    JOIN ref_communes AS r ON r.code_epci = c.code_membre
    WHERE c.type_membre = 'epci'
),
derniere AS (
    SELECT code_cls, max(version) AS version
    FROM cls_source
    GROUP BY code_cls
)
SELECT m.code_cls || '.v' || m.version AS code, m.libelle || ' (périmètre ' || m.version || ')' AS libelle, m.code_commune
FROM membres AS m
UNION ALL
SELECT m.code_cls, m.libelle, m.code_commune
FROM membres AS m
JOIN derniere AS d USING (code_cls, version);

CREATE OR REPLACE TEMP TABLE appartenance AS
SELECT code AS code_commune, 'commune' AS niveau, code FROM ref_communes
UNION ALL
SELECT code, 'epci', code_epci FROM ref_communes WHERE code_epci IS NOT NULL
UNION ALL
SELECT code, 'departement', code_departement FROM ref_communes
UNION ALL
SELECT code, 'region', code_region FROM ref_communes
UNION ALL
SELECT code, 'france', 'FR' FROM ref_communes
UNION ALL
SELECT code_commune, 'cls', code FROM cls_communes;

CREATE OR REPLACE TEMP TABLE appartenance_dep AS
SELECT code AS code_departement, 'departement' AS niveau, code FROM ref_departements
UNION ALL
SELECT code, 'region', code_region FROM ref_departements
UNION ALL
SELECT code, 'france', 'FR' FROM ref_departements;

CREATE OR REPLACE TEMP TABLE populations_territoires AS
SELECT a.niveau, a.code, sum(p.pmun) AS population
FROM populations AS p
JOIN appartenance AS a USING (code_commune)
GROUP BY ALL
UNION ALL
-- codes outside the current COG count in their département and above
SELECT a.niveau, a.code, sum(p.pmun)
FROM populations AS p
JOIN appartenance_dep AS a USING (code_departement)
WHERE p.code_commune IS NULL
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE populations_territoires AS
SELECT niveau, code, sum(population) AS population FROM populations_territoires GROUP BY ALL;

-- The département and région each territory is compared with: a CLS's are those holding most
-- of its population (then the lowest code).
CREATE OR REPLACE TEMP TABLE references_territoires AS
SELECT niveau, code, code_departement, code_region FROM t
UNION ALL
SELECT 'cls', code, code_departement, code_region
FROM (
    SELECT
        c.code,
        r.code_departement,
        r.code_region,
        row_number() OVER (PARTITION BY c.code ORDER BY sum(coalesce(p.pmun, 0)) DESC, r.code_departement) AS rang
    FROM cls_communes AS c
    JOIN ref_communes AS r ON r.code = c.code_commune
    LEFT JOIN populations AS p ON p.code_commune = c.code_commune
    GROUP BY c.code, r.code_departement, r.code_region
)
WHERE rang = 1;

CREATE OR REPLACE TEMP TABLE territoires_connus AS
SELECT niveau, code, libelle FROM t
UNION ALL
SELECT DISTINCT 'cls', code, libelle FROM cls_communes;
