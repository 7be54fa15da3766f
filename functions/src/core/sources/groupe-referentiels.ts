import type { SourceAdapter } from './adapter.ts';

/**
 * Adapters of geographic reference files (COG communes, EPCI composition, table
 * d'appartenance) and of workbook/zip extracts. Listed here, included by `registry.ts`.
 */
export const ADAPTATEURS_REFERENTIELS: readonly SourceAdapter[] = [];
