import { describe, expect, it } from 'vitest';
import { resoudreExactement } from '../../helpers/attaque-secret.ts';
import { CERTIFICAT_MODULO, certificats, inconnuesDeterminees, inconnuesEncadrees, type SystemeSecret } from '../../../functions/src/core/stats/secret-systeme.ts';

// The system-wide secrecy check (methods.md §9, ADR 0013 revision 3) against an independent
// attacker: exact rational Gauss–Jordan elimination (BigInt fractions), which finds every unknown
// some combination of the published totals gives back.

/** Determined unknowns by exact rational elimination (the values do not matter: totals of 0). */
function determineesExactes(s: SystemeSecret): boolean[] {
  const v = resoudreExactement(s.inconnues, s.equations.map((termes) => ({ termes, total: 0 })));
  return Array.from({ length: s.inconnues }, (_, j) => v.has(j));
}

/** A random system of totals: 1 + `plus` unknowns at most, each in a total with probability `densite`. */
function systemeAleatoire(alea: () => number, minimum: number, plus: number, densite: number): SystemeSecret {
  const n = minimum + Math.floor(alea() * plus);
  const equations = Array.from({ length: Math.floor(alea() * (n + 3)) }, () => Array.from({ length: n }, (_, j) => j).filter(() => alea() < densite));
  return { inconnues: n, equations };
}

