import { FormatInconnuError } from '../errors.ts';
import type { SourceAdapter } from './adapter.ts';
import { cogMouvements } from './cog-mouvements/adapter.ts';
import { populationsLegales } from './populations-legales/adapter.ts';

/** Every known upstream format. Detection is by content, never by file name. */
export const ADAPTATEURS: readonly SourceAdapter[] = [populationsLegales, cogMouvements];

export function detecterFormat(premiereLigne: string, fichier: string): SourceAdapter {
  const matches = ADAPTATEURS.filter((a) => a.reconnaitre(premiereLigne));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new Error(`Détection ambiguë pour ${fichier} : ${matches.map((m) => m.id).join(', ')}`);
  throw new FormatInconnuError(fichier, ADAPTATEURS.map((a) => `${a.id} (${a.libelle})`));
}

export function adaptateurParId(id: string): SourceAdapter | undefined {
  return ADAPTATEURS.find((a) => a.id === id);
}
