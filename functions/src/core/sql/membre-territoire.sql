-- Whether the commune row `t` of the territories mart belongs to the territory ($niveau, $code):
-- by the parents the mart gives it; a CLS perimeter by its communes ({{communes_cls}}: a query
-- of them, from the perimeters mart, empty in older lakes).
CASE $niveau
    WHEN 'commune' THEN t.code = $code
    WHEN 'epci' THEN t.code_epci = $code
    WHEN 'departement' THEN t.code_departement = $code
    WHEN 'region' THEN t.code_region = $code
    WHEN 'france' THEN TRUE
    WHEN 'cls' THEN t.code IN ({{communes_cls}})
    ELSE FALSE
END
