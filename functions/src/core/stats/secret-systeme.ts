/**
 * System-wide secrecy check (methods.md §9, ADR 0013 revision 3): whether a masked count can be
 * recovered exactly from everything published together, not only from one territory or one pair
 * of nested territories at a time.
 *
 * The unknowns are the masked counts (and the counts no commune row shows, such as a split
 * commune's kept at département level); each published total, minus the published counts it
 * holds, is one equation: the sum of its unknowns. An unknown j is determined by linear
 * combinations of the equations exactly when the unit vector e_j lies in the row space of the
 * equations' matrix — equivalently, when every solution of the homogeneous system has x_j = 0.
 *
 * The test: sparse Gaussian elimination to echelon form modulo a prime, then random vectors of
 * the null space by back-substitution (free unknowns drawn at random). An unknown that is 0 in
 * every such vector is determined. Working modulo a prime keeps the arithmetic exact (no rounding,
 * no growth of fractions): the only error it can make is to find a determined unknown free when
 * the prime divides a minor of the matrix, or a free unknown determined when a random vector
 * vanishes by chance there (probability 1/p each). Two primes and two vectors per prime: an
 * unknown is free only if both primes find it so, and determined only if all vectors vanish.
 */

/** Primes under 2^26: a product of two residues stays under 2^52, exact in a double. */
const PREMIERS = [67108859, 67108837] as const;
const VECTEURS_PAR_PREMIER = 2;
/** The prime of the certificates (coefficients are residues modulo it: « not 0 » is what counts). */
export const CERTIFICAT_MODULO = PREMIERS[0];

/** A linear system of published totals over masked counts: each equation sums some unknowns. */
export interface SystemeSecret {
  /** Number of unknowns, numbered 0 … n − 1. */
  inconnues: number;
  /** Each published total as the list of the unknowns it holds (each with coefficient 1). */
  equations: ReadonlyArray<ReadonlyArray<number>>;
}

function puissance(base: number, exposant: number, p: number): number {
  let r = 1;
  let b = base % p;
  let e = exposant;
  while (e > 0) {
    if (e & 1) r = (r * b) % p;
    b = (b * b) % p;
    e = Math.floor(e / 2);
  }
  return r;
}

const inverse = (a: number, p: number) => puissance(a, p - 2, p);

/** Deterministic generator (mulberry32): the same system gives the same answer on every run. */
function generateur(graine: number): () => number {
  let a = graine >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LignePivot {
  pivot: number;
  ligne: Map<number, number>;
  /** The row as a combination of the equations (index → coefficient), when kept. */
  combinaison: Map<number, number> | null;
}

/** a − f·b, in place on a, modulo p. */
function retrancher(a: Map<number, number>, b: ReadonlyMap<number, number>, f: number, p: number): void {
  for (const [j, v] of b) {
    const r = (((a.get(j) ?? 0) - ((f * v) % p)) % p + p) % p;
    if (r === 0) a.delete(j);
    else a.set(j, r);
  }
}

/**
 * Reduces `ligne` by the pivot rows, the earliest first (a row made later holds no pivot of a row
 * made before it, so each pivot is eliminated once); `combinaison` follows the same steps.
 */
function reduire(ligne: Map<number, number>, combinaison: Map<number, number> | null, lignes: readonly LignePivot[], rangDuPivot: ReadonlyMap<number, number>, p: number): void {
  // the ranks of the pivots the row holds, in a min-heap: a subtraction only adds pivots of later
  // rows, pushed as they appear (a rank may be pushed twice; it is skipped once eliminated)
  const tas: number[] = [];
  const pousser = (r: number) => {
    let i = tas.push(r) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (tas[parent]! <= r) break;
      tas[i] = tas[parent]!;
      i = parent;
    }
    tas[i] = r;
  };
  const retirer = (): number => {
    const haut = tas[0]!;
    const dernier = tas.pop()!;
    if (tas.length > 0) {
      let i = 0;
      for (;;) {
        const g = 2 * i + 1;
        if (g >= tas.length) break;
        const e = g + 1 < tas.length && tas[g + 1]! < tas[g]! ? g + 1 : g;
        if (tas[e]! >= dernier) break;
        tas[i] = tas[e]!;
        i = e;
      }
      tas[i] = dernier;
    }
    return haut;
  };
  for (const j of ligne.keys()) {
    const r = rangDuPivot.get(j);
    if (r !== undefined) pousser(r);
  }
  while (tas.length > 0) {
    const source = lignes[retirer()]!;
    const a = ligne.get(source.pivot);
    if (a === undefined) continue;
    const facteur = (a * inverse(source.ligne.get(source.pivot)!, p)) % p;
    for (const [j, v] of source.ligne) {
      const avant = ligne.get(j);
      const apres = (((avant ?? 0) - ((facteur * v) % p)) % p + p) % p;
      if (apres === 0) ligne.delete(j);
      else {
        ligne.set(j, apres);
        if (avant === undefined && j !== source.pivot) {
          const r = rangDuPivot.get(j);
          if (r !== undefined) pousser(r);
        }
      }
    }
    if (combinaison && source.combinaison) retrancher(combinaison, source.combinaison, facteur, p);
  }
}

