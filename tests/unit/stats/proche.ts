import { expect } from 'vitest';

/**
 * Compares a computed value with a test vector of methods.md, written as printed there.
 * Tolerance: relative 1e-6, or half a unit of the last printed digit when the vector is printed
 * with fewer significant digits (e.g. "933.33", "97.902").
 */
export function proche(actual: number | null | undefined, expected: string | number, relative = 1e-6): void {
  expect(actual, `attendu ${expected}`).not.toBeNull();
  expect(actual, `attendu ${expected}`).toBeTypeOf('number');
  const text = String(expected);
  const value = Number(text);
  const decimals = /\.(\d+)(?:e|$)/i.exec(text)?.[1]?.length ?? 0;
  const exponent = /e([+-]?\d+)$/i.exec(text)?.[1];
  const lastDigit = 0.5 * 10 ** (-decimals + (exponent ? Number(exponent) : 0));
  const tolerance = Math.max(relative * Math.abs(value), typeof expected === 'string' ? lastDigit : 0);
  expect(Math.abs((actual as number) - value), `${actual} ≈ ${expected} (tolérance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}
