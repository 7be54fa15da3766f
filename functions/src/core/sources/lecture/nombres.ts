/**
 * Numbers and secret markers as French public-data files write them. A cell becomes a typed
 * value: a number with `statut: 'ok'`, or `null` with the reason it is absent — never 0.
 */

export type StatutMesure = 'ok' | 'secret' | 'absent' | 'non_disponible';

export type Cellule = { valeur: number; statut: 'ok' } | { valeur: null; statut: Exclude<StatutMesure, 'ok'> } | { erreur: string };

export interface OptionsNombre {
  /** Decimal mark of the file. */
  decimal: ',' | '.';
  /** What an empty cell means in this format. */
  vide: Exclude<StatutMesure, 'ok'>;
}

const RE_SECRET = /^(?:s|secret|c)$/i;
const RE_ND = /^(?:nd|n\.d\.?|n\/d|na|n\/a(?:\s*-.*)?|nc|\.\.?|-)$/i;
const ESPACES = /[\u0020\u00a0\u202f\u2009]/g;

/** Parses one cell. `-0`, `1e5` and `Infinity` are not numbers in these files. */
export function lireCellule(brut: string, options: OptionsNombre): Cellule {
  const t = brut.trim();
  if (t === '') return { valeur: null, statut: options.vide };
  if (RE_SECRET.test(t)) return { valeur: null, statut: 'secret' };
  if (RE_ND.test(t) || /^N\/A\b/i.test(t)) return { valeur: null, statut: 'non_disponible' };
  let s = t.replace(ESPACES, '');
  if (options.decimal === ',') {
    // `1.234,5`: dots are thousands separators only in groups of three.
    if (/^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) s = s.replace(/\./g, '');
    else if (s.includes('.')) return { erreur: `nombre invalide « ${t.slice(0, 30)} » (le séparateur décimal de ce fichier est la virgule)` };
    s = s.replace(',', '.');
  } else {
    if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
    else if (s.includes(',')) return { erreur: `nombre invalide « ${t.slice(0, 30)} » (le séparateur décimal de ce fichier est le point)` };
  }
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return { erreur: `nombre attendu, « ${t.slice(0, 30)} » trouvé` };
  const valeur = Number(s);
  return Number.isFinite(valeur) ? { valeur: valeur === 0 ? 0 : valeur, statut: 'ok' } : { erreur: `nombre hors limites « ${t.slice(0, 30)} »` };
}
