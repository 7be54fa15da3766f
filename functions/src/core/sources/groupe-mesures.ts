import type { SourceAdapter } from './adapter.ts';

/**
 * Adapters of indicator-type text extracts (Filosofi base comparateur, Géoclip exports,
 * Observatoire des territoires, CépiDc). Listed here, included by `registry.ts`.
 */
export const ADAPTATEURS_MESURES: readonly SourceAdapter[] = [];
