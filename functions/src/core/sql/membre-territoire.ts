import fragment from './membre-territoire.sql';

/**
 * `sql` with `{{membre_territoire}}` replaced by the membership test of `membre-territoire.sql`
 * (one definition for every query of « the communes of a territory »); `communesCls` is a query
 * of the communes of CLS perimeter `$code`, a trusted SQL text (by default, from the API's
 * `perimetres_cls` table).
 */
export function avecMembreTerritoire(sql: string, communesCls = 'SELECT code_commune FROM perimetres_cls WHERE code = $code'): string {
  if (!sql.includes('{{membre_territoire}}')) throw new Error('Requête sans {{membre_territoire}}');
  // (replacement functions: a `$` in the SQL is never read as a replacement pattern)
  const test = fragment.replace(/^\s*--.*$/gm, '').trim().replace('{{communes_cls}}', () => communesCls);
  return sql.replaceAll('{{membre_territoire}}', () => test);
}
