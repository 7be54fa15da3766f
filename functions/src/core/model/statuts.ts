import type { StatutIndicateur } from './api-types.ts';

/**
 * The statut as published: a secondary mask reads as a primary one (`masque`), as INSEE marks
 * every secret cell alike. Told apart, they gave bounds (1 to 10 against 11 or more) that pinned
 * masked counts down from territory totals (ADR 0013, révision 2). Browser-safe.
 */
export function statutPublie(statut: StatutIndicateur): StatutIndicateur {
  return statut === 'masque_secondaire' ? 'masque' : statut;
}
