/**
 * An attacker of the published health counts, independent of the engine's own check: exact
 * rational Gauss–Jordan elimination (BigInt fractions) over the published totals, which gives
 * back every masked count some combination of totals determines, with its value. Small systems
 * only (tests).
 */

type Fraction = [bigint, bigint];
const pgcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : pgcd(b, a % b));
function reduire([n, d]: Fraction): Fraction {
  if (n === 0n) return [0n, 1n];
  const g = pgcd(n, d);
  const s = d < 0n ? -1n : 1n;
  return [(s * n) / g, (s * d) / g];
}
const moins = (a: Fraction, b: Fraction): Fraction => reduire([a[0] * b[1] - b[0] * a[1], a[1] * b[1]]);
const fois = (a: Fraction, b: Fraction): Fraction => reduire([a[0] * b[0], a[1] * b[1]]);
const divise = (a: Fraction, b: Fraction): Fraction => reduire([a[0] * b[1], a[1] * b[0]]);

/** Rows of [coefficients | right-hand side] in reduced row echelon form, with each row's pivot column. */
function echelonReduit(inconnues: number, equations: ReadonlyArray<{ termes: readonly number[]; total: number }>): Array<{ pivot: number; ligne: Fraction[] }> {
  const m: Fraction[][] = equations.map((e) => {
    const l: Fraction[] = Array.from({ length: inconnues + 1 }, () => [0n, 1n] as Fraction);
    for (const j of e.termes) l[j] = [l[j]![0] + 1n, 1n];
    l[inconnues] = [BigInt(e.total), 1n];
    return l;
  });
  const colonnes: number[] = [];
  let r = 0;
  for (let c = 0; c < inconnues && r < m.length; c++) {
    const i = m.findIndex((l, k) => k >= r && l[c]![0] !== 0n);
    if (i < 0) continue;
    [m[r], m[i]] = [m[i]!, m[r]!];
    const piv = m[r]![c]!;
    m[r] = m[r]!.map((v) => divise(v, piv));
    for (let k = 0; k < m.length; k++) {
      if (k === r || m[k]![c]![0] === 0n) continue;
      const f = m[k]![c]!;
      m[k] = m[k]!.map((v, j) => moins(v, fois(f, m[r]![j]!)));
    }
    colonnes.push(c);
    r++;
  }
  // (the rows as they end: each later pivot is eliminated from the earlier rows too)
  return colonnes.map((pivot, k) => ({ pivot, ligne: m[k]! }));
}

/**
 * Per unknown determined by the equations (a row of the reduced echelon form with a single
 * non-zero coefficient), its value.
 */
export function resoudreExactement(inconnues: number, equations: ReadonlyArray<{ termes: readonly number[]; total: number }>): Map<number, number> {
  const valeurs = new Map<number, number>();
  for (const { ligne } of echelonReduit(inconnues, equations)) {
    const nz = ligne.slice(0, inconnues).flatMap((v, j) => (v[0] !== 0n ? [j] : []));
    if (nz.length === 1) valeurs.set(nz[0]!, Number(ligne[inconnues]![0]) / Number(ligne[inconnues]![1]));
  }
  return valeurs;
}

/**
 * The attack on a geography: `publies` maps `niveau/code` to the published count (null when
 * masked), `territoires` each territory above the commune to its communes. Returns the masked
 * communes recovered exactly, as `code = value`.
 */
export function attaquer(publies: ReadonlyMap<string, number | null>, territoires: Readonly<Record<string, readonly string[]>>): string[] {
  const masquees = [...publies].flatMap(([cle, n]) => (cle.startsWith('commune/') && n === null ? [cle.slice('commune/'.length)] : []));
  const indice = new Map(masquees.map((c, j) => [c, j]));
  const equations = Object.entries(territoires).flatMap(([t, communes]) => {
    const total = publies.get(t);
    if (total === null || total === undefined) return [];
    const connus = communes.reduce((s, c) => s + (publies.get(`commune/${c}`) ?? 0), 0);
    return [{ termes: communes.flatMap((c) => (indice.has(c) ? [indice.get(c)!] : [])), total: total - connus }];
  });
  return [...resoudreExactement(masquees.length, equations)].map(([j, v]) => `${masquees[j]} = ${v}`).sort();
}

