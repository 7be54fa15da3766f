/**
 * Calendar dates written `AAAA-MM-JJ` (ISO 8601, no time, no time zone). Browser-safe.
 */

const RE_DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `texte` is a real calendar date `AAAA-MM-JJ` (`2023-02-29` is not; `2024-02-29` is). */
export function estDateIso(texte: string): boolean {
  const m = RE_DATE_ISO.exec(texte);
  if (!m) return false;
  const [annee, mois, jour] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (annee < 1 || mois < 1 || mois > 12 || jour < 1) return false;
  // Day 0 of the next month is the last day of this one (UTC: no daylight-saving shift).
  return jour <= new Date(Date.UTC(annee, mois, 0)).getUTCDate();
}
