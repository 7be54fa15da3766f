/**
 * Probability distributions needed by the statistical methods (methods.md §0): normal, gamma
 * (and chi-square), Poisson and Student t. Written from the mathematical definitions, without
 * any dependency:
 *
 * - log-gamma by the Stirling series (Bernoulli coefficients up to B14) after an upward shift;
 * - regularised incomplete gamma P(a, x) / Q(a, x) by its power series (x < a + 1) or its
 *   continued fraction (modified Lentz), with a prefactor written as a·(ln(1+t) − t) for large a
 *   so that it keeps its relative accuracy;
 * - regularised incomplete beta by its continued fraction (Student t);
 * - quantiles by safeguarded Newton/Halley iterations on the tail that is smaller, so that the
 *   relative error stays near 1e-14 even in the tails.
 */

const LN_SQRT_2PI = 0.91893853320467274178; // ln √(2π)
const SQRT_2PI = 2.5066282746310002;
const TINY = 1e-300;
const EPS = 1e-16;
const MAX_ITER = 1_000_000;

/** Stirling correction lgamma(x) − [(x − ½)·ln x − x + ½·ln 2π], for x ≥ 10 (series in 1/x). */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (
    (1 / 12 + x2 * (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 / 156)))))) / x
  );
}

/** ln Γ(x) for x > 0 (§0 helper). NaN for x ≤ 0. */
export function lgamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingCorrection(y) - Math.log(product);
}

/** ln(1 + t) − t, accurate for small |t|. */
function log1pmx(t: number): number {
  if (Math.abs(t) < 0.1) {
    // −t²/2 + t³/3 − t⁴/4 + …
    let power = t * t;
    let sum = 0;
    for (let k = 2; k < 60; k++) {
      const term = ((k % 2 === 0 ? -1 : 1) * power) / k;
      sum += term;
      if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
      power *= t;
    }
    return sum;
  }
  return Math.log1p(t) - t;
}

/** ln( x^a e^{−x} / Γ(a + 1) ), x > 0. */
function logGammaPrefactor(a: number, x: number): number {
  if (a >= 10) {
    const t = (x - a) / a;
    return a * log1pmx(t) - 0.5 * Math.log(2 * Math.PI * a) - stirlingCorrection(a);
  }
  return a * Math.log(x) - x - lgamma(a + 1);
}

/** Both regularised incomplete gamma functions: p = P(a, x), q = Q(a, x) = 1 − p. */
export function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (!(a > 0) || Number.isNaN(x)) return { p: Number.NaN, q: Number.NaN };
  if (x <= 0) return { p: 0, q: 1 };
  if (x === Number.POSITIVE_INFINITY) return { p: 1, q: 0 };
  const logPre = logGammaPrefactor(a, x);
  if (x < a + 1) {
    // P(a, x) = x^a e^{−x}/Γ(a+1) · Σ_n x^n / ((a+1)…(a+n))
    let term = 1;
    let sum = 1;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * EPS * 0.1) break;
    }
    const p = Math.exp(logPre) * sum;
    return { p, q: 1 - p };
  }
  // Q(a, x) = x^a e^{−x}/Γ(a) · 1/(x + 1 − a − 1(1 − a)/(x + 3 − a − 2(2 − a)/(x + 5 − a − …)))
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const q = Math.exp(logPre) * a * h;
  return { p: 1 - q, q };
}

/** Regularised lower incomplete gamma P(a, x) (§0). */
export function gammaP(a: number, x: number): number {
  return incompleteGamma(a, x).p;
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x) (§0). */
export function gammaQ(a: number, x: number): number {
  return incompleteGamma(a, x).q;
}

/** Density of the gamma distribution with shape a and scale 1 at x > 0. */
function gammaDensity(a: number, x: number): number {
  return (Math.exp(logGammaPrefactor(a, x)) * a) / x;
}

/**
 * Gamma quantile (§0): smallest x with P(X ≤ x) = p for X ~ Gamma(shape, scale). With
 * `lowerTail = false`, `p` is the upper-tail probability P(X > x) (keeps precision near 1).
 */
export function qgamma(p: number, shape: number, scale = 1, lowerTail = true): number {
  if (Number.isNaN(p) || !(shape > 0) || !(scale > 0) || p < 0 || p > 1) return Number.NaN;
  const lower = lowerTail ? p : 1 - p;
  const upper = lowerTail ? 1 - p : p;
  if (lower === 0) return 0;
  if (upper === 0) return Number.POSITIVE_INFINITY;
  return scale * gammaQuantileStandard(shape, lower, upper);
}

