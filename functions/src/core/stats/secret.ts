import { assertNonNegative } from './commun.ts';

/** Default threshold: health-outcome counts from 1 to 10 are masked (methods.md §9, §12.3). */
export const SEUIL_SECRET_DEFAUT = 11;

/** Options of the small-count rule (methods.md §9). */
export interface OptionsSecret {
  /** Smallest publishable non-zero count (default 11). */
  minPublishable?: number;
  /** Whether 0 may be shown (source-specific; default true). */
  zeroPublishable?: boolean;
}

/** Result of small-count suppression (methods.md §9). */
export interface ResultatSecret {
  /** The counts, `null` where masked. */
  published: (number | null)[];
  /** Cells masked by the primary rule (count below the threshold, or already missing). */
  primary: boolean[];
  /** Cells masked by secondary suppression. */
  secondary: boolean[];
  flag: 'ok' | 'masked';
}

/** Whether a count is publishable under the primary rule (methods.md §9). */
export function isPublishable(count: number, options: OptionsSecret = {}): boolean {
  const min = options.minPublishable ?? SEUIL_SECRET_DEFAUT;
  const zero = options.zeroPublishable ?? true;
  if (count === 0) return zero;
  return count >= min;
}

/**
 * Primary small-count suppression (methods.md §9): masks counts below `minPublishable`
 * (0 stays visible when `zeroPublishable`). An incoming `null` stays masked. [0, 1, 5, 10, 11,
 * 250] with threshold 11 → [0, null, null, null, 11, 250].
 */
export function smallCountSuppression(counts: readonly (number | null)[], options: OptionsSecret = {}): ResultatSecret {
  const min = options.minPublishable ?? SEUIL_SECRET_DEFAUT;
  assertNonNegative('min_publishable', min);
  const primary = counts.map((c, i) => {
    if (c === null) return true;
    assertNonNegative(`counts[${i}]`, c);
    return !isPublishable(c, options);
  });
  const published = counts.map((c, i) => (primary[i] ? null : c));
  return { published, primary, secondary: counts.map(() => false), flag: primary.some(Boolean) ? 'masked' : 'ok' };
}

/**
 * Secondary suppression on one margin (methods.md §9, "secret secondaire"): the cells of
 * `published` add up to a published total, so if exactly one cell is masked it could be
 * recovered by subtraction; the next smallest publishable cell is masked too (strictly positive
 * cells first — a masked zero protects nothing when zeros are known to be shown; ties → first
 * position).
 */
export function secondarySuppression(published: readonly (number | null)[]): ResultatSecret {
  const primary = published.map((p) => p === null);
  const secondary = published.map(() => false);
  const out = [...published];
  const masked = primary.filter(Boolean).length;
  if (masked === 1) {
    let best = -1;
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (v === null || v === undefined) continue;
      const current = best >= 0 ? out[best]! : null;
      const better =
        current === null ||
        (v > 0 && current === 0) ||
        ((v > 0) === (current > 0) && v < current);
      if (better) best = i;
    }
    if (best >= 0) {
      out[best] = null;
      secondary[best] = true;
    }
  }
  return { published: out, primary, secondary, flag: out.some((v) => v === null) ? 'masked' : 'ok' };
}

/**
 * Primary then secondary suppression of the cells of one margin whose total is published
 * (methods.md §9, §12.3).
 */
export function suppressMargin(counts: readonly (number | null)[], options: OptionsSecret = {}): ResultatSecret {
  const first = smallCountSuppression(counts, options);
  const second = secondarySuppression(first.published);
  return { ...second, primary: first.primary };
}
