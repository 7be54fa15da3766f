import { FormatInconnuError } from '../errors.ts';
import type { EntreeSource, SourceAdapter } from './adapter.ts';
import { estZip } from './lecture/zip.ts';
import { cogMouvements } from './cog-mouvements/adapter.ts';
import { filosofiDisp } from './filosofi-disp/adapter.ts';
import { ADAPTATEURS_MESURES } from './groupe-mesures.ts';
import { ADAPTATEURS_REFERENTIELS } from './groupe-referentiels.ts';
import { populationsLegales } from './populations-legales/adapter.ts';
import { registreCls } from './registre-cls/adapter.ts';

/** Every known upstream format. Detection is by content, never by file name. */
export const ADAPTATEURS: readonly SourceAdapter[] = [populationsLegales, cogMouvements, filosofiDisp, ...ADAPTATEURS_MESURES, ...ADAPTATEURS_REFERENTIELS, registreCls];

export function detecterFormat(entree: EntreeSource): SourceAdapter {
  const fichier = entree.fichier;
  const matches = ADAPTATEURS.filter((a) => a.reconnaitre(entree));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new Error(`Détection ambiguë pour ${fichier} : ${matches.map((m) => m.id).join(', ')}`);
  // Nothing recognised it: if it is not even readable text, say that (binary, encoding…).
  if (entree.premieresLignes(1).length === 0 && !estZip(entree.bytes)) entree.texte();
  throw new FormatInconnuError(fichier, ADAPTATEURS.map((a) => `${a.id} (${a.libelle})`));
}

export function adaptateurParId(id: string): SourceAdapter | undefined {
  return ADAPTATEURS.find((a) => a.id === id);
}
