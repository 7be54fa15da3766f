import publiesSql from './publies.sql';
import valeursCommunalesSql from './valeurs-communales.sql';
import type { RequeteIndicateur } from './types.ts';

/** Published values of a producer for levels above the commune (see publies.sql). */
export function valeursPubliees(args: { dataset: string; variable: string; niveaux: string[]; facteur?: number; periodesExclues?: string[] }): RequeteIndicateur {
  return {
    sql: publiesSql,
    parametres: {
      dataset: args.dataset,
      variable: args.variable,
      niveaux: args.niveaux,
      facteur: args.facteur ?? 1,
      // DuckDB needs a typed list: an empty list is written with a sentinel that no period has
      periodes_exclues: args.periodesExclues && args.periodesExclues.length > 0 ? args.periodesExclues : ['—'],
    },
  };
}

/** Separator of a weight list's variables in `liste_poids` (see calcul.ts, poids_choisis). */
export const SEPARATEUR_POIDS = '|';

/** Commune values of a non-additive variable with their weight (see valeurs-communales.sql). */
export function valeursCommunales(args: { datasets: string[]; variable: string; poids: string[] }): RequeteIndicateur {
  return {
    sql: valeursCommunalesSql,
    parametres: { datasets: args.datasets, variable: args.variable, liste_poids: args.poids.join(SEPARATEUR_POIDS) },
    famille: 'valeurs-communales',
    variables: [args.variable],
  };
}