function gammaQuantileStandard(a: number, p: number, q: number): number {
  const useLower = p <= q;
  // Initial value: Wilson–Hilferty, or the small-x expansion P ≈ x^a / Γ(a+1).
  const z = useLower ? qnorm(p) : -qnorm(q);
  let x = a * Math.pow(1 - 1 / (9 * a) + z / (3 * Math.sqrt(a)), 3);
  if (!(x > 0) || a < 1) {
    const logSmall = (Math.log(p) + lgamma(a + 1)) / a;
    if (useLower && logSmall < -745) return 0; // below the smallest double
    const small = Math.exp(logSmall);
    if (useLower && Number.isFinite(small) && small > 0 && (!(x > 0) || small < x)) x = small;
    if (!(x > 0)) x = a;
  }
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let iter = 0; iter < 500; iter++) {
    const { p: px, q: qx } = incompleteGamma(a, x);
    // f increasing in x, computed on the smaller tail
    const f = useLower ? px - p : q - qx;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = gammaDensity(a, x);
    let next = Number.NaN;
    if (density > 0 && Number.isFinite(density)) {
      const newton = f / density;
      const curvature = (a - 1) / x - 1; // f''/f'
      const denom = 1 - 0.5 * newton * curvature;
      next = denom > 0.2 && denom < 5 ? x - newton / denom : x - newton;
    }
    if (!(next > lo && next < hi)) {
      if (hi === Number.POSITIVE_INFINITY) next = x * 2 + 1;
      else if (lo === 0) next = hi / 2;
      else next = Math.sqrt(lo * hi);
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    }
    if (Math.abs(next - x) <= 2e-16 * x || (hi - lo <= 2e-16 * hi && Number.isFinite(hi))) return next;
    x = next;
  }
  return x;
}

/** Chi-square quantile (§0): qchisq(p, df) = 2·qgamma(p, df/2). */
export function qchisq(p: number, df: number, lowerTail = true): number {
  return 2 * qgamma(p, df / 2, 1, lowerTail);
}

/** Chi-square distribution function P(X ≤ x) (upper tail with `lowerTail = false`) (§0). */
export function pchisq(x: number, df: number, lowerTail = true): number {
  const r = incompleteGamma(df / 2, x / 2);
  return lowerTail ? r.p : r.q;
}

/** Complementary error function erfc(x) = Q(½, x²) for x ≥ 0, 2 − erfc(−x) otherwise. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 0) return gammaQ(0.5, x * x);
  return 1 + gammaP(0.5, x * x);
}

/** Standard normal distribution function Φ(x) (upper tail 1 − Φ(x) with `lowerTail = false`) (§0). */
export function pnorm(x: number, lowerTail = true): number {
  if (Number.isNaN(x)) return x;
  const t = lowerTail ? x : -x;
  if (t < 0) return 0.5 * gammaQ(0.5, (t * t) / 2);
  return 0.5 + 0.5 * gammaP(0.5, (t * t) / 2);
}

/** Standard normal density φ(x). */
export function dnorm(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Standard normal quantile Φ⁻¹(p) (§0): Abramowitz–Stegun 26.2.23 start, then Halley steps on
 * the exact Φ. qnorm(0.975) = 1.959963984540054.
 */
export function qnorm(p: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  const lower = lowerTail ? p : 1 - p;
  if (lower === 0) return Number.NEGATIVE_INFINITY;
  if (lower === 1) return Number.POSITIVE_INFINITY;
  if (lower === 0.5) return 0;
  // Work on the lower tail: q = min(lower, upper), x < 0, then flip the sign.
  const upperProb = lowerTail ? 1 - p : p;
  const q = lower < 0.5 ? lower : upperProb;
  const t = Math.sqrt(-2 * Math.log(q));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let iter = 0; iter < 50; iter++) {
    // Φ(x) − q for x < 0; near the centre as (Φ(x) − ½) − (q − ½), where q − ½ is exact
    const e = q > 0.1 ? -0.5 * gammaP(0.5, (x * x) / 2) - (q - 0.5) : 0.5 * gammaQ(0.5, (x * x) / 2) - q;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    let next = x - step;
    if (next >= 0) next = x / 2;
    if (Math.abs(next - x) <= 1e-16 * Math.abs(x)) {
      x = next;
      break;
    }
    x = next;
  }
  return lower < 0.5 ? x : -x;
}

