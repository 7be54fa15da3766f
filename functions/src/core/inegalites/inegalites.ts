import { sqlPath, type Session } from '../duckdb/duckdb.ts';
import { ParametreInvalideError, TerritoireInconnuError } from '../errors.ts';
import { indicateur as definitionIndicateur } from '../indicateurs/registry.ts';
import type { Methode } from '../indicateurs/types.ts';
import type { StatutIndicateur } from '../model/api-types.ts';
import { isCodeValide } from '../model/niveaux.ts';
import { statutPublie } from '../model/statuts.ts';
import {
  concentrationIndexGrouped,
  crudeRateAggregated,
  finiteOrNull,
  inequalityBetweenUnits,
  interdecileRatio,
  populationQuintiles,
  siiRii,
  wilsonIntervalAggregated,
  type QuantileRule,
} from '../stats/index.ts';
import { avecMembreTerritoire } from '../sql/membre-territoire.ts';
import communesSqlBrut from './communes.sql';

const communesSql = avecMembreTerritoire(communesSqlBrut, 'SELECT code_commune FROM inegalites_cls WHERE code_cls = $code');

/**
 * Inequalities between the communes of a territory (methods.md §8): the population-weighted
 * distribution of an indicator across its communes (D1, D9, D9/D1, Gini, Theil, CV) and its
 * social gradient across population quintiles of a deprivation proxy — the communes' median
 * niveau de vie (Filosofi), named as such, never called FDep (ADR 0009). Reads three mart files
 * (indicator, proxy, territories) in the caller's DuckDB session, through temporary views
 * prefixed `inegalites_`; every statistic comes from core/stats.
 */

/** The deprivation proxy: its indicator and the label shown with every gradient. */
export const PROXY_DEFAVORISATION = {
  indicateur: 'niveau-vie-median',
  libelle: 'Quintiles du niveau de vie médian des communes (proxy de défavorisation, pas l’indice FDep)',
} as const;

/**
 * The four FDep inputs (methods.md §7.1) and the engine indicator giving each one at commune
 * level, when the registry has one. FDep is computed only if all four exist.
 */
export const ENTREES_FDEP = [
  { entree: 'revenu médian par unité de consommation (Filosofi)', indicateur: 'niveau-vie-median' },
  { entree: 'part des bacheliers parmi les 15 ans ou plus non scolarisés (recensement)', indicateur: 'part-diplomes-bac-ou-plus' },
  { entree: 'part des ouvriers parmi les actifs de 15-64 ans (recensement)', indicateur: 'part-ouvriers' },
  { entree: 'taux de chômage des 15-64 ans (recensement)', indicateur: 'taux-chomage' },
] as const;

/** Levels whose communes can be listed: a commune holds none. */
export const NIVEAUX_INEGALITES = ['epci', 'departement', 'region', 'france', 'cls'] as const;
export type NiveauInegalites = (typeof NIVEAUX_INEGALITES)[number];

const REGLE_QUANTILE: QuantileRule = 'weighted_quantile_step';
const CODE_CLS = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.v[0-9]+)?$/;
/** Methods whose quintile value is Σ numerators / Σ denominators × multiplier (methods.md §1.1). */
const METHODES_SOMMABLES: ReadonlySet<Methode> = new Set(['proportion', 'taux', 'ratio']);

export interface ArgumentsInegalites {
  /** The indicator's mart Parquet (local path). */
  fichierIndicateur: string;
  /**
   * The relation to read instead of the file (trusted SQL): the API's, which adds the INSEE-secret
   * commune rows the engine keeps as lists (api/relations-marts.ts, ADR 0012).
   */
  relationIndicateur?: string;
  /** The mart Parquet of `niveau-vie-median` (the proxy); null: no gradient. */
  fichierProxy: string | null;
  /** The territories mart Parquet. */
  fichierTerritoires: string;
  /** The CLS perimeters mart (code, libelle, code_commune; see marts/manifeste.ts): `niveau` 'cls' only. */
  fichierPerimetresCls?: string | null;
  niveau: string;
  code: string;
  /** Period of the indicator; default: its latest commune period. */
  periode?: string;
}

