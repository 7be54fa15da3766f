import { INDICATEURS_AGES } from './ages/definitions.ts';
import { INDICATEURS_APL } from './apl/definitions.ts';
import { INDICATEURS_FILOSOFI } from './filosofi/definitions.ts';
import { INDICATEURS_MORTALITE_PUBLIEE } from './mortalite-publiee/definitions.ts';
import { INDICATEURS_ORS } from './ors-standardise/definitions.ts';
import { POPULATION_MUNICIPALE } from './population-municipale/definition.ts';
import { INDICATEURS_RECENSEMENT } from './recensement/definitions.ts';
import { THEMES, type Indicateur } from './types.ts';
import { ZONAGE_INFIRMIERS } from './zonage-infirmiers/definition.ts';

/**
 * The indicator registry: every indicator the engine computes, in catalogue order (theme, then
 * the order below). Static imports only (bundled into the Lambdas). Ids are unique and stable.
 */
const TOUS: Indicateur[] = [
  POPULATION_MUNICIPALE,
  ...INDICATEURS_RECENSEMENT,
  ...INDICATEURS_AGES,
  ...INDICATEURS_FILOSOFI,
  ...INDICATEURS_APL,
  ZONAGE_INFIRMIERS,
  ...INDICATEURS_MORTALITE_PUBLIEE,
  ...INDICATEURS_ORS,
];

export const INDICATEURS: readonly Indicateur[] = [...TOUS].sort((a, b) => THEMES.indexOf(a.definition.theme) - THEMES.indexOf(b.definition.theme));

const PAR_ID = new Map<string, Indicateur>();
for (const i of INDICATEURS) {
  if (PAR_ID.has(i.definition.id)) throw new Error(`Identifiant d’indicateur en double : ${i.definition.id}`);
  PAR_ID.set(i.definition.id, i);
}

/** Complementary masks (`masqueAvec`): from a health indicator of the registry, never chained, covering the periods. */
export function verifierMasquesLies(indicateurs: readonly Indicateur[]): void {
  const parId = new Map(indicateurs.map((i) => [i.definition.id, i]));
  for (const i of indicateurs) {
    for (const id of i.definition.masqueAvec) {
      const source = parId.get(id);
      if (!source || source.definition.secret !== 'sante' || source.definition.masqueAvec.length > 0) {
        throw new Error(`${i.definition.id} : masqueAvec « ${id} » doit nommer un indicateur de santé du registre, lui-même sans masqueAvec`);
      }
      if (!i.definition.periodes.every((p) => source.definition.periodes.includes(p))) {
        throw new Error(`${i.definition.id} : masqueAvec « ${id} » ne couvre pas ses périodes (${i.definition.periodes.join(', ')})`);
      }
    }
  }
}
verifierMasquesLies(INDICATEURS);

export function indicateur(id: string): Indicateur | undefined {
  return PAR_ID.get(id);
}
