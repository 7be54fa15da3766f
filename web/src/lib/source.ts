/**
 * Wording of a value's provenance ("Source : …"), built only from the API's `source` object so
 * that every value on screen carries its producer, source, millésime and geography.
 */
import type { SourceValeur } from '@sante-territoires/functions/core/model/api-types.ts';

const MOIS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

/** `'2026-01-01'` → `1er janvier 2026` (French ordinal for the first day). Null if not an ISO date. */
export function formatDateLongue(iso: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  const jour = Number(m[3]);
  const mois = MOIS[Number(m[2]) - 1];
  if (!mois || jour < 1 || jour > 31) return null;
  return `${jour === 1 ? '1er' : String(jour)} ${mois} ${m[1]}`;
}

/**
 * `Insee, Recensement de la population, populations légales, millésime 2023
 * (en vigueur au 1er janvier 2026), géographie COG 2026` — without the leading "Source : ".
 */
export function libelleSource(source: SourceValeur): string {
  const date = source.enVigueurDepuis ? formatDateLongue(source.enVigueurDepuis) : null;
  const millesime = `millésime ${source.millesime}${date ? ` (en vigueur au ${date})` : ''}`;
  return [source.producteur, source.source, millesime, `géographie ${source.geographie}`]
    .filter((part) => part.trim() !== '')
    .join(', ');
}