export interface DistributionCommunes {
  /** Communes used (value and population known) / communes of the territory. */
  n: number;
  total: number;
  /** Population of the communes used / population of the territory's communes. */
  couverturePopulation: number | null;
  ponderation: 'population municipale';
  regleQuantile: QuantileRule;
  d1: number;
  d9: number;
  rapportD9D1: number | null;
  moyennePonderee: number;
  /** Null when a commune value is negative (indices of §8.2 need values ≥ 0). */
  gini: number | null;
  theilT: number | null;
  theilL: number | null;
  cv: number | null;
  min: number;
  max: number;
}

export interface QuintileGradient {
  /** 1 = communes of lowest median niveau de vie (most deprived) … 5 = highest. */
  quintile: number;
  /** Communes of the quintile (with a proxy value), and those of them with an indicator value. */
  communes: number;
  communesUtilisees: number;
  population: number;
  populationUtilisee: number;
  proxyMin: number | null;
  proxyMax: number | null;
  numerateur: number | null;
  denominateur: number | null;
  valeur: number | null;
  icBas: number | null;
  icHaut: number | null;
  methodeIc: 'Wilson' | 'Exact' | 'Byar' | null;
}

export interface GradientSocial {
  proxy: { indicateur: typeof PROXY_DEFAVORISATION.indicateur; libelle: typeof PROXY_DEFAVORISATION.libelle; periode: string };
  ordre: string;
  regleQuintiles: string;
  /** How a quintile's value is made: Σ num / Σ den × multiplier, or the population-weighted mean of commune values. */
  mesure: 'somme-numerateurs-sur-somme-denominateurs' | 'moyenne-ponderee-population';
  quintiles: QuintileGradient[];
  /** Communes of the territory without a proxy value (secret or absent Filosofi). */
  communesSansProxy: number;
  sii: { valeur: number; rii: number | null; intercept: number; convention: string; ic: null; raisonIc: string } | null;
  indiceConcentration: { valeur: number | null; convention: string; ic: null; raisonIc: string } | null;
}

export type Fdep = { disponible: false; manquants: string[] } | { disponible: true; manquants: [] };

export interface ResultatInegalites {
  territoire: { niveau: NiveauInegalites; code: string; libelle: string | null; population: number | null };
  indicateur: { id: string; libelle: string; unite: string; methode: Methode; multiplicateur: number; periode: string };
  /** Communes of the territory; those left out of the distribution, by reason. */
  communes: { total: number; utilisees: number; exclues: Record<string, number> };
  distribution: DistributionCommunes | null;
  gradient: GradientSocial | null;
  fdep: Fdep;
  avertissements: string[];
}

type LigneCommune = {
  code: string;
  population: number | null;
  valeur: number | null;
  numerateur: number | null;
  denominateur: number | null;
  statut: string | null;
  proxy: number | null;
};

/** FDep needs its four inputs at commune level: those the registry lacks (methods.md §7.1). */
export function disponibiliteFdep(): Fdep {
  const manquants = ENTREES_FDEP.filter((e) => definitionIndicateur(e.indicateur) === undefined).map((e) => e.entree);
  return manquants.length === 0 ? { disponible: true, manquants: [] } : { disponible: false, manquants };
}

/** The year a period ends (`2013-2018` → 2018, `2019` → 2019). */
function anneeFin(periode: string): number | null {
  const m = /(\d{4})$/.exec(periode);
  return m ? Number(m[1]) : null;
}

function verifierTerritoire(niveau: string, code: string): NiveauInegalites {
  if (niveau === 'commune') {
    throw new ParametreInvalideError('niveau', 'niveau : une commune ne contient pas de communes ; les inégalités entre communes se calculent pour un EPCI, un département, une région, la France ou un CLS.');
  }
  if (!(NIVEAUX_INEGALITES as readonly string[]).includes(niveau)) {
    throw new ParametreInvalideError('niveau', `niveau : « ${niveau} » inconnu (attendu : ${NIVEAUX_INEGALITES.join(', ')}).`);
  }
  const n = niveau as NiveauInegalites;
  if (n === 'cls' ? !CODE_CLS.test(code) : !isCodeValide(n, code)) {
    throw new ParametreInvalideError('code', `code : « ${code} » n’est pas un code de niveau ${niveau}.`);
  }
  return n;
}

