/**
 * Territory levels and codes. Browser-safe: no Node import. Codes are always strings
 * (`'01'`, `'2A'`, `'971'`, EPCI SIREN `'200000172'`); they are never parsed as numbers.
 */

export const NIVEAUX = ['commune', 'epci', 'departement', 'region', 'france', 'cls'] as const;
export type Niveau = (typeof NIVEAUX)[number];

/** French labels for the UI. */
export const LIBELLES_NIVEAUX: Readonly<Record<Niveau, string>> = {
  commune: 'Commune',
  epci: 'EPCI',
  departement: 'Département',
  region: 'Région',
  france: 'France',
  cls: 'CLS',
};

/** Long labels, where the short one is an acronym. */
export const INTITULES_NIVEAUX: Readonly<Record<Niveau, string>> = {
  ...LIBELLES_NIVEAUX,
  epci: 'Établissement public de coopération intercommunale',
  cls: 'Contrat local de santé',
};

export const CODE_FRANCE = 'FR';

const CODE_PATTERNS: Readonly<Record<Niveau, RegExp>> = {
  // 5 characters: 2 digits or 2A/2B, then 3 digits; overseas 97x + 2 digits.
  commune: /^(?:\d{5}|2[AB]\d{3})$/,
  // EPCI SIREN: 9 digits.
  epci: /^\d{9}$/,
  // 2 digits (01..95), 2A/2B, or 3 digits for overseas (971..989).
  departement: /^(?:\d{2}|2[AB]|9[78]\d)$/,
  // 2 digits (01..94) or 3 digits for the collectivités d'outre-mer (975..989).
  region: /^(?:\d{2}|9[78]\d)$/,
  france: /^FR$/,
  // CLS perimeter: `CLS-78-VGP` (latest perimeter) or `CLS-78-VGP.v1` (one version of it).
  cls: /^[A-Z0-9][A-Z0-9-]{1,39}(?:\.v[0-9]{1,3})?$/,
};

export function isNiveau(value: unknown): value is Niveau {
  return typeof value === 'string' && (NIVEAUX as readonly string[]).includes(value);
}

/** True when `code` has the shape of a code of `niveau` (it may still not exist). */
export function isCodeValide(niveau: Niveau, code: unknown): code is string {
  return typeof code === 'string' && CODE_PATTERNS[niveau].test(code);
}

/** Département of a commune code: first two characters, three for 97x/98x overseas codes. */
export function departementDeCommune(codeCommune: string): string {
  return codeCommune.startsWith('97') || codeCommune.startsWith('98') ? codeCommune.slice(0, 3) : codeCommune.slice(0, 2);
}

/**
 * Normalises a search text: lower case, no diacritics, apostrophes/hyphens/spaces collapsed.
 * Used identically by the SQL search (the same rule is written in SQL) and the UI.
 */
export function normaliserRecherche(texte: string): string {
  return texte
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/['\u2018\u2019\u02bc`\u00b4\-\u2010-\u2015_.,;:/()\[\]"\u00ab\u00bb]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