/**
 * Regularised incomplete beta I_x(a, b) and its complement, given x and y = 1 − x computed
 * separately (continued fraction, modified Lentz, on the side where it converges fast).
 */
export function incompleteBeta(a: number, b: number, x: number, y = 1 - x): { p: number; q: number } {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return { p: Number.NaN, q: Number.NaN };
  if (x <= 0) return { p: 0, q: 1 };
  if (y <= 0) return { p: 1, q: 0 };
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(y);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) {
    const p = (front * betaContinuedFraction(a, b, x)) / a;
    return { p, q: 1 - p };
  }
  const q = (front * betaContinuedFraction(b, a, y)) / b;
  return { p: 1 - q, q };
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** Upper tail P(T > t) of Student t with df degrees of freedom, for t ≥ 0. */
function studentUpperTail(t: number, df: number): number {
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return 0.5 * incompleteBeta(df / 2, 0.5, x, y).p;
}

/** Student t density. */
function studentDensity(t: number, df: number): number {
  return Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student t distribution function P(T ≤ t) (§0, §10.2). */
export function pt(t: number, df: number, lowerTail = true): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  const tail = studentUpperTail(Math.abs(t), df);
  // t ≥ 0: upper = tail; t < 0: lower = tail (each tail computed directly, no 1 − ε loss)
  if (t >= 0) return lowerTail ? 1 - tail : tail;
  return lowerTail ? tail : 1 - tail;
}

/** Student t quantile (§0, §10.2): qt(0.975, 8) = 2.306004135. */
export function qt(p: number, df: number, lowerTail = true): number {
  if (Number.isNaN(p) || !(df > 0) || p < 0 || p > 1) return Number.NaN;
  const lower = lowerTail ? p : 1 - p;
  const upperProb = lowerTail ? 1 - p : p;
  if (lower === 0) return Number.NEGATIVE_INFINITY;
  if (upperProb === 0) return Number.POSITIVE_INFINITY;
  if (lower === 0.5) return 0;
  const q = lower < 0.5 ? lower : upperProb; // tail probability, solve P(T > t) = q, t > 0
  let t: number;
  if (df === 1) {
    t = 1 / Math.tan(Math.PI * q);
  } else if (df === 2) {
    t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  } else {
    // Cornish–Fisher start, then safeguarded Newton.
    const z = -qnorm(q);
    const z3 = z * z * z;
    t = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
    if (!(t > 0) || !Number.isFinite(t)) t = z;
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    for (let iter = 0; iter < 500; iter++) {
      const g = studentUpperTail(t, df) - q; // decreasing in t
      if (g === 0) break;
      if (g > 0) lo = t;
      else hi = t;
      let next = t + g / studentDensity(t, df);
      if (!(next > lo && next < hi)) {
        next = hi === Number.POSITIVE_INFINITY ? t * 2 + 1 : (lo + hi) / 2;
      }
      if (Math.abs(next - t) <= 2e-16 * t) {
        t = next;
        break;
      }
      t = next;
    }
  }
  return lower < 0.5 ? -t : t;
}

/** Poisson distribution function P(X ≤ k) for X ~ Poisson(lambda) (§0, §5). */
export function ppois(k: number, lambda: number): number {
  if (Number.isNaN(k) || !(lambda >= 0)) return Number.NaN;
  const n = Math.floor(k);
  if (n < 0) return 0;
  if (lambda === 0) return 1;
  return gammaQ(n + 1, lambda);
}

/** Poisson upper tail P(X ≥ k) for X ~ Poisson(lambda) (§5, exact test). */
export function ppoisAtLeast(k: number, lambda: number): number {
  if (Number.isNaN(k) || !(lambda >= 0)) return Number.NaN;
  const n = Math.ceil(k);
  if (n <= 0) return 1;
  if (lambda === 0) return 0;
  return gammaP(n, lambda);
}

/** Two-sided normal quantile for a confidence level: z such that P(|Z| ≤ z) = confidence (§0). */
export function zForConfidence(confidence: number): number {
  return -qnorm((1 - confidence) / 2);
}
