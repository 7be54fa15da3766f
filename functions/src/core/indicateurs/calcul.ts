import { createHash } from 'node:crypto';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { sqlPath, type Session } from '../duckdb/duckdb.ts';
import macrosSql from '../sql/macros.sql';
import agregationSql from './agregation.sql';
import diffusionSql from './diffusion.sql';
import {
  creerVueMesures,
  creerVuePublies,
  executerMoteur,
  executerScript,
  preparerMargesSecret,
  type EtapeMoteur,
  type FichierIndicateur,
  type FichierSecrets,
  type OptionsMoteur,
  type SourceParquet,
} from './moteur.ts';
import epciInchangesSql from './epci-inchanges.sql';
import pairesEmboiteesSql from './paires-emboitees.sql';
import perimetresSql from './perimetres.sql';
import scindeesSql from './scindees.sql';
import { SEPARATEUR_POIDS } from './commun.ts';
import { INDICATEURS } from './registry.ts';
import resultatsSql from './resultats.sql';
import secondaireSql from './secret-secondaire.sql';
import secretsCommunesSql from './secrets-communes.sql';

/** Lake and mart files the engine reads (local paths, fetched by the caller). */
export interface SourcesMoteur {
  harmonisations: SourceParquet[];
  publies: SourceParquet[];
  /** INSEE EPCI compositions of past geographies, by COG year. */
  compositionsEpci: Array<{ cog: number; fichier: string }>;
  /** Current communes déléguées / associées → their commune (to read past codes). */
  communesDeleguees: Array<[string, string]>;
  /** Split communes (rétablissements): source code → each current commune it became. */
  scissions: Array<[string, string]>;
  /** INSEE population estimates (for the France 2006 standard population). */
  estimations: string | null;
  /** CLS registry (lake dataset `registre-cls`). */
  cls: string | null;
  millesimePopulations: string;
}

/** Changes whenever a definition, an indicator SQL or the engine's SQL changes. */
export function empreinteRegistre(): string {
  return createHash('sha256')
    .update(JSON.stringify(INDICATEURS))
    .update(macrosSql + agregationSql + resultatsSql + diffusionSql + secondaireSql + secretsCommunesSql + perimetresSql + pairesEmboiteesSql + epciInchangesSql + scindeesSql)
    .digest('hex');
}

/**
 * Prepares the engine's logical inputs in the current session (which already holds `pop_source`,
 * `passage`, `ref_*` and the territories table `t`, see marts/compute.ts), runs the engine and
 * writes the marts: one file of every value per indicator (canonical shape, sorted by level,
 * code, period) and the INSEE-secret commune rows as lists (ADR 0012).
 */
