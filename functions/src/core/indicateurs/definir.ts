import { definitionSchema, type DefinitionIndicateurEntree, type Indicateur, type RequeteIndicateur } from './types.ts';

/** Validates a definition when the registry loads: a bad definition fails at start-up, naming the field. */
export function definir(entree: DefinitionIndicateurEntree, requetes: RequeteIndicateur[]): Indicateur {
  const r = definitionSchema.safeParse(entree);
  if (!r.success) {
    const details = r.error.issues.map((i) => `${i.path.join('.') || '(racine)'} : ${i.message}`).join(' ; ');
    throw new Error(`Définition d’indicateur invalide (${String((entree as { id?: unknown }).id)}) — ${details}`);
  }
  if (requetes.length === 0) throw new Error(`Indicateur ${r.data.id} : aucune requête SQL`);
  return { definition: r.data, requetes };
}
