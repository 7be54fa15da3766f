import type { SourceAdapter } from './adapter.ts';
import { aplDrees } from './apl-drees/adapter.ts';
import { cogCommunes } from './cog-communes/adapter.ts';
import { comparateur } from './comparateur/adapter.ts';
import { epciCompositionInsee } from './epci-composition/adapter.ts';
import { epciCompositionDgcl } from './epci-composition/dgcl.ts';
import { estimationsPopulation } from './estimations-population/adapter.ts';
import { filosofiXls } from './filosofi-xls/adapter.ts';
import { tableAppartenance } from './table-appartenance/adapter.ts';

/**
 * Adapters of geographic reference files (COG communes, EPCI composition, table
 * d'appartenance) and of workbook/zip extracts. Listed here, included by `registry.ts`.
 */
export const ADAPTATEURS_REFERENTIELS: readonly SourceAdapter[] = [
  cogCommunes,
  epciCompositionInsee,
  epciCompositionDgcl,
  tableAppartenance,
  aplDrees,
  estimationsPopulation,
  comparateur,
  filosofiXls,
];
