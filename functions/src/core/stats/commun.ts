import { ParametreInvalideError } from '../errors.ts';

/**
 * Shared helpers of the statistics library: input checks that name the offending field
 * (thrown as `ParametreInvalideError`, mapped to exit code 2 by the `stats` command and to a 400
 * by the API), and the confidence interval shape shared by every method (methods.md §0).
 */

/** A confidence interval; a limit is `null` when it is undefined (§0: never a fake 0). */
export interface Intervalle {
  lower: number | null;
  upper: number | null;
}

/** Throws a `ParametreInvalideError` naming `field`. */
export function invalid(field: string, message: string): never {
  throw new ParametreInvalideError(field, `${field} : ${message}`);
}

/** Checks that `value` is a finite number ≥ 0. */
export function assertNonNegative(field: string, value: number): void {
  if (!Number.isFinite(value)) invalid(field, 'nombre fini attendu');
  if (value < 0) invalid(field, 'doit être positif ou nul');
}

/** Checks that `confidence` is strictly between 0 and 1. */
export function assertConfidence(confidence: number, field = 'confidence'): void {
  if (!(confidence > 0 && confidence < 1)) invalid(field, 'niveau de confiance attendu strictement entre 0 et 1 (ex. 0.95)');
}

/** Checks that two arrays have the same length. */
export function assertSameLength(field: string, values: readonly unknown[], referenceField: string, reference: readonly unknown[]): void {
  if (values.length !== reference.length) {
    invalid(field, `longueur ${values.length} différente de celle de ${referenceField} (${reference.length})`);
  }
}

/** Sum of an array. */
export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** `x` when finite, else `null` (JSON-safe numbers). */
export function finiteOrNull(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}
