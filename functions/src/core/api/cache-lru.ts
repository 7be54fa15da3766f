/**
 * A bounded cache that evicts the least recently used entries, approximately: a hit only marks
 * the entry as seen (a `Map` reordered on every hit cost ~3 % of a cached answer under load);
 * when the cache is over capacity, the oldest entries go, except those seen since they were last
 * passed over, which get a second chance at the end ("second chance" / CLOCK). Counts hits and
 * misses for the bench.
 *
 * Capacity is a number of entries, or, when `poids` is given, a total weight (bytes, say): an
 * entry heavier than the whole capacity is then not kept at all.
 */
export interface CacheLru<V> {
  get(cle: string): V | undefined;
  /** True when the key is held; neither counted nor marked (for warming). */
  contient(cle: string): boolean;
  set(cle: string, valeur: V): void;
  /** Removes the entry, only if it still holds `valeur` when given. */
  supprimer(cle: string, valeur?: V): void;
  clear(): void;
  /** Entries held. */
  readonly taille: number;
  /** Total weight of the entries held (their number without `poids`). */
  readonly charge: number;
  readonly capacite: number;
  readonly statistiques: { succes: number; echecs: number };
}

export function createCacheLru<V>(capaciteDemandee: number, poids: (valeur: V) => number = () => 1): CacheLru<V> {
  const capacite = Math.max(1, capaciteDemandee);
  const entrees = new Map<string, { valeur: V; vu: boolean; poids: number }>();
  const statistiques = { succes: 0, echecs: 0 };
  let charge = 0;
  const retirer = (cle: string) => {
    const entree = entrees.get(cle);
    if (entree === undefined) return;
    entrees.delete(cle);
    charge -= entree.poids;
  };
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
      retirer(cle);
      const p = Math.max(0, poids(valeur));
      // heavier than the whole cache, or no weight at all: never kept (it would evict
      // everything, then itself; a NaN would stop eviction)
      if (!Number.isFinite(p) || p > capacite) return;
      entrees.set(cle, { valeur, vu: false, poids: p });
      charge += p;
      // ends: every pass removes an entry or unmarks one, and the new entry alone fits
      while (charge > capacite) {
        const [premiere, entree] = entrees.entries().next().value!;
        retirer(premiere);
        // seen since last passed over, or the entry just added: to the end, unmarked
        if (entree.vu || premiere === cle) {
          entrees.set(premiere, { ...entree, vu: false });
          charge += entree.poids;
        }
      }
    },
    supprimer(cle, valeur) {
      if (valeur === undefined || entrees.get(cle)?.valeur === valeur) retirer(cle);
    },
    clear() {
      entrees.clear();
      charge = 0;
    },
    get taille() {
      return entrees.size;
    },
    get charge() {
      return charge;
    },
    capacite,
    statistiques,
  };
}