async function creerVues(s: Session, args: ArgumentsInegalites): Promise<void> {
  await s.run(`CREATE OR REPLACE TEMP VIEW inegalites_territoires AS SELECT * FROM read_parquet(${sqlPath(args.fichierTerritoires)})`);
  await s.run(`CREATE OR REPLACE TEMP VIEW inegalites_indicateur AS SELECT * FROM ${args.relationIndicateur ?? `read_parquet(${sqlPath(args.fichierIndicateur)})`}`);
  await s.run(
    args.fichierProxy
      ? `CREATE OR REPLACE TEMP VIEW inegalites_proxy AS SELECT * FROM read_parquet(${sqlPath(args.fichierProxy)})`
      : `CREATE OR REPLACE TEMP VIEW inegalites_proxy AS SELECT NULL::VARCHAR AS indicateur, NULL::VARCHAR AS niveau, NULL::VARCHAR AS code, NULL::VARCHAR AS periode, NULL::DOUBLE AS valeur WHERE false`,
  );
  // CLS perimeters as the engine built them (one row per perimeter and commune: '<id>' is the
  // latest version, '<id>.v<n>' version n)
  await s.run(
    args.fichierPerimetresCls
      ? `CREATE OR REPLACE TEMP VIEW inegalites_cls AS
         SELECT code AS code_cls, libelle, code_commune FROM read_parquet(${sqlPath(args.fichierPerimetresCls)}, hive_partitioning = false)`
      : `CREATE OR REPLACE TEMP VIEW inegalites_cls AS SELECT NULL::VARCHAR AS code_cls, NULL::VARCHAR AS libelle, NULL::VARCHAR AS code_commune WHERE false`,
  );
}

/**
 * Inequalities of one indicator between the communes of a territory (EPCI, département, région,
 * France, CLS). Weights: population municipale of the territories mart. Communes without a value
 * (masked, secret, absent) or without population are excluded and counted by reason.
 */
