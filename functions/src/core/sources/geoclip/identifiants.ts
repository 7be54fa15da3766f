/**
 * Small helpers shared by the long-format measure adapters (Géoclip, Observatoire des territoires,
 * CépiDc): ASCII kebab-case ids built from French labels, and département code shapes.
 */

/**
 * `Espérance de vie des femmes à 60 ans` → `esperance-de-vie-des-femmes-a-60-ans`;
 * `65 ans ou +` → `65-ans-ou-plus`; `l’appareil` → `l-appareil`. Empty when nothing is left.
 */
export function slugAscii(texte: string): string {
  return texte
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/\+/g, ' plus ')
    .replace(/%/g, ' pourcent ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Départements of the COG since 1976 (2A/2B, no 20) and the five DROM (971–974, 976; 975 is a COM). */
export const RE_CODE_DEPARTEMENT = /^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-46])$/;

/** Régions: the five DROM (01–06 minus 05) and metropolitan codes (two digits, 11–94). */
export const RE_CODE_REGION = /^(?:0[1-46]|[1-9]\d)$/;

/**
 * Département codes as derived files write them: `1` → `01` (leading zero lost by a spreadsheet or
 * a numeric cast), `2a` → `2A`. Anything else is returned unchanged, for the caller to validate.
 */
export function normaliserCodeDepartement(brut: string): string {
  const t = brut.trim().toUpperCase();
  return /^\d$/.test(t) ? `0${t}` : t;
}
