/**
 * French number formatting for the UI and the CSV exports. Browser-safe.
 * `formatNombre(1234.5, 1)` → `1 234,5` (narrow no-break space as thousands separator, as Intl does).
 */

const cache = new Map<string, Intl.NumberFormat>();

function formatter(minimumFractionDigits: number, maximumFractionDigits: number, style: 'decimal' | 'percent'): Intl.NumberFormat {
  const key = `${minimumFractionDigits}/${maximumFractionDigits}/${style}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('fr-FR', { minimumFractionDigits, maximumFractionDigits, style });
    cache.set(key, f);
  }
  return f;
}

/** A number in French format, or an en dash when the value is absent. */
export function formatNombre(valeur: number | null | undefined, decimales = 0): string {
  if (valeur === null || valeur === undefined || !Number.isFinite(valeur)) return '–';
  return formatter(decimales, decimales, 'decimal').format(valeur);
}

/** A percentage given as a value in [0, 100]: `formatPourcentage(12.345, 1)` → `12,3 %`. */
export function formatPourcentage(valeur: number | null | undefined, decimales = 1): string {
  if (valeur === null || valeur === undefined || !Number.isFinite(valeur)) return '–';
  return formatter(decimales, decimales, 'percent').format(valeur / 100);
}
