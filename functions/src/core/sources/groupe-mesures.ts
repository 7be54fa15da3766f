import type { SourceAdapter } from './adapter.ts';
import { cepidcLong } from './cepidc-long/adapter.ts';
import { filosofiCc } from './filosofi-cc/adapter.ts';
import { geoclip } from './geoclip/adapter.ts';
import { observatoireLong } from './observatoire-long/adapter.ts';
import { orsIndicateurs } from './ors-indicateurs/adapter.ts';

/**
 * Adapters of indicator-type text extracts (Filosofi base comparateur, Géoclip exports,
 * Observatoire des territoires, CépiDc, the ORS indicator template). Listed here, included by `registry.ts`.
 */
export const ADAPTATEURS_MESURES: readonly SourceAdapter[] = [filosofiCc, geoclip, observatoireLong, cepidcLong, orsIndicateurs];
