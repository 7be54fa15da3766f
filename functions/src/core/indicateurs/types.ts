import { z } from 'zod';

/**
 * What an indicator is: the definition the registry validates when it loads. The same metadata
 * feeds the engine (method, multiplier, secrecy), the API catalogue and the public "fiche".
 */

export const THEMES = [
  'demographie',
  'determinants-socio-economiques',
  'logement-environnement',
  'offre-acces-soins',
  'etat-sante',
] as const;
export type Theme = (typeof THEMES)[number];

/** The three portraits of a local health diagnostic, and the themes each gathers. */
export const PORTRAITS = [
  { id: 'territoire', libelle: 'Portrait du territoire', themes: ['demographie', 'determinants-socio-economiques', 'logement-environnement'] },
  { id: 'sante', libelle: 'Portrait de santé', themes: ['etat-sante'] },
  { id: 'ressources', libelle: 'Portrait des ressources', themes: ['offre-acces-soins'] },
] as const satisfies ReadonlyArray<{ id: string; libelle: string; themes: readonly Theme[] }>;

export const LIBELLES_THEMES: Readonly<Record<Theme, string>> = {
  demographie: 'Démographie',
  'determinants-socio-economiques': 'Déterminants socio-économiques',
  'logement-environnement': 'Logement et environnement',
  'offre-acces-soins': 'Offre et accès aux soins',
  'etat-sante': 'État de santé',
};

/**
 * How values of communes make the value of a larger territory (methods.md §1):
 * - `effectif`: a count, summed;
 * - `proportion`: Σ numerators / Σ denominators, Wilson interval (§2);
 * - `taux`: Σ events / Σ population or person-years, exact or Byar Poisson interval (§3);
 * - `ratio`: Σ / Σ without interval (density, balances, ageing index: no sampling model);
 * - `evolution`: annual rate of change ((Σ num / Σ den)^(1/années) − 1) × 100;
 * - `moyenne-ponderee`: non-additive commune values averaged with a weight, flagged as an
 *   approximation above the commune unless a published value exists (APL §1.3);
 * - `publie`: published only (medians, deciles, Gini): the value INSEE publishes for the level,
 *   otherwise a flagged approximation (§1.2) when `approximation` says how, else nothing;
 * - `taux-standardise`: direct standardisation from age-specific counts (§4), Dobson interval;
 * - `icm`: indirect standardisation (§5), observed / expected × 100.
 */
export const METHODES = ['effectif', 'proportion', 'taux', 'ratio', 'evolution', 'moyenne-ponderee', 'publie', 'taux-standardise', 'icm'] as const;
export type Methode = (typeof METHODES)[number];

export const POLARITES = ['higher_is_worse', 'higher_is_better', 'neutral'] as const;
export type Polarite = (typeof POLARITES)[number];

export const NIVEAUX_INDICATEUR = ['commune', 'epci', 'departement', 'region', 'france', 'cls'] as const;

const identifiant = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'identifiant kebab-case ASCII attendu');

export const definitionSchema = z
  .object({
    id: identifiant,
    libelle: z.string().min(3),
    /** Short label for tables and charts. */
    libelleCourt: z.string().min(2),
    description: z.string().min(10),
    theme: z.enum(THEMES),
    unite: z.string().min(1),
    /** Multiplier of the ratio: 100 for %, 1 000 for ‰, 100 000 for rates per 100 000. */
    multiplicateur: z.number().positive(),
    decimales: z.number().int().min(0).max(3),
    polarite: z.enum(POLARITES),
    methode: z.enum(METHODES),
    numerateur: z.string().nullable(),
    denominateur: z.string().nullable(),
    /** Producers and files, with their millésimes, as shown in the fiche. */
    sources: z.array(z.object({ producteur: z.string(), jeu: z.string(), millesimes: z.array(z.string()).min(1) })).min(1),
    /** Levels where values are produced (`cls`: contract perimeters). */
    niveaux: z.array(z.enum(NIVEAUX_INDICATEUR)).min(1),
    /** Where the commune bricks stand: commune (default) or département (age data by département only). */
    niveauBrique: z.enum(['commune', 'departement']).default('commune'),
    /** Secrecy: `sante` masks event counts 1–10 (+ secondary suppression); `insee` keeps the producer's secrets only. */
    secret: z.enum(['sante', 'insee', 'aucun']),
    /**
     * Health indicators whose count this one's numerator contains (the natural balance holds the
     * deaths): this value is masked wherever theirs is, for the same territory and period
     * (statut `masque_complementaire`), since the difference of two published counts would give
     * theirs back (births − natural balance = deaths; methods.md §9).
     */
    masqueAvec: z.array(identifiant).default([]),
    /** Minimum count for a standardised rate (methods.md §9: 10 events). */
    seuilDiffusion: z.number().int().min(0),
    /** What the value may be compared with: the CI rule needs an interval (proportions, rates, DSR, ICM). */
    comparable: z.boolean(),
    /** For `publie` and `moyenne-ponderee` above the commune: how an unpublished perimeter is approximated. */
    approximation: z.enum(['moyenne-ponderee-population', 'moyenne-ponderee-population-standardisee', 'moyenne-ponderee-personnes', 'moyenne-ponderee-menages', 'aucune']).default('aucune'),
    /** For `evolution`: years between the two populations. */
    annees: z.number().positive().optional(),
    /** The fixed period of the indicator when it has a single one. */
    periodes: z.array(z.string()).min(1),
    /** True when the source is a synthetic example: shown as such, never as a real figure. */
    synthetique: z.boolean().default(false),
    /** Notes shown in the fiche (limits, definitions). */
    notes: z.array(z.string()).default([]),
  })
  .superRefine((d, ctx) => {
    if (d.methode === 'evolution' && d.annees === undefined) ctx.addIssue({ code: 'custom', message: 'annees requis pour la méthode evolution', path: ['annees'] });
    if (d.comparable && !['proportion', 'taux', 'taux-standardise', 'icm'].includes(d.methode)) {
      ctx.addIssue({ code: 'custom', message: `la méthode ${d.methode} ne donne pas d'intervalle : comparable doit être false`, path: ['comparable'] });
    }
    if ((d.methode === 'proportion' || d.methode === 'taux') && (!d.numerateur || !d.denominateur)) {
      ctx.addIssue({ code: 'custom', message: 'numerateur et denominateur requis', path: ['numerateur'] });
    }
  });

export type DefinitionIndicateur = z.output<typeof definitionSchema>;
export type DefinitionIndicateurEntree = z.input<typeof definitionSchema>;

export type ParametreSql = string | number | string[] | number[];

/** One SQL of an indicator (its own `<id>.sql` or a family's shared file) and its bound parameters. */
export interface RequeteIndicateur {
  sql: string;
  parametres: Record<string, ParametreSql>;
  /**
   * A family's requetes share one SQL that reads its parameters from the table `requetes_lot`
   * (`indicateur`, then the parameters) and returns `indicateur` first: the engine runs the
   * requetes of consecutive indicators of a family as one query (one scan, one weight join).
   */
  famille?: string;
  /**
   * A family requete: the `mesures` variables it reads. The engine binds their union over the
   * batch as `$variables`, which the family SQL uses to filter `mesures` in the scan itself
   * (`list_contains($variables, variable)`, about twice as fast as the join alone).
   */
  variables?: string[];
}

/** A definition plus the SQL producing its bricks (see briques.md), united by the engine. */
export interface Indicateur {
  definition: DefinitionIndicateur;
  requetes: RequeteIndicateur[];
}
