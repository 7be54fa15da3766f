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

/**
 * Rows of [coefficients | right-hand side] in reduced row echelon form; returns, per unknown
 * determined, its value (a row with a single non-zero coefficient).
 */
export function resoudreExactement(inconnues: number, equations: ReadonlyArray<{ termes: readonly number[]; total: number }>): Map<number, number> {
  const m: Fraction[][] = equations.map((e) => {
    const l: Fraction[] = Array.from({ length: inconnues + 1 }, () => [0n, 1n] as Fraction);
    for (const j of e.termes) l[j] = [l[j]![0] + 1n, 1n];
    l[inconnues] = [BigInt(e.total), 1n];
    return l;
  });
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
    r++;
  }
  const valeurs = new Map<number, number>();
  for (const l of m) {
    const nz = l.slice(0, inconnues).flatMap((v, j) => (v[0] !== 0n ? [j] : []));
    if (nz.length === 1) valeurs.set(nz[0]!, Number(l[inconnues]![0]) / Number(l[inconnues]![1]));
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
 * The attack with bounds, by enumeration (tiny geographies only): every assignment of the masked
 * communes (each at least 1, since 0 is shown) that gives every published total; the values each
 * masked commune can take.
 */
export function valeursPossibles(publies: ReadonlyMap<string, number | null>, territoires: Readonly<Record<string, readonly string[]>>): Map<string, Set<number>> {
  const masquees = [...publies].flatMap(([cle, n]) => (cle.startsWith('commune/') && n === null ? [cle.slice('commune/'.length)] : []));
  const equations = Object.entries(territoires).flatMap(([t, communes]) => {
    const total = publies.get(t);
    if (total === null || total === undefined) return [];
    const connus = communes.reduce((s, c) => s + (publies.get(`commune/${c}`) ?? 0), 0);
    return [{ termes: communes.filter((c) => masquees.includes(c)), reste: total - connus }];
  });
  // no total bounds a commune in no published total: it keeps every value from 1 up
  const plafond = Math.max(1, ...equations.map((e) => e.reste));
  const possibles = new Map(masquees.map((c) => [c, new Set<number>()]));
  const valeur = new Map<string, number>();
  const essayer = (k: number): void => {
    for (const e of equations) {
      let somme = 0;
      let manquants = 0;
      for (const c of e.termes) {
        const v = valeur.get(c);
        if (v === undefined) manquants++;
        else somme += v;
      }
      if (somme + manquants > e.reste || (manquants === 0 && somme !== e.reste)) return;
    }
    if (k === masquees.length) {
      for (const [c, v] of valeur) possibles.get(c)!.add(v);
      return;
    }
    for (let v = 1; v <= plafond + 1; v++) {
      valeur.set(masquees[k]!, v);
      essayer(k + 1);
    }
    valeur.delete(masquees[k]!);
  };
  essayer(0);
  return possibles;
}

/** The masked communes with a single possible value (`valeursPossibles`), as `code = value`. */
export function attaquerAvecBornes(publies: ReadonlyMap<string, number | null>, territoires: Readonly<Record<string, readonly string[]>>): string[] {
  return [...valeursPossibles(publies, territoires)].flatMap(([c, v]) => (v.size === 1 ? [`${c} = ${[...v][0]}`] : [])).sort();
}
