/**
 * A bounded cache that evicts the least recently used entries, approximately: a hit only marks
 * the entry as seen (a `Map` reordered on every hit cost ~3 % of a cached answer under load);
 * when the cache is over capacity, the oldest entries go, except those seen since they were last
 * passed over, which get a second chance at the end ("second chance" / CLOCK). Counts hits and
 * misses for the bench.
 */
export interface CacheLru<V> {
  get(cle: string): V | undefined;
  /** True when the key is held; neither counted nor marked (for warming). */
  contient(cle: string): boolean;
  set(cle: string, valeur: V): void;
  /** Removes the entry, only if it still holds `valeur` when given. */
  supprimer(cle: string, valeur?: V): void;
  clear(): void;
  readonly taille: number;
  readonly capacite: number;
  readonly statistiques: { succes: number; echecs: number };
}

export function createCacheLru<V>(capaciteDemandee: number): CacheLru<V> {
  const capacite = Math.max(1, capaciteDemandee);
  const entrees = new Map<string, { valeur: V; vu: boolean }>();
  const statistiques = { succes: 0, echecs: 0 };
  return {
    get(cle) {
      const entree = entrees.get(cle);
      if (entree === undefined) {
        statistiques.echecs += 1;
        return undefined;
      }
      statistiques.succes += 1;
      entree.vu = true;
      return entree.valeur;
    },
    contient(cle) {
      return entrees.has(cle);
    },
    set(cle, valeur) {
      entrees.delete(cle);
      entrees.set(cle, { valeur, vu: false });
      while (entrees.size > capacite) {
        const [premiere, entree] = entrees.entries().next().value!;
        entrees.delete(premiere);
        // seen since last passed over, or the entry just added: to the end, unmarked
        if (entree.vu || premiere === cle) entrees.set(premiere, { valeur: entree.valeur, vu: false });
      }
    },
    supprimer(cle, valeur) {
      if (valeur === undefined || entrees.get(cle)?.valeur === valeur) entrees.delete(cle);
    },
    clear() {
      entrees.clear();
    },
    get taille() {
      return entrees.size;
    },
    capacite,
    statistiques,
  };
}