/**
 * Echelon form modulo p: the pivot rows in the order they were made, each with its pivot; with
 * `garderCombinaisons`, each row as a combination of the equations, and the combinations of the
 * equations that vanish (the dependencies among published totals, such as France minus its
 * régions over the masked counts).
 */
function echelonner(
  systeme: SystemeSecret,
  p: number,
  garderCombinaisons: boolean,
): { lignes: LignePivot[]; rangDuPivot: Map<number, number>; dependances: Array<Map<number, number>> } {
  // unknowns in few equations first as pivots: less fill-in
  const frequence = new Int32Array(systeme.inconnues);
  for (const e of systeme.equations) for (const j of e) frequence[j]! += 1;
  const lignes: LignePivot[] = [];
  const rangDuPivot = new Map<number, number>();
  const dependances: Array<Map<number, number>> = [];
  for (const [i, equation] of systeme.equations.entries()) {
    const ligne = new Map<number, number>();
    for (const j of equation) ligne.set(j, ((ligne.get(j) ?? 0) + 1) % p);
    for (const [j, a] of ligne) if (a === 0) ligne.delete(j);
    const combinaison = garderCombinaisons ? new Map([[i, 1]]) : null;
    reduire(ligne, combinaison, lignes, rangDuPivot, p);
    if (ligne.size === 0) {
      if (combinaison) dependances.push(combinaison);
      continue;
    }
    let pivot = -1;
    for (const j of ligne.keys()) if (pivot < 0 || frequence[j]! < frequence[pivot]! || (frequence[j] === frequence[pivot] && j < pivot)) pivot = j;
    rangDuPivot.set(pivot, lignes.length);
    lignes.push({ pivot, ligne, combinaison });
  }
  return { lignes, rangDuPivot, dependances };
}

function verifier(systeme: SystemeSecret): void {
  const n = systeme.inconnues;
  for (const [i, e] of systeme.equations.entries()) {
    for (const j of e) if (!Number.isInteger(j) || j < 0 || j >= n) throw new RangeError(`équation ${i} : inconnue ${j} hors de 0 … ${n - 1}`);
  }
}

/**
 * Which unknowns the published totals determine exactly, whatever the values: `true` at j when
 * some linear combination of the equations is e_j. The rank of the system decides it, not the
 * numbers, so the answer holds for any right-hand side.
 */
export function inconnuesDeterminees(systeme: SystemeSecret): boolean[] {
  verifier(systeme);
  const n = systeme.inconnues;
  const libre = PREMIERS.map(() => new Uint8Array(n));
  for (const [k, p] of PREMIERS.entries()) {
    const { lignes } = echelonner(systeme, p, false);
    const estPivot = new Uint8Array(n);
    for (const l of lignes) estPivot[l.pivot] = 1;
    const aleatoire = generateur(0x5ec7e7 + k);
    for (let v = 0; v < VECTEURS_PAR_PREMIER; v++) {
      const x = new Float64Array(n);
      for (let j = 0; j < n; j++) if (!estPivot[j]) x[j] = 1 + Math.floor(aleatoire() * (p - 1));
      // back-substitution, the rows made last first (they hold no earlier pivot)
      for (let r = lignes.length - 1; r >= 0; r--) {
        const { pivot, ligne } = lignes[r]!;
        let somme = 0;
        for (const [j, a] of ligne) if (j !== pivot) somme = (somme + a * x[j]!) % p;
        x[pivot] = (((p - somme) % p) * inverse(ligne.get(pivot)!, p)) % p;
      }
      for (let j = 0; j < n; j++) if (x[j] !== 0) libre[k]![j] = 1;
    }
  }
  return Array.from({ length: n }, (_, j) => !libre.every((l) => l[j] === 1));
}

/** What recovers each unknown asked, and what any mask must respect (see `certificats`). */
export interface Certificats {
  /**
   * Per unknown asked, a combination of equations that gives it back (equation index →
   * coefficient modulo `CERTIFICAT_MODULO`), or `null` when none does.
   */
  certificats: Map<number, Map<number, number> | null>;
  /**
   * Per group of unknowns asked, a combination giving the sum of the group back, or `null`: masked
   * communes in exactly the same published totals are seen by the system only through their sum;
   * a determined sum S of k counts, each at least 1, leaves each at most S − k + 1.
   */
  sommes: Array<Map<number, number> | null>;
  /**
   * A basis of the dependencies among the equations: combinations that vanish over the unknowns.
   * A certificate plus any of them is a certificate too.
   */
  dependances: Array<Map<number, number>>;
}

