/**
 * CSV exports of the API, for French spreadsheets: UTF-8 with a BOM, `;` separator, CRLF line
 * ends, decimal comma. Numbers keep their full precision (JavaScript's shortest round-trip
 * writing, `.` → `,`, no thousands separator, exponent for very small or large numbers, as
 * `1,5e-7`): the CSV holds exactly the JSON's numbers; coded columns (statut, comparisons,
 * reliability, origin, approximation) are worded in French (valeurs.ts). Text cells starting with `=`, `+`, `-`
 * or `@` get a leading apostrophe so a spreadsheet never runs them as formulas.
 */

export interface ColonneCsv<T> {
  entete: string;
  valeur: (ligne: T) => string | number | boolean | null | undefined;
}

export const BOM = '\uFEFF';
export const TYPE_CSV = 'text/csv; charset=utf-8';

export function nombreCsv(n: number): string {
  return Number.isFinite(n) ? String(n).replace('.', ',') : '';
}

function cellule(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return nombreCsv(v);
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  const texte = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[;"\r\n]/.test(texte) ? `"${texte.replace(/"/g, '""')}"` : texte;
}

/** The whole CSV file, BOM included. */
export function versCsv<T>(colonnes: ReadonlyArray<ColonneCsv<T>>, lignes: Iterable<T>): string {
  const sortie = [colonnes.map((c) => cellule(c.entete)).join(';')];
  for (const l of lignes) sortie.push(colonnes.map((c) => cellule(c.valeur(l))).join(';'));
  return BOM + sortie.join('\r\n') + '\r\n';
}
