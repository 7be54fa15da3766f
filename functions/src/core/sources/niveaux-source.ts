import { SourceSchemaError } from '../errors.ts';
import { chargerReferentiel } from '../geographie/referentiel.ts';
import { normaliserRecherche } from '../model/niveaux.ts';
import type { NiveauSource } from './mesures.ts';

/**
 * Infers the geographic level of a file from its codes and labels (INSEE files do not say it):
 * 5 characters → commune (or PLM arrondissement), 9 digits → EPCI, `1`/`FM` "France
 * métropolitaine", 2–3 characters → département or région, told apart by their labels
 * (`02` is Aisne as a département and Martinique as a région).
 */
const ARRONDISSEMENTS_PLM = /^(?:751(?:0[1-9]|1\d|20)|6938[1-9]|132(?:0[1-9]|1[0-6]))$/;

export function niveauDuCode(code: string): 'commune' | 'arrondissement-municipal' | 'epci' | 'court' | null {
  if (ARRONDISSEMENTS_PLM.test(code)) return 'arrondissement-municipal';
  if (/^(?:\d{5}|2[AB]\d{3})$/.test(code)) return 'commune';
  if (/^\d{9}$/.test(code)) return 'epci';
  if (/^(?:\d{2}|2[AB]|9[78]\d)$/.test(code)) return 'court';
  return null;
}

/** Decides département vs région for a file of short codes, from the labels it gives. */
export function niveauDesCodesCourts(lignes: Array<{ code: string; libelle: string; ligne: number }>, fichier: string): 'departement' | 'region' {
  const ref = chargerReferentiel();
  const deps = new Map(ref.departements.map((d) => [d.code, normaliserRecherche(d.libelle)]));
  const regs = new Map(ref.regions.map((r) => [r.code, normaliserRecherche(r.libelle)]));
  let dep = 0;
  let reg = 0;
  for (const l of lignes) {
    const lib = normaliserRecherche(l.libelle);
    if (deps.get(l.code) === lib) dep += 1;
    if (regs.get(l.code) === lib) reg += 1;
  }
  if (dep === 0 && reg === 0 && lignes.length > 0) {
    const l = lignes[0]!;
    throw new SourceSchemaError({ fichier, ligne: l.ligne, colonne: 'LIBGEO' }, `ni département ni région : « ${l.code} ${l.libelle} » ne correspond à aucun libellé du COG`);
  }
  return reg > dep ? 'region' : 'departement';
}

export function estFranceMetropolitaine(code: string, libelle: string): boolean {
  return (code === '1' || code === 'FM' || code === 'METRO') && /m[ée]tropol/i.test(libelle);
}

export type { NiveauSource };