/**
 * The proof of each recovery, and what a new mask must break. Masking a commune u adds it to every
 * total holding it: a combination y giving c back then gives c + u·Σ(y over u's totals). The mask
 * frees c exactly when that sum is not 0 for every certificate y — for the one given, and for it
 * plus any dependency: the given sum is not 0 and every dependency sums to 0 over u's totals (else
 * the new column breaks the dependency, adds to the rank, and c stays determined). Masking a total
 * i (dropping equation i) frees c exactly when every certificate uses it: y_i ≠ 0 and no
 * dependency holds equation i.
 */
export function certificats(systeme: SystemeSecret, demandees: readonly number[], groupes: ReadonlyArray<readonly number[]> = []): Certificats {
  verifier(systeme);
  const p = CERTIFICAT_MODULO;
  const { lignes, rangDuPivot, dependances } = echelonner(systeme, p, true);
  /** The combination of equations giving Σ_{j ∈ termes} x_j back, or null when none does. */
  const prouver = (termes: readonly number[]) => {
    const ligne = new Map<number, number>();
    for (const j of termes) {
      if (!Number.isInteger(j) || j < 0 || j >= systeme.inconnues) throw new RangeError(`inconnue ${j} hors de 0 … ${systeme.inconnues - 1}`);
      ligne.set(j, ((ligne.get(j) ?? 0) + 1) % p);
    }
    // the vector minus multiples of the pivot rows: what is taken off is the combination, negated
    const combinaison = new Map<number, number>();
    reduire(ligne, combinaison, lignes, rangDuPivot, p);
    return ligne.size === 0 ? new Map([...combinaison].map(([i, a]) => [i, (p - a) % p])) : null;
  };
  const r = new Map<number, Map<number, number> | null>();
  for (const j of demandees) r.set(j, prouver([j]));
  return { certificats: r, sommes: groupes.map(prouver), dependances };
}

/**
 * Unknowns a single total narrows down to fewer than `valeursMin` possible values through their
 * bounds (the other way to recover a count, exactly or nearly): an equation with right-hand side r
 * over free unknowns L bounds each j of L by r − Σ_{k ∈ L, k ≠ j} lb_k — two masked counts, each at
 * least 1 since 0 is shown, adding up to 2 are both 1; adding up to 3, each is 1 or 2. Unknowns
 * `determinees` (linearly, with their `valeurs`) are known to whoever solves the system: they are
 * taken off first (a département total minus a determined count of 50 may leave two counts adding
 * up to 3). Gives, for each unknown, the first equation that narrows it so, or `null`. Only single
 * equations are looked at (with the determined unknowns taken off): a combination of several
 * that narrows without any of them doing so needs a linear program, which this is not.
 */
export function inconnuesEncadrees(
  systeme: SystemeSecret,
  secondsMembres: readonly number[],
  bornesInferieures: readonly number[],
  options: { determinees?: readonly boolean[]; valeurs?: readonly number[]; valeursMin?: number } = {},
): Array<number | null> {
  verifier(systeme);
  const nombres = (nom: string, v: readonly number[], n: number) => {
    if (v.length !== n) throw new RangeError(`${nom} : ${n} nombres attendus, ${v.length} reçus`);
    const i = v.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw new RangeError(`${nom}[${i}] : nombre fini attendu`);
  };
  nombres('secondsMembres', secondsMembres, systeme.equations.length);
  nombres('bornesInferieures', bornesInferieures, systeme.inconnues);
  if (options.determinees) nombres('valeurs', options.valeurs ?? [], systeme.inconnues);
  const determinees = options.determinees ?? [];
  const valeurs = options.valeurs ?? [];
  const valeursMin = options.valeursMin ?? 2;
  const a = new Array<number | null>(systeme.inconnues).fill(null);
  for (const [i, e] of systeme.equations.entries()) {
    let reste = secondsMembres[i]!;
    let minimum = 0;
    const libres: number[] = [];
    for (const j of e) {
      if (determinees[j]) reste -= valeurs[j]!;
      else {
        minimum += bornesInferieures[j]!;
        libres.push(j);
      }
    }
    // each free unknown: from its lower bound up to reste − (minimum − its own bound)
    if (libres.length > 0 && reste - minimum + 1 < valeursMin) for (const j of libres) a[j] ??= i;
  }
  return a;
}