/**
 * The attack with bounds (small geographies only): every integer assignment of the masked
 * communes (each at least 1, since 0 is shown) that gives every published total; the values each
 * masked commune can take. Enumerates the free unknowns of the reduced echelon form only (each
 * from 1 up to what its totals leave), the others following from them.
 */
export function valeursPossibles(
  publies: ReadonlyMap<string, number | null>,
  territoires: Readonly<Record<string, readonly string[]>>,
  /** Stop as soon as each of these communes has this many possible values (the sets are then partial). */
  assez?: { communes: readonly string[]; valeurs: number },
): Map<string, Set<number>> {
  const masquees = [...publies].flatMap(([cle, n]) => (cle.startsWith('commune/') && n === null ? [cle.slice('commune/'.length)] : []));
  const indice = new Map(masquees.map((c, j) => [c, j]));
  const n = masquees.length;
  const equations = Object.entries(territoires).flatMap(([t, communes]) => {
    const total = publies.get(t);
    if (total === null || total === undefined) return [];
    const connus = communes.reduce((s, c) => s + (publies.get(`commune/${c}`) ?? 0), 0);
    return [{ termes: communes.flatMap((c) => (indice.has(c) ? [indice.get(c)!] : [])), total: total - connus }];
  });
  // each unknown is at most what any of its totals leaves once the others are at 1
  const plafond = masquees.map((_, j) => Math.min(...equations.filter((e) => e.termes.includes(j)).map((e) => e.total - (e.termes.length - 1)), Number.MAX_SAFE_INTEGER));
  const lignes = echelonReduit(n, equations).map(({ pivot, ligne }) => ({ pivot, coefs: ligne.map(([a, b]) => Number(a) / Number(b)) }));
  const estPivot = new Set(lignes.map((l) => l.pivot));
  const libres = masquees.map((_, j) => j).filter((j) => !estPivot.has(j));
  if (libres.some((j) => plafond[j]! === Number.MAX_SAFE_INTEGER)) throw new Error('valeursPossibles : une commune masquée n’est dans aucun total publié');
  const possibles = masquees.map(() => new Set<number>());
  const x = new Array<number>(n).fill(0);
  // each pivot row is checked as soon as the last free unknown it depends on is set
  const aVerifier = libres.map(() => [] as typeof lignes);
  const sansLibre: typeof lignes = [];
  for (const l of lignes) {
    const dernier = Math.max(-1, ...libres.flatMap((j, k) => (l.coefs[j] !== 0 ? [k] : [])));
    (dernier < 0 ? sansLibre : aVerifier[dernier]!).push(l);
  }
  const tenir = (ls: typeof lignes) => {
    for (const { pivot, coefs } of ls) {
      let v = coefs[n]!;
      for (const j of libres) v -= coefs[j]! * x[j]!;
      const entier = Math.round(v);
      if (Math.abs(v - entier) > 1e-9 || entier < 1) return false;
      x[pivot] = entier;
    }
    return true;
  };
  if (!tenir(sansLibre)) return new Map(masquees.map((c) => [c, new Set<number>()]));
  const cibles = (assez?.communes ?? []).map((c) => indice.get(c)!);
  let fini = false;
  const essayer = (k: number): void => {
    if (k === libres.length) {
      for (let j = 0; j < n; j++) possibles[j]!.add(x[j]!);
      fini = assez !== undefined && cibles.every((j) => possibles[j]!.size >= assez.valeurs);
      return;
    }
    const j = libres[k]!;
    for (let v = 1; v <= plafond[j]! && !fini; v++) {
      x[j] = v;
      if (tenir(aVerifier[k]!)) essayer(k + 1);
    }
  };
  essayer(0);
  return new Map(masquees.map((c, j) => [c, possibles[j]!]));
}

/** The masked communes with a single possible value (`valeursPossibles`), as `code = value`. */
export function attaquerAvecBornes(publies: ReadonlyMap<string, number | null>, territoires: Readonly<Record<string, readonly string[]>>): string[] {
  return [...valeursPossibles(publies, territoires)].flatMap(([c, v]) => (v.size === 1 ? [`${c} = ${[...v][0]}`] : [])).sort();
}
