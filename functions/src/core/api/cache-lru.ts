/**
 * A bounded least-recently-used cache (a `Map` keeps insertion order: a hit is moved to the end,
 * the first key is the least recently used). Counts hits and misses for the bench.
 */
export interface CacheLru<V> {
  get(cle: string): V | undefined;
  set(cle: string, valeur: V): void;
  /** Removes the entry, only if it still holds `valeur` when given. */
  supprimer(cle: string, valeur?: V): void;
  clear(): void;
  readonly taille: number;
  readonly statistiques: { succes: number; echecs: number };
}

export function createCacheLru<V>(capacite: number): CacheLru<V> {
  const entrees = new Map<string, V>();
  const statistiques = { succes: 0, echecs: 0 };
  return {
    get(cle) {
      const valeur = entrees.get(cle);
      if (valeur === undefined) {
        statistiques.echecs += 1;
        return undefined;
      }
      statistiques.succes += 1;
      entrees.delete(cle);
      entrees.set(cle, valeur);
      return valeur;
    },
    set(cle, valeur) {
      entrees.delete(cle);
      entrees.set(cle, valeur);
      while (entrees.size > capacite) entrees.delete(entrees.keys().next().value!);
    },
    supprimer(cle, valeur) {
      if (valeur === undefined || entrees.get(cle) === valeur) entrees.delete(cle);
    },
    clear() {
      entrees.clear();
    },
    get taille() {
      return entrees.size;
    },
    statistiques,
  };
}