export async function inegalitesTerritoire(s: Session, args: ArgumentsInegalites): Promise<ResultatInegalites> {
  const niveau = verifierTerritoire(args.niveau, args.code);
  if (niveau === 'cls' && !args.fichierPerimetresCls) {
    throw new ParametreInvalideError('fichierPerimetresCls', 'fichierPerimetresCls : le mart des périmètres des CLS est nécessaire pour lister les communes d’un CLS.');
  }
  await creerVues(s, args);

  const ids = await s.all<{ id: string }>('SELECT DISTINCT indicateur AS id FROM inegalites_indicateur ORDER BY id');
  if (ids.length !== 1) throw new ParametreInvalideError('fichierIndicateur', 'fichierIndicateur : un fichier d’indicateur (une seule valeur de la colonne indicateur) est attendu.');
  const def = definitionIndicateur(ids[0]!.id)?.definition;
  if (!def) throw new ParametreInvalideError('fichierIndicateur', `fichierIndicateur : indicateur « ${ids[0]!.id} » absent du registre.`);
  if (args.fichierProxy) {
    const proxyIds = await s.all<{ id: string }>('SELECT DISTINCT indicateur AS id FROM inegalites_proxy ORDER BY id');
    // an empty file (no income data in the lake) is no proxy: the gradient is then not computed
    if (proxyIds.length > 1 || (proxyIds.length === 1 && proxyIds[0]!.id !== PROXY_DEFAVORISATION.indicateur)) {
      throw new ParametreInvalideError('fichierProxy', `fichierProxy : le fichier de l’indicateur ${PROXY_DEFAVORISATION.indicateur} est attendu.`);
    }
  }

  // The territory and its label
  const territoire =
    niveau === 'cls'
      ? await s.all<{ libelle: string; population: number | null }>(
          `SELECT any_value(c.libelle) AS libelle, sum(t.population)::DOUBLE AS population
           FROM inegalites_cls AS c
           JOIN inegalites_territoires AS t ON t.niveau = 'commune' AND t.code = c.code_commune
           WHERE c.code_cls = $code
           HAVING count(*) > 0`,
          { code: args.code },
        )
      : await s.all<{ libelle: string; population: number | null }>(
          `SELECT libelle, population::DOUBLE AS population FROM inegalites_territoires WHERE niveau = $niveau AND code = $code`,
          { niveau, code: args.code },
        );
  if (territoire.length === 0) throw new TerritoireInconnuError(niveau, args.code);

  // Periods: the indicator's (given or latest), the proxy's latest not after it
  const periodes = (await s.all<{ periode: string }>(`SELECT DISTINCT periode FROM inegalites_indicateur WHERE niveau = 'commune' ORDER BY periode`)).map((p) => p.periode);
  if (periodes.length === 0) throw new ParametreInvalideError('fichierIndicateur', `fichierIndicateur : l’indicateur ${def.id} n’a aucune valeur communale.`);
  const parFin = (a: string, b: string) => (anneeFin(a) ?? 0) - (anneeFin(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
  const periode = args.periode ?? [...periodes].sort(parFin).at(-1)!;
  if (!periodes.includes(periode)) {
    throw new ParametreInvalideError('periode', `periode : « ${periode} » absente des valeurs communales de ${def.id} (disponibles : ${periodes.join(', ')}).`);
  }
  const fin = anneeFin(periode);
  const periodesProxy = (await s.all<{ periode: string }>(`SELECT DISTINCT periode FROM inegalites_proxy WHERE niveau = 'commune' AND valeur IS NOT NULL ORDER BY periode`))
    .map((p) => p.periode)
    .filter((p) => fin !== null && (anneeFin(p) ?? Infinity) <= fin)
    .sort(parFin);
  const periodeProxy = periodesProxy.at(-1) ?? null;

  const lignes = await s.all<LigneCommune>(communesSql, { niveau, code: args.code, periode, periode_proxy: periodeProxy ?? '—' });
  const avertissements = [
    'Inégalités entre communes (inter-communales) : elles ignorent les inégalités à l’intérieur de chaque commune et ne sont pas les indicateurs Filosofi individuels.',
  ];

  // Distribution across communes with a value and a population
  const exclues: Record<string, number> = {};
  const utilisees: LigneCommune[] = [];
  for (const l of lignes) {
    // (by the published statut: a secondary mask counts as a primary one)
    const raison = l.valeur === null ? (l.statut === null ? 'absent' : l.statut === 'ok' ? 'sans_valeur' : statutPublie(l.statut as StatutIndicateur)) : !(l.population !== null && l.population > 0) ? 'population_absente' : null;
    if (raison === null) utilisees.push(l);
    else exclues[raison] = (exclues[raison] ?? 0) + 1;
  }
  const distribution = calculerDistribution(utilisees, lignes, avertissements);
  if (utilisees.length > 0 && utilisees.length < 5) avertissements.push(`Moins de 5 communes avec une valeur (${utilisees.length}) : indicateurs d’inégalité très instables.`);

  let gradient: GradientSocial | null = null;
  if (!args.fichierProxy) avertissements.push('Pas de fichier du proxy de défavorisation : gradient social non calculé.');
  else if (periodeProxy === null) avertissements.push(`Aucun millésime du niveau de vie médian communal antérieur ou égal à ${periode} : gradient social non calculé.`);
  else gradient = calculerGradient(lignes, { methode: def.methode, multiplicateur: def.multiplicateur, periodeProxy }, avertissements);

  return {
    territoire: { niveau, code: args.code, libelle: territoire[0]!.libelle, population: territoire[0]!.population },
    indicateur: { id: def.id, libelle: def.libelle, unite: def.unite, methode: def.methode, multiplicateur: def.multiplicateur, periode },
    communes: { total: lignes.length, utilisees: utilisees.length, exclues },
    distribution,
    gradient,
    fdep: disponibiliteFdep(),
    avertissements,
  };
}

function calculerDistribution(utilisees: LigneCommune[], toutes: LigneCommune[], avertissements: string[]): DistributionCommunes | null {
  if (utilisees.length === 0) {
    avertissements.push('Aucune commune avec une valeur : distribution non calculée.');
    return null;
  }
  const valeurs = utilisees.map((l) => l.valeur!);
  const poids = utilisees.map((l) => l.population!);
  const q = interdecileRatio(valeurs, poids, REGLE_QUANTILE);
  if (q.fewUnits) avertissements.push(`Moins de 10 communes (${q.units}) : le rapport D9/D1 inter-communal rapproche surtout deux communes (methods.md §8.1).`);
  const negatives = valeurs.some((v) => v < 0);
  const ind = negatives ? null : inequalityBetweenUnits(valeurs, poids);
  if (negatives) avertissements.push('Valeurs communales négatives : Gini, Theil et CV non définis (methods.md §8.2).');
  if (ind && ind.zerosDroppedForTheilL > 0) avertissements.push(`${ind.zerosDroppedForTheilL} commune(s) de valeur nulle exclue(s) du Theil L (methods.md §8.2).`);
  const populationTotale = toutes.reduce((a, l) => a + (l.population ?? 0), 0);
  const populationUtilisee = poids.reduce((a, p) => a + p, 0);
  return {
    n: utilisees.length,
    total: toutes.length,
    couverturePopulation: populationTotale > 0 ? populationUtilisee / populationTotale : null,
    ponderation: 'population municipale',
    regleQuantile: q.rule,
    d1: q.d1,
    d9: q.d9,
    rapportD9D1: q.ratio,
    moyennePonderee: ind?.weightedMean ?? valeurs.reduce((a, v, i) => a + v * poids[i]!, 0) / populationUtilisee,
    gini: ind ? ind.gini : null,
    theilT: ind ? ind.theilT : null,
    theilL: ind ? ind.theilL : null,
    cv: ind ? ind.cv : null,
    min: Math.min(...valeurs),
    max: Math.max(...valeurs),
  };
}

/**
 * Population quintiles of the proxy (communes sorted by median niveau de vie, lowest first, ties
 * by code): quintile = ⌊5·m⌋ + 1 with m the commune's cumulative-population midpoint — the rule
 * of methods.md §7.1 step 7, ordered here from the most deprived (§8.3).
 */
export function quintilesPopulation(communes: ReadonlyArray<{ code: string; population: number; proxy: number }>): Map<string, number> {
  return populationQuintiles(communes.map((c) => ({ code: c.code, population: c.population, score: c.proxy })));
}

function calculerGradient(
  lignes: LigneCommune[],
  ind: { methode: Methode; multiplicateur: number; periodeProxy: string },
  avertissements: string[],
): GradientSocial {
  const avecProxy = lignes.filter((l): l is LigneCommune & { proxy: number; population: number } => l.proxy !== null && l.population !== null && l.population > 0);
  const quintileDe = avecProxy.length > 0 ? quintilesPopulation(avecProxy) : new Map<string, number>();
  const sommable = METHODES_SOMMABLES.has(ind.methode);
  const quintiles: QuintileGradient[] = [1, 2, 3, 4, 5].map((k) => {
    const membres = avecProxy.filter((l) => quintileDe.get(l.code) === k);
    const utilises = membres.filter((l) => (sommable ? l.numerateur !== null && l.denominateur !== null : l.valeur !== null));
    const proxys = membres.map((l) => l.proxy);
    const q: QuintileGradient = {
      quintile: k,
      communes: membres.length,
      communesUtilisees: utilises.length,
      population: membres.reduce((a, l) => a + l.population, 0),
      populationUtilisee: utilises.reduce((a, l) => a + l.population, 0),
      proxyMin: proxys.length > 0 ? Math.min(...proxys) : null,
      proxyMax: proxys.length > 0 ? Math.max(...proxys) : null,
      numerateur: null,
      denominateur: null,
      valeur: null,
      icBas: null,
      icHaut: null,
      methodeIc: null,
    };
    if (utilises.length === 0) return q;
    if (sommable) {
      const lignesNd = utilises.map((l) => ({ numerator: l.numerateur!, denominator: l.denominateur! }));
      q.numerateur = lignesNd.reduce((a, l) => a + l.numerator, 0);
      q.denominateur = lignesNd.reduce((a, l) => a + l.denominator, 0);
      if (ind.methode === 'taux') {
        const r = crudeRateAggregated(lignesNd, { multiplier: ind.multiplicateur });
        Object.assign(q, { valeur: r.value, icBas: r.lower, icHaut: r.upper, methodeIc: r.value === null ? null : r.method });
      } else if (ind.methode === 'proportion') {
        const r = wilsonIntervalAggregated(lignesNd);
        const m = ind.multiplicateur;
        Object.assign(q, { valeur: r.value === null ? null : r.value * m, icBas: r.lower === null ? null : r.lower * m, icHaut: r.upper === null ? null : r.upper * m, methodeIc: r.value === null ? null : 'Wilson' });
      } else {
        q.valeur = q.denominateur > 0 ? (q.numerateur / q.denominateur) * ind.multiplicateur : null;
      }
    } else {
      q.valeur = utilises.reduce((a, l) => a + l.valeur! * l.population, 0) / q.populationUtilisee;
    }
    return q;
  });

  const vides = quintiles.filter((q) => q.valeur === null).map((q) => q.quintile);
  if (avecProxy.length < 5) avertissements.push(`Moins de 5 communes avec un niveau de vie médian publié (${avecProxy.length}) : quintiles dégénérés.`);
  if (vides.length > 0) {
    avertissements.push(
      `Quintile(s) ${vides.join(', ')} sans valeur (une commune peut porter plus d’un cinquième de la population) : SII, RII et indice de concentration non calculés, tous les quintiles étant requis (methods.md §8.3).`,
    );
  }
  let sii: GradientSocial['sii'] = null;
  let indiceConcentration: GradientSocial['indiceConcentration'] = null;
  const raisonIc =
    'Non calculé : methods.md (§8.3–8.4) ne donne d’intervalle que par simulation (PHE) ; une erreur-type analytique n’est pas fournie.';
  if (vides.length === 0) {
    const populations = quintiles.map((q) => q.populationUtilisee);
    const valeurs = quintiles.map((q) => q.valeur!);
    const r = siiRii(populations, valeurs);
    sii = {
      valeur: r.sii,
      rii: finiteOrNull(r.rii),
      intercept: r.intercept,
      convention: 'Quintiles ordonnés du plus défavorisé (rang 0) au moins défavorisé (rang 1) : SII = valeur ajustée au rang 1 − valeur ajustée au rang 0 ; RII = rapport des deux.',
      ic: null,
      raisonIc,
    };
    const c = concentrationIndexGrouped(populations, valeurs);
    indiceConcentration = {
      valeur: finiteOrNull(c.concentrationIndex),
      convention: 'Rang fractionnaire depuis les communes les plus défavorisées : C < 0, indicateur concentré dans les communes au niveau de vie médian le plus bas.',
      ic: null,
      raisonIc,
    };
  }
  return {
    proxy: { ...PROXY_DEFAVORISATION, periode: ind.periodeProxy },
    ordre: 'Q1 = communes au niveau de vie médian le plus bas (les plus défavorisées) … Q5 = le plus haut.',
    regleQuintiles: 'Quintiles de population : point milieu de la population cumulée, ⌊5·m⌋ + 1, communes triées par niveau de vie médian croissant (methods.md §7.1, étape 7).',
    mesure: sommable ? 'somme-numerateurs-sur-somme-denominateurs' : 'moyenne-ponderee-population',
    quintiles,
    communesSansProxy: lignes.length - avecProxy.length,
    sii,
    indiceConcentration,
  };
}