/** Small deterministic generator for the random systems. */
function lcg(graine: number): () => number {
  let x = graine;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('inconnuesDeterminees (methods.md §9, system-wide secrecy)', () => {
  it('finds the count a straddling EPCI gives back through the other département’s remainder', () => {
    // unknowns: 0 = p (commune of D1 in the straddling EPCI S), 1 = q (its commune in D2),
    // 2 = b (a commune of E2, wholly in D2), 3 = a (a commune of E1, wholly in D1) — the communes
    // that are published are already subtracted from each total.
    // published totals: S = p + q, D2 = q + b, E2 = b, D1 = p + a, E1 = a
    // S − D2 + E2 = p: no single total and no nested pair holds p alone, yet p comes back.
    const s: SystemeSecret = { inconnues: 4, equations: [[0, 1], [1, 2], [2], [0, 3], [3]] };
    expect(inconnuesDeterminees(s)).toEqual([true, true, true, true]);
    // with E2's total masked, nothing comes back but what the totals still pin: a (E1 alone)
    expect(inconnuesDeterminees({ inconnues: 4, equations: [[0, 1], [1, 2], [0, 3], [3]] })).toEqual([true, true, true, true]);
    expect(inconnuesDeterminees({ inconnues: 4, equations: [[0, 1], [1, 2], [0, 3]] })).toEqual([false, false, false, false]);
  });

  it('agrees with exact rational elimination on 300 random systems of totals', () => {
    const alea = lcg(20261124);
    let determinees = 0;
    let libres = 0;
    for (let t = 0; t < 300; t++) {
      const s = systemeAleatoire(alea, 1, 12, 0.35);
      const attendu = determineesExactes(s);
      expect(inconnuesDeterminees(s), JSON.stringify(s)).toEqual(attendu);
      determinees += attendu.filter(Boolean).length;
      libres += attendu.filter((x) => !x).length;
    }
    // the random systems exercise both answers, not one only
    expect(determinees).toBeGreaterThan(100);
    expect(libres).toBeGreaterThan(100);
  });

  it('handles a repeated unknown in one equation (coefficient 2) and empty equations', () => {
    expect(inconnuesDeterminees({ inconnues: 2, equations: [[0, 0], []] })).toEqual([true, false]);
    expect(inconnuesDeterminees({ inconnues: 0, equations: [] })).toEqual([]);
  });

  it('refuses an unknown outside the system, naming the equation', () => {
    expect(() => inconnuesDeterminees({ inconnues: 2, equations: [[0], [1, 2]] })).toThrow(/équation 1 : inconnue 2 hors de 0 … 1/);
    expect(() => inconnuesDeterminees({ inconnues: 2, equations: [[-1]] })).toThrow(/équation 0/);
    expect(() => inconnuesDeterminees({ inconnues: 2, equations: [[0.5]] })).toThrow(/équation 0/);
  });

  it('scales to a national system (11 000 unknowns, 1 300 totals) without dense fill-in', () => {
    // synthetic, for size only: EPCI of 8 unknowns, départements of 15 EPCI, France over all:
    // every total above the EPCI is a sum of EPCI totals, so nothing is determined
    const epci: number[][] = [];
    let j = 0;
    while (j < 11000) epci.push(Array.from({ length: 8 }, () => j++).filter((x) => x < 11000));
    const deps: number[][] = [];
    for (let d = 0; d * 15 < epci.length; d++) deps.push(epci.slice(d * 15, d * 15 + 15).flat());
    const s: SystemeSecret = { inconnues: 11000, equations: [...epci, ...deps, Array.from({ length: 11000 }, (_, x) => x)] };
    const r = inconnuesDeterminees(s);
    expect(r.filter(Boolean)).toHaveLength(0);
  });
});

describe('certificats', () => {
  const p = CERTIFICAT_MODULO;
  const signe = (a: number) => (a > p / 2 ? a - p : a);
  it('gives the combination of totals that recovers a count: S − D2 + E2 = p', () => {
    const s: SystemeSecret = { inconnues: 4, equations: [[0, 1], [1, 2], [2], [0, 3], [3]] };
    const c = certificats(s, [0]).certificats.get(0)!;
    // any combination giving p back; check it does, unknown by unknown
    const somme = new Array<number>(4).fill(0);
    for (const [i, a] of c) for (const j of s.equations[i]!) somme[j]! += signe(a);
    expect(somme).toEqual([1, 0, 0, 0]);
  });
  it('gives null for a count nothing recovers, and checks its arguments', () => {
    expect(certificats({ inconnues: 2, equations: [[0, 1]] }, [0, 1]).certificats).toEqual(new Map([[0, null], [1, null]]));
    expect(() => certificats({ inconnues: 2, equations: [[0, 1]] }, [2])).toThrow(/inconnue 2 hors de 0 … 1/);
  });
  it('proves every unknown the check finds determined, on random systems', () => {
    const alea = lcg(7);
    for (let t = 0; t < 200; t++) {
      const s = systemeAleatoire(alea, 1, 10, 0.4);
      const { inconnues: n, equations } = s;
      const d = inconnuesDeterminees(s);
      const c = certificats(s, Array.from({ length: n }, (_, j) => j)).certificats;
      for (let j = 0; j < n; j++) {
        const cj = c.get(j) ?? null;
        expect(cj !== null, JSON.stringify({ s, j })).toBe(d[j]);
        if (!cj) continue;
        const somme = new Array<number>(n).fill(0);
        for (const [i, a] of cj) for (const k of equations[i]!) somme[k] = (somme[k]! + a) % p;
        expect(somme.map((v, k) => (k === j ? v === 1 : v === 0)).every(Boolean)).toBe(true);
      }
    }
  });
});

describe('certificats of sums (masked communes the system sees only together)', () => {
  it('finds a combination giving the sum of a group back exactly when exact elimination finds the sum determined', () => {
    const alea = lcg(23);
    let determinees = 0;
    let libres = 0;
    for (let t = 0; t < 200; t++) {
      const s = systemeAleatoire(alea, 2, 8, 0.4);
      const groupes = Array.from({ length: 3 }, () => Array.from({ length: s.inconnues }, (_, j) => j).filter(() => alea() < 0.4)).filter((g) => g.length > 1);
      const { sommes } = certificats(s, [], groupes);
      for (const [g, groupe] of groupes.entries()) {
        // the sum is determined iff a new unknown t' = −Σ group is: add the equation Σ group + t' = 0
        const n = s.inconnues;
        const attendu = determineesExactes({ inconnues: n + 1, equations: [...s.equations, [...groupe, n]] })[n]!;
        expect(sommes[g] !== null, JSON.stringify({ s, groupe })).toBe(attendu);
        if (attendu) determinees++;
        else libres++;
        const y = sommes[g];
        if (!y) continue;
        const somme = new Array<number>(n).fill(0);
        for (const [i, a] of y) for (const k of s.equations[i]!) somme[k] = (somme[k]! + a) % CERTIFICAT_MODULO;
        expect(somme.every((v, k) => v === (groupe.includes(k) ? 1 : 0))).toBe(true);
      }
    }
    expect(determinees).toBeGreaterThan(20);
    expect(libres).toBeGreaterThan(20);
  });
});

describe('what a new mask frees (certificats and dependances)', () => {
  const p = CERTIFICAT_MODULO;
  const somme = (m: ReadonlyMap<number, number>, equations: readonly number[]) => equations.reduce((x, i) => (x + (m.get(i) ?? 0)) % p, 0);
  it('predicts, for every new masked commune and every masked total, whether a recovered count is freed, as exact elimination finds', () => {
    const alea = lcg(11);
    let liberes = 0;
    let retenus = 0;
    for (let t = 0; t < 150; t++) {
      const s = systemeAleatoire(alea, 2, 8, 0.4);
      const { inconnues: n, equations } = s;
      const determinees = determineesExactes(s);
      const { certificats: c, dependances } = certificats(s, determinees.flatMap((d, j) => (d ? [j] : [])));
      for (let j = 0; j < n; j++) {
        if (!determinees[j]) continue;
        const y = c.get(j)!;
        // a new unknown u in a random set of the totals
        for (let essai = 0; essai < 4; essai++) {
          const siens = equations.flatMap((_, i) => (alea() < 0.4 ? [i] : []));
          const prevu = somme(y, siens) !== 0 && dependances.every((w) => somme(w, siens) === 0);
          const apres = determineesExactes({ inconnues: n + 1, equations: equations.map((e, i) => (siens.includes(i) ? [...e, n] : e)) });
          expect(!apres[j], JSON.stringify({ s, j, siens })).toBe(prevu);
          if (prevu) liberes++;
          else retenus++;
        }
        // each total dropped in turn
        for (let i = 0; i < equations.length; i++) {
          const prevu = (y.get(i) ?? 0) !== 0 && dependances.every((w) => (w.get(i) ?? 0) === 0);
          const apres = determineesExactes({ inconnues: n, equations: equations.filter((_, k) => k !== i) });
          expect(!apres[j], JSON.stringify({ s, j, i })).toBe(prevu);
        }
      }
    }
    expect(liberes).toBeGreaterThan(50);
    expect(retenus).toBeGreaterThan(50);
  });
});

describe('inconnuesEncadrees', () => {
  it('pins two masked counts adding up to 2 (each at least 1), not two adding up to 3', () => {
    const s: SystemeSecret = { inconnues: 4, equations: [[0, 1], [2, 3]] };
    expect(inconnuesEncadrees(s, [2, 3], [1, 1, 1, 1])).toEqual([0, 0, null, null]);
    // an unknown whose lower bound is 0 (counts kept at département level) pins nothing above it
    expect(inconnuesEncadrees({ inconnues: 2, equations: [[0, 1]] }, [1], [1, 0])).toEqual([0, 0]);
    expect(inconnuesEncadrees({ inconnues: 2, equations: [[0, 1]] }, [2], [1, 0])).toEqual([null, null]);
  });

  it('flags counts a total leaves fewer than valeursMin possible values: 3 over two counts gives 1 or 2 each', () => {
    const s: SystemeSecret = { inconnues: 4, equations: [[0, 1], [2, 3]] };
    // 3 = x0 + x1: each 1 or 2 (2 values); 12 = x2 + x3: each 1 to 11 (11 values)
    expect(inconnuesEncadrees(s, [3, 12], [1, 1, 1, 1], { valeursMin: 11 })).toEqual([0, 0, null, null]);
    expect(inconnuesEncadrees(s, [3, 11], [1, 1, 1, 1], { valeursMin: 11 })).toEqual([0, 0, 1, 1]);
    expect(inconnuesEncadrees(s, [3, 12], [1, 1, 1, 1], { valeursMin: 2 })).toEqual([null, null, null, null]);
  });

  it('takes off the determined unknowns first: D − E2 leaves the two counts of E1', () => {
    // 0, 1 masked in E1 (masked total); 2 masked in E2 alone, so determined (50); D = x0 + x1 + x2 = 53
    const s: SystemeSecret = { inconnues: 3, equations: [[2], [0, 1, 2]] };
    const determinees = [false, false, true];
    expect(inconnuesEncadrees(s, [50, 53], [1, 1, 1], { determinees, valeurs: [1, 2, 50], valeursMin: 11 })).toEqual([1, 1, null]);
    expect(inconnuesEncadrees(s, [50, 53], [1, 1, 1], { valeursMin: 11 })).toEqual([null, null, null]);
  });

  it('refuses right-hand sides, bounds or values that do not fit the system, naming them', () => {
    const s: SystemeSecret = { inconnues: 2, equations: [[0, 1]] };
    expect(() => inconnuesEncadrees(s, [], [1, 1])).toThrow(/secondsMembres : 1 nombres attendus, 0 reçus/);
    expect(() => inconnuesEncadrees(s, [Number.NaN], [1, 1])).toThrow(/secondsMembres\[0\] : nombre fini attendu/);
    expect(() => inconnuesEncadrees(s, [3], [1])).toThrow(/bornesInferieures : 2 nombres attendus/);
    expect(() => inconnuesEncadrees(s, [3], [1, 1], { determinees: [true, false] })).toThrow(/valeurs : 2 nombres attendus/);
    expect(() => inconnuesEncadrees({ inconnues: 2, equations: [[0, 5]] }, [3], [1, 1])).toThrow(/équation 0 : inconnue 5/);
  });
});