export async function preparerEtExecuter(
  s: Session,
  sources: SourcesMoteur,
  dossier: string,
  options: OptionsMoteur = {},
): Promise<{ lignes: number; etapes: EtapeMoteur[]; masquesSecondaires: number; masquesComplementaires: number; cls: number; fichiers: FichierIndicateur[]; secrets: FichierSecrets }> {
  const t0 = performance.now();
  await creerVueMesures(s, sources.harmonisations);
  await creerVuePublies(s, sources.publies);
  // Weights of the approximations (persons, households, standardised population): for each weight
  // list of the registry, the preferred weight of every commune, dataset and period, built once.
  const listesPoids = [...new Set(INDICATEURS.flatMap((i) => i.requetes.flatMap((r) => (typeof r.parametres.liste_poids === 'string' ? [r.parametres.liste_poids] : []))))];
  await s.run('CREATE OR REPLACE TEMP TABLE poids_choisis (liste VARCHAR, dataset VARCHAR, cle VARCHAR, periode VARCHAR, valeur DOUBLE)');
  for (const liste of listesPoids) {
    await s.run(
      `INSERT INTO poids_choisis
       SELECT $liste, dataset, cle, periode, arg_min(valeur, list_position($variables, variable))
       FROM mesures
       WHERE list_contains($variables, variable) AND statut IN ('ok', 'partiel')
       GROUP BY dataset, cle, periode`,
      { liste, variables: listValue(liste.split(SEPARATEUR_POIDS)) },
    );
  }
  await s.run(
    `CREATE OR REPLACE TEMP TABLE populations AS
     SELECT
         coalesce(p.code_commune, '?' || s.code_source) AS cle,
         p.code_commune,
         CASE WHEN s.code_source[1:2] IN ('97', '98') THEN s.code_source[1:3] ELSE s.code_source[1:2] END AS code_departement,
         sum(s.pmun)::DOUBLE AS pmun,
         $millesime AS millesime
     FROM pop_source AS s
     JOIN passage AS p USING (code_source)
     GROUP BY ALL`,
    { millesime: sources.millesimePopulations },
  );
  await s.run(`CREATE OR REPLACE TEMP TABLE population_communes AS
     SELECT code_commune, sum(pmun) AS pmun FROM populations WHERE code_commune IS NOT NULL GROUP BY code_commune`);
  await s.run(`CREATE OR REPLACE TEMP TABLE cls_source (
      code_cls VARCHAR, libelle VARCHAR, version INTEGER, date_debut DATE, date_fin DATE, type_membre VARCHAR, code_membre VARCHAR)`);
  if (sources.cls) {
    await s.run(`INSERT INTO cls_source
      SELECT code_cls, libelle, version, date_debut, date_fin, type_membre, code_membre
      FROM read_parquet(${sqlPath(sources.cls)}, hive_partitioning = false)`);
  }
  await s.run('CREATE OR REPLACE TEMP TABLE composition_passee (cog INTEGER, code_commune VARCHAR, code_epci VARCHAR)');
  for (const c of sources.compositionsEpci) {
    await s.run(`INSERT INTO composition_passee SELECT $cog, code_commune, code_epci FROM read_parquet(${sqlPath(c.fichier)}, hive_partitioning = false)`, { cog: c.cog });
  }
  await s.run('CREATE OR REPLACE TEMP TABLE communes_deleguees (code VARCHAR, commune VARCHAR)');
  await s.append('communes_deleguees', sources.communesDeleguees);
  await executerScript(s, epciInchangesSql);
  // Perimeters: every territory and the communes it holds; references of each territory.
  await executerScript(s, perimetresSql);
  await s.run('CREATE OR REPLACE TEMP TABLE successeurs (code_source VARCHAR, code_commune VARCHAR)');
  await s.append('successeurs', sources.scissions);
  await s.run(`CREATE OR REPLACE TEMP TABLE appartenance_scindees AS ${scindeesSql}`);
  await preparerMargesSecret(s);
  await s.run(`CREATE OR REPLACE TEMP TABLE standard_france_2006 (bas INTEGER, population DOUBLE)`);
  if (sources.estimations) {
    await s.run(`INSERT INTO standard_france_2006
      SELECT CAST(regexp_extract(age, '^(\\d+)', 1) AS INTEGER), sum(valeur)
      FROM read_parquet(${sqlPath(sources.estimations)}, hive_partitioning = false)
      -- France 2006, both sexes, 5-year bands (methods.md §12, decision 1)
      WHERE niveau = 'france' AND periode = '2006' AND sexe = 'ensemble' AND variable = 'population-estimee'
      GROUP BY 1`);
  }
  const etapes: EtapeMoteur[] = [{ etape: 'périmètres', ms: performance.now() - t0 }];
  const moteur = await executerMoteur(s, dossier, options);
  etapes.push(...moteur.etapes);
  const [{ cls } = { cls: 0 }] = await s.all<{ cls: number }>(`SELECT count(*)::INTEGER AS cls FROM territoires_connus WHERE niveau = 'cls'`);
  const lignes = moteur.fichiers.reduce((n, f) => n + f.lignes, 0);
  return { lignes, etapes, masquesSecondaires: moteur.masquesSecondaires, masquesComplementaires: moteur.masquesComplementaires, cls, fichiers: moteur.fichiers, secrets: moteur.secrets };
}
