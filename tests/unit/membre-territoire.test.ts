import { describe, expect, it } from 'vitest';
import { avecMembreTerritoire } from '../../functions/src/core/sql/membre-territoire.ts';

// The one definition of « the communes of a territory » inlined into the queries that need it.
describe('avecMembreTerritoire', () => {
  it('inlines the membership test, with the query of a CLS perimeter’s communes, without comments', () => {
    const sql = avecMembreTerritoire('SELECT * FROM territoires AS t WHERE {{membre_territoire}}', 'SELECT c FROM p WHERE k = $code');
    expect(sql).toContain("WHEN 'epci' THEN t.code_epci = $code");
    expect(sql).toContain("WHEN 'cls' THEN t.code IN (SELECT c FROM p WHERE k = $code)");
    expect(sql).not.toContain('--');
    expect(sql).not.toContain('{{');
    // the API's default: the perimeters table
    expect(avecMembreTerritoire('{{membre_territoire}}')).toContain('SELECT code_commune FROM perimetres_cls WHERE code = $code');
  });

  it('copies `$` sequences as written (never read as replacement patterns)', () => {
    expect(avecMembreTerritoire('{{membre_territoire}}', "SELECT '$&$1$$'")).toContain("IN (SELECT '$&$1$$')");
  });

  it('refuses a query without the placeholder', () => {
    expect(() => avecMembreTerritoire('SELECT 1')).toThrow('Requête sans {{membre_territoire}}');
  });
});
