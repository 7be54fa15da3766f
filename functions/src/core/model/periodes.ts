/**
 * Periods of indicator values: a year (`2021`) or a span of years (`2013-2018`). Browser-safe.
 * They are ordered by their last year, then their first year: `2013-2018` < `2019` < `2015-2020`
 * < `2020`, so "the latest period" is the one that ends last.
 */

const RE_ANNEES = /\d{4}/g;

function bornes(periode: string): [number, number] {
  const annees = periode.match(RE_ANNEES)?.map(Number) ?? [];
  if (annees.length === 0) return [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  return [annees[annees.length - 1]!, annees[0]!];
}

/** Comparator for `Array.prototype.sort`: oldest period first. */
export function comparerPeriodes(a: string, b: string): number {
  const [finA, debutA] = bornes(a);
  const [finB, debutB] = bornes(b);
  if (finA !== finB) return finA < finB ? -1 : 1;
  if (debutA !== debutB) return debutA < debutB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The latest of `periodes` (see `comparerPeriodes`), or null when there is none. */
export function dernierePeriode(periodes: readonly string[]): string | null {
  let derniere: string | null = null;
  for (const p of periodes) if (derniere === null || comparerPeriodes(p, derniere) > 0) derniere = p;
  return derniere;
}
