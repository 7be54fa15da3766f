/**
 * Wording of a territory's indicator profile (`GET /api/territoires/{niveau}/{code}/profil`):
 * values in French format with their unit, why a value is missing, how it was obtained, and what
 * each comparison with the département, the région and France says. Pure and browser-safe.
 */
import type { Drapeau, IndicateurProfil, SourcesReponse } from '@sante-territoires/functions/core/model/api-types.ts';
import { formatNombre, formatPourcentage } from '@sante-territoires/functions/core/model/format.ts';
import {
  COMPARAISONS,
  libelleApproximation,
  PETITS_EFFECTIFS,
  RAISONS_STATUT,
  type Comparaison,
} from '@sante-territoires/functions/core/model/libelles.ts';

// (the wording shared with the CSV exports, for the components)
export { libelleApproximation, RAISONS_STATUT, type Comparaison };

/** A value in the indicator's unit: `17,4 %`, `24 389`, `6,7`; an en dash when absent. */
export function formatValeur(valeur: number | null, indicateur: Pick<IndicateurProfil, 'unite' | 'decimales'>): string {
  return indicateur.unite === '%' ? formatPourcentage(valeur, indicateur.decimales) : formatNombre(valeur, indicateur.decimales);
}

/** The unit shown beside the label (none for a percentage: the value carries its sign). */
export function uniteAffichee(indicateur: Pick<IndicateurProfil, 'unite'>): string | null {
  return indicateur.unite === '%' || indicateur.unite.trim() === '' ? null : indicateur.unite;
}

/** The 95 % interval of a value, `IC 95 % : 13,2 – 13,4`, or null when it has none. */
export function intervalle(indicateur: Pick<IndicateurProfil, 'ic_bas' | 'ic_haut' | 'unite' | 'decimales'>): string | null {
  if (indicateur.ic_bas === null || indicateur.ic_haut === null) return null;
  return `IC 95\u00a0%\u00a0: ${formatValeur(indicateur.ic_bas, indicateur)} – ${formatValeur(indicateur.ic_haut, indicateur)}`;
}

/** How the value was obtained, when the user must know it (approximation, coverage, few events). */
export function remarques(indicateur: Pick<IndicateurProfil, 'valeur' | 'statut' | 'approximation' | 'couverture' | 'fiabilite' | 'synthetique'>): string[] {
  if (indicateur.valeur === null) return [];
  const out: string[] = [];
  if (indicateur.synthetique) out.push(EXEMPLE_FICTIF);
  if (indicateur.approximation !== null) out.push(libelleApproximation(indicateur.approximation));
  if (indicateur.statut === 'partiel') {
    out.push(
      indicateur.couverture === null
        ? 'couverture partielle des communes'
        : `calculé sur ${formatPourcentage(Math.min(indicateur.couverture * 100, 99.9), 1)} de la population`,
    );
  }
  if (indicateur.fiabilite === 'petits_effectifs') out.push(PETITS_EFFECTIFS);
  return out;
}

/** Null when no test was made (a published value without counts, say). */
export function comparaison(drapeau: Drapeau | null): Comparaison | null {
  return drapeau === null ? null : COMPARAISONS[drapeau];
}

/** What a synthetic example says of itself wherever its value is shown. */
export const EXEMPLE_FICTIF = 'exemple fictif\u00a0: données synthétiques, à ne pas utiliser';

/**
 * A reference column of the profile (département, région, France): its value, and the comparison
 * worded, except where none may be drawn: no value for the territory, or a synthetic example
 * (never compared with real figures).
 */
export function referenceProfil(
  i: IndicateurProfil,
  cle: 'departement' | 'region' | 'france',
): { valeur: number | null; comparaison: Comparaison | null; approximation: string | null } {
  const valeur = cle === 'departement' ? i.valeur_departement : cle === 'region' ? i.valeur_region : i.valeur_france;
  const drapeau = cle === 'departement' ? i.drapeau_departement : cle === 'region' ? i.drapeau_region : i.drapeau_france;
  const approximation = cle === 'departement' ? i.approximation_departement : cle === 'region' ? i.approximation_region : i.approximation_france;
  return {
    valeur,
    comparaison: i.valeur === null || i.synthetique ? null : comparaison(drapeau),
    // an approximated reference says so, as an approximated value of the territory does
    approximation: valeur === null || approximation === null ? null : libelleApproximation(approximation),
  };
}

/** The indicators of a theme split into those with a value (or a reason shown in the row) and those not available at this level. */
export function repartir(indicateurs: readonly IndicateurProfil[]): { affiches: IndicateurProfil[]; indisponibles: IndicateurProfil[] } {
  const affiches: IndicateurProfil[] = [];
  const indisponibles: IndicateurProfil[] = [];
  for (const i of indicateurs) (i.statut === 'non_disponible' ? indisponibles : affiches).push(i);
  return { affiches, indisponibles };
}

/** The datasets of the lake by id (`GET /api/sources`), as a value's source line names them. */
export type SourcesConnues = ReadonlyMap<string, { producteur: string; libelle: string }>;

export function sourcesConnues(r: SourcesReponse): SourcesConnues {
  return new Map(r.sources.map((s) => [s.dataset, { producteur: s.producteur, libelle: s.libelle }]));
}

/**
 * « Source : Base du comparateur de territoires (Insee), millésime 2022 »: the dataset(s) a value
 * comes from (a standardised rate may join several), its producer when short enough to read in a
 * table, and its millésime; the dataset id when the lake does not describe it. Null without source.
 */
export function sourceValeur(i: Pick<IndicateurProfil, 'source' | 'millesime'>, sources: SourcesConnues | null): string | null {
  if (i.source === null || i.source.trim() === '') return null;
  const noms = [...new Set(i.source.split(',').map((d) => d.trim()).filter((d) => d !== ''))].map((d) => {
    const s = sources?.get(d);
    if (!s) return d;
    return s.producteur.length <= 30 ? `${s.libelle} (${s.producteur})` : s.libelle;
  });
  return `Source\u00a0: ${noms.join(' ; ')}${i.millesime ? `, millésime ${i.millesime}` : ''}`;
}
