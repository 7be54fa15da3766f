import { assertNonNegative, invalid } from './commun.ts';

/** The four FDep variables in their fixed order (methods.md §7.1). */
export const FDEP_VARIABLES = ['median_income_uc', 'share_bac', 'share_ouvriers', 'unemployment'] as const;
export type FdepVariable = (typeof FDEP_VARIABLES)[number];

/** One commune of the FDep universe (methods.md §7.1). */
export interface CommuneFdep {
  code: string;
  population: number;
  /** Median income per consumption unit (€/UC). */
  medianIncomeUc: number;
  /** Share of bac+ holders among people aged 15+ no longer in education. */
  shareBac: number;
  /** Share of ouvriers among the active population 15–64. */
  shareOuvriers: number;
  /** Unemployment rate 15–64. */
  unemployment: number;
}

/** Result of the weighted PCA (methods.md §7.1). */
export interface FdepResult {
  lambda1: number;
  /** λ1 / Σλ = λ1 / 4 (trace of a correlation matrix). */
  varianceShare: number;
  loadings: Record<FdepVariable, number>;
  scores: Record<string, number>;
  /** 1 = least deprived … 5 = most deprived. */
  populationQuintile: Record<string, number>;
  means: Record<FdepVariable, number>;
  sds: Record<FdepVariable, number>;
  eigenvalues: number[];
}

/**
 * Eigen-decomposition of a small symmetric matrix (the 4×4 correlation matrix of methods.md §7.1)
 * by cyclic Jacobi rotations. Returns eigenvalues
 * in decreasing order with their unit eigenvectors (columns).
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! * a[i]![j]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
}

/**
 * Population quintiles of a score (methods.md §7.1 step 7): units sorted by score, lowest first,
 * ties broken by code; quintile = ⌊5·m⌋ + 1 with m the unit's cumulative-population midpoint.
 */
export function populationQuintiles(units: ReadonlyArray<{ code: string; population: number; score: number }>): Map<string, number> {
  const order = [...units].sort((a, b) => a.score - b.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const total = order.reduce((s, c) => s + c.population, 0);
  const quintiles = new Map<string, number>();
  let before = 0;
  for (const c of order) {
    quintiles.set(c.code, Math.min(5, Math.floor((5 * (before + c.population / 2)) / total) + 1));
    before += c.population;
  }
  return quintiles;
}

/**
 * FDep by population-weighted PCA (methods.md §7.1; Rey et al. 2009): standardise the four
 * variables with population-weighted mean and SD (denominator = total population), take the
 * first eigenvector of the weighted correlation matrix, orient it so that the unemployment
 * loading is positive (higher = more deprived), score each commune, then population quintiles
 * by cumulative-population midpoint ⌊5·m_c⌋ + 1 (ties broken by code). The result is
 * `FDep (recomputed, engine)`: only ranks are comparable across computations.
 */
export function fdepWeightedPca(communes: readonly CommuneFdep[]): FdepResult {
  if (communes.length < 2) invalid('communes', 'au moins deux communes attendues');
  const codes = new Set<string>();
  communes.forEach((c, i) => {
    if (codes.has(c.code)) invalid(`communes[${i}].code`, `code en double : ${c.code}`);
    codes.add(c.code);
    assertNonNegative(`communes[${i}].population`, c.population);
  });
  const columns: Record<FdepVariable, number[]> = {
    median_income_uc: communes.map((c) => c.medianIncomeUc),
    share_bac: communes.map((c) => c.shareBac),
    share_ouvriers: communes.map((c) => c.shareOuvriers),
    unemployment: communes.map((c) => c.unemployment),
  };
  const inputNames: Record<FdepVariable, string> = {
    median_income_uc: 'median_income_uc',
    share_bac: 'share_bac_plus_15p_non_students',
    share_ouvriers: 'share_workers_ouvriers_active',
    unemployment: 'unemployment_rate',
  };
  const w = communes.map((c) => c.population);
  const total = w.reduce((s, x) => s + x, 0);
  if (!(total > 0)) invalid('communes', 'la population totale doit être positive');
  const means = {} as Record<FdepVariable, number>;
  const sds = {} as Record<FdepVariable, number>;
  const z: number[][] = communes.map(() => []);
  for (const name of FDEP_VARIABLES) {
    const x = columns[name];
    x.forEach((v, i) => {
      if (!Number.isFinite(v)) invalid(`communes[${i}].${inputNames[name]}`, 'nombre fini attendu');
    });
    const mean = x.reduce((s, v, i) => s + w[i]! * v, 0) / total;
    const sd = Math.sqrt(x.reduce((s, v, i) => s + w[i]! * (v - mean) * (v - mean), 0) / total);
    if (!(sd > 0)) invalid(inputNames[name], 'variable constante : écart-type pondéré nul');
    means[name] = mean;
    sds[name] = sd;
    x.forEach((v, i) => z[i]!.push((v - mean) / sd));
  }
  const k = FDEP_VARIABLES.length;
  const r = Array.from({ length: k }, () => Array.from({ length: k }, () => 0));
  z.forEach((zc, c) => {
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) r[i]![j]! += (w[c]! * zc[i]! * zc[j]!) / total;
  });
  const eigen = symmetricEigen(r);
  let v = eigen.vectors[0]!;
  const unemploymentIndex = FDEP_VARIABLES.indexOf('unemployment');
  if (v[unemploymentIndex]! < 0) v = v.map((x) => -x);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  v = v.map((x) => x / norm);
  const lambda1 = eigen.values[0]!;
  const trace = eigen.values.reduce((s, x) => s + x, 0);
  const scoreList = z.map((zc) => zc.reduce((s, x, j) => s + x * v[j]!, 0));
  const scores: Record<string, number> = {};
  communes.forEach((c, i) => (scores[c.code] = scoreList[i]!));
  const populationQuintile = Object.fromEntries(populationQuintiles(communes.map((c, i) => ({ code: c.code, population: c.population, score: scoreList[i]! }))));
  const loadings = {} as Record<FdepVariable, number>;
  FDEP_VARIABLES.forEach((name, j) => (loadings[name] = v[j]!));
  return { lambda1, varianceShare: lambda1 / trace, loadings, scores, populationQuintile, means, sds, eigenvalues: eigen.values };
}
