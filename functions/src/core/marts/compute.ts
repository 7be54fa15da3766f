import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { sqlPath, type Session } from '../duckdb/duckdb.ts';
import { AppError } from '../errors.ts';
import { chargerReferentiel, LIBELLE_GEOGRAPHIE, MILLESIME_COG_COURANT, type Referentiel } from '../geographie/referentiel.ts';
import { passerAuCogCourant, successeursDesScissions, type Mouvement } from '../geographie/passage.ts';
import { derniereVersion, lireManifesteDataset, type ManifesteDataset, type VersionDataset } from '../lake/manifeste.ts';
import { empreinteHarmonisation, harmoniser, versionsCommunales, type Harmonisation } from './harmonisation.ts';
import { normaliserRecherche } from '../model/niveaux.ts';
import type { Runtime } from '../runtime.ts';
import { CLE_MANIFESTE_MARTS, cleMart } from '../storage/keys.ts';
import { getJson } from '../storage/storage.ts';
import territoiresSql from './territoires.sql';
import { empreinteRegistre, preparerEtExecuter, type SourcesMoteur } from '../indicateurs/calcul.ts';
import type { EtapeMoteur, OptionsMoteur } from '../indicateurs/moteur.ts';
import type { ManifesteMarts, PassageRapport } from './manifeste.ts';

/** Dataset versions harmonised at the same time (2 cores: DuckDB in one, TypeScript in the other). */
const HARMONISATIONS_EN_PARALLELE = 2;

/** Increment when the marts' shape or rules change: forces a recompute of unchanged inputs. */
export const VERSION_MARTS = 2;

const NATURES_EPCI: Readonly<Record<string, string>> = {
  CC: 'Communauté de communes',
  CA: "Communauté d'agglomération",
  CU: 'Communauté urbaine',
  METRO: 'Métropole',
  MET69: 'Métropole de Lyon',
};

export interface ComputeResultat {
  statut: 'calcule' | 'inchange';
  manifeste: ManifesteMarts;
  /** Mart files of older computations removed after the new manifest was written. */
  supprimes?: number;
}

export class DonneesManquantesError extends AppError {
  constructor(message: string) {
    super('donnees_manquantes', message);
  }
}

/** Inputs of the marts, as recorded in the marts manifest (to detect staleness). */
async function lireEntrees(runtime: Runtime): Promise<{ populations: VersionDataset; mouvements: VersionDataset | null }> {
  const mp = await lireManifesteDataset(runtime.storage, 'populations-legales');
  const populations = mp ? derniereVersion(mp) : null;
  if (!populations) throw new DonneesManquantesError('Aucune population légale dans le lac : ingérez d’abord le fichier des populations légales.');
  const mm = await lireManifesteDataset(runtime.storage, 'cog-mouvements');
  const mouvements = mm ? derniereVersion(mm) : null;
  return { populations, mouvements };
}

interface Plan {
  populations: VersionDataset;
  mouvements: VersionDataset | null;
  empreinteTerritoires: string;
  harmonisations: Array<{ cle: string; dataset: string; cleVersion: string; version: VersionDataset; empreinte: string }>;
  /** Versions holding values published above the commune (Filosofi EPCI/DEP/REG, CépiDc, ORS tables…). */
  publies: Array<{ dataset: string; millesime: string; cleParquet: string; cogSource: number | null }>;
  /** EPCI compositions of past geographies (to tell whether a published EPCI value is on today's perimeter). */
  compositionsEpci: Array<{ cog: number; cleParquet: string }>;
  /** Lake inputs of the indicator engine beside the harmonised measures. */
  estimations: VersionDataset | null;
  cls: VersionDataset | null;
  empreinteIndicateurs: string;
}

/** What the marts must be made of, with a fingerprint per output. Reads only manifests. */
async function planifier(runtime: Runtime): Promise<Plan> {
  const { populations, mouvements } = await lireEntrees(runtime);
  const empreinteTerritoires = createHash('sha256')
    .update(`${VERSION_MARTS}:${populations.sha256}:${populations.cleParquet}:${mouvements?.cleParquet ?? ''}`)
    .digest('hex');
  const harmonisations: Plan['harmonisations'] = [];
  const publies: Plan['publies'] = [];
  const compositionsEpci: Plan['compositionsEpci'] = [];
  let estimations: VersionDataset | null = null;
  let cls: VersionDataset | null = null;
  const manifestes = (await runtime.storage.list('lake/')).filter((o) => /^lake\/[a-z0-9-]+\/manifest\.json$/.test(o.key));
  for (const o of manifestes) {
    const m = await getJson<ManifesteDataset>(runtime.storage, o.key);
    if (!m) continue;
    for (const [cleVersion, version] of versionsCommunales(m)) {
      harmonisations.push({ cle: `${m.dataset}/${cleVersion}`, dataset: m.dataset, cleVersion, version, empreinte: empreinteHarmonisation(version, mouvements, VERSION_MARTS) });
    }
    for (const v of Object.values(m.versions)) {
      if (v.variables !== undefined && (v.niveaux ?? []).some((n) => ['epci', 'departement', 'region', 'france'].includes(n))) {
        publies.push({ dataset: m.dataset, millesime: v.millesime, cleParquet: v.cleParquet, cogSource: v.cogSource ?? null });
      }
    }
    if (m.dataset === 'epci-composition-insee') {
      for (const v of Object.values(m.versions)) if (v.cogSource) compositionsEpci.push({ cog: v.cogSource, cleParquet: v.cleParquet });
    }
    if (m.dataset === 'estimations-population') estimations = derniereVersion(m);
    if (m.dataset === 'registre-cls') cls = derniereVersion(m);
  }
  harmonisations.sort((a, b) => (a.cle < b.cle ? -1 : a.cle > b.cle ? 1 : 0));
  publies.sort((a, b) => (a.cleParquet < b.cleParquet ? -1 : a.cleParquet > b.cleParquet ? 1 : 0));
  const empreinteIndicateurs = createHash('sha256')
    .update(
      JSON.stringify([
        VERSION_MARTS,
        empreinteTerritoires,
        empreinteRegistre(),
        harmonisations.map((h) => h.empreinte),
        publies.map((p) => p.cleParquet),
        compositionsEpci.map((c) => c.cleParquet).sort(),
        (estimations as VersionDataset | null)?.cleParquet ?? null,
        (cls as VersionDataset | null)?.cleParquet ?? null,
      ]),
    )
    .digest('hex');
  return { populations, mouvements, empreinteTerritoires, harmonisations, publies, compositionsEpci, estimations, cls, empreinteIndicateurs };
}

function estAJour(manifeste: ManifesteMarts | null, plan: Plan, alteres: ReadonlySet<string>): manifeste is ManifesteMarts {
  if (!manifeste || manifeste.versionMarts !== VERSION_MARTS || manifeste.empreinteTerritoires !== plan.empreinteTerritoires) return false;
  if (manifeste.empreinteIndicateurs !== plan.empreinteIndicateurs || alteres.size > 0) return false;
  const faites = manifeste.harmonisations ?? {};
  return plan.harmonisations.length === Object.keys(faites).length && plan.harmonisations.every((h) => faites[h.cle]?.empreinte === h.empreinte);
}

/**
 * The files a manifest names (marts and harmonised measures) that are absent or no longer the
 * object written (another ETag: truncated, damaged, replaced): they are made again, whatever the
 * fingerprints say. One HEAD each (a stat locally).
 */
async function fichiersAlteres(runtime: Runtime, manifeste: ManifesteMarts | null): Promise<Set<string>> {
  const alteres = new Set<string>();
  if (!manifeste) return alteres;
  const { territoires, indicateurs, perimetresCls, secretsCommunes } = manifeste.marts;
  const ecrits = [territoires, perimetresCls, secretsCommunes, ...Object.values(indicateurs ?? {}), ...Object.values(manifeste.harmonisations ?? {})];
  await Promise.all(
    ecrits.map(async (f) => {
      if (f && (await runtime.storage.head(f.cle))?.etag !== f.etag) alteres.add(f.cle);
    }),
  );
  return alteres;
}

export async function martsAJour(runtime: Runtime): Promise<boolean> {
  try {
    const manifeste = await getJson<ManifesteMarts>(runtime.storage, CLE_MANIFESTE_MARTS);
    return estAJour(manifeste, await planifier(runtime), await fichiersAlteres(runtime, manifeste));
  } catch {
    return false;
  }
}

/**
 * Computes the served marts from the lake: the territories of the current geography with their
 * population municipale at every level. Writes the Parquet marts, then the marts manifest last.
 */
export async function calculerMarts(runtime: Runtime, options: { force?: boolean; forceIndicateurs?: boolean } & OptionsMoteur = {}): Promise<ComputeResultat> {
  const plan = await planifier(runtime);
  const precedent = await getJson<ManifesteMarts>(runtime.storage, CLE_MANIFESTE_MARTS);
  // force: everything again; forceIndicateurs: the indicators again, harmonised measures reused
  const alteres = await fichiersAlteres(runtime, precedent);
  if (!options.force && !options.forceIndicateurs && estAJour(precedent, plan, alteres)) return { statut: 'inchange', manifeste: precedent };
  const { populations, mouvements } = plan;
  const referentiel = chargerReferentiel();
  const cogSource = populations.cogSource ?? MILLESIME_COG_COURANT;
  if (cogSource < MILLESIME_COG_COURANT && !mouvements) {
    throw new DonneesManquantesError(
      `Les populations légales ${populations.millesime} sont sur le COG ${cogSource} : les mouvements des communes sont nécessaires pour les passer au ${LIBELLE_GEOGRAPHIE}.`,
    );
  }

  const workDir = await mkdtemp(path.join(runtime.tmpDir, 'compute-'));
  try {
    const fichierTerritoires = path.join(workDir, 'territoires.parquet');
    const fichierPerimetresCls = path.join(workDir, 'perimetres-cls.parquet');
    const dossierIndicateurs = path.join(workDir, 'indicateurs');
    await mkdir(dossierIndicateurs);
    const mvts = mouvements ? await runtime.db.session(async (s) => lireMouvements(s, await runtime.storage.localPath(mouvements.cleParquet))) : [];
    // Measure datasets on the current COG: only the versions whose inputs changed, two at a time
    // (each in its own session: one's TypeScript passage overlaps the other's DuckDB work).
    const harmonisations: Record<string, Harmonisation & { empreinte: string }> = {};
    const aFaire = plan.harmonisations.filter((h) => {
      // (a harmonised file damaged since it was written is made again)
      const faite = options.force ? undefined : precedent?.harmonisations?.[h.cle];
      const deja = faite && !alteres.has(faite.cle) ? faite : undefined;
      if (deja?.empreinte === h.empreinte) harmonisations[h.cle] = deja;
      return deja?.empreinte !== h.empreinte;
    });
    const file = [...aFaire];
    const ouvrier = () =>
      runtime.db.session(async (s) => {
        for (let h = file.shift(); h; h = file.shift()) {
          const args = { dataset: h.dataset, cleVersion: h.cleVersion, version: h.version, mouvements: mvts, empreinte: h.empreinte, workDir };
          harmonisations[h.cle] = { ...(await harmoniser(runtime, s, args)), empreinte: h.empreinte };
        }
      });
    await Promise.all(Array.from({ length: Math.min(HARMONISATIONS_EN_PARALLELE, aFaire.length) }, ouvrier));
    const { rapport, moteur } = await runtime.db.session(async (s) => {
      await chargerReferentielSql(s, referentiel);
      await s.run(`CREATE TEMP TABLE pop_source AS SELECT code_source, pmun FROM read_parquet(${sqlPath(await runtime.storage.localPath(populations.cleParquet))}, hive_partitioning = false)`);
      const codes = (await s.all<{ code_source: string }>('SELECT code_source FROM pop_source ORDER BY code_source')).map((r) => r.code_source);
      const { lignes, rapport } = construirePassage(codes, mvts, cogSource, referentiel);
      await s.run('CREATE OR REPLACE TEMP TABLE passage (code_source VARCHAR, code_commune VARCHAR, methode VARCHAR)');
      await s.append('passage', lignes);

      // Territories with their population, then search labels and context added in TypeScript
      // (one normalisation rule, shared with the query side).
      await s.run(`CREATE TEMP TABLE t AS ${territoiresSql}`);
      const rows = await s.all<{ niveau: string; code: string; libelle: string; code_departement: string | null; code_region: string | null; code_epci: string | null }>(
        'SELECT niveau, code, libelle, code_departement, code_region, code_epci FROM t ORDER BY niveau, code',
      );
      const libDep = new Map(referentiel.departements.map((d) => [d.code, d.libelle]));
      const libReg = new Map(referentiel.regions.map((r) => [r.code, r.libelle]));
      const natureEpci = new Map(referentiel.epci.map((e) => [e.code, e.nature]));
      await s.run('CREATE TEMP TABLE recherche (niveau VARCHAR, code VARCHAR, libelle_recherche VARCHAR, contexte VARCHAR)');
      await s.append(
        'recherche',
        rows.map((r) => {
          let contexte: string | null = null;
          if (r.niveau === 'commune' && r.code_departement) contexte = `${libDep.get(r.code_departement)} (${r.code_departement})`;
          else if (r.niveau === 'epci') contexte = NATURES_EPCI[natureEpci.get(r.code) ?? ''] ?? 'EPCI';
          else if (r.niveau === 'departement' && r.code_region) contexte = libReg.get(r.code_region) ?? null;
          return [r.niveau, r.code, normaliserRecherche(r.libelle), contexte];
        }),
      );
      await s.run(`
        COPY (
            SELECT t.*, r.libelle_recherche, r.contexte
            FROM t
            JOIN recherche AS r USING (niveau, code)
            ORDER BY t.niveau, t.code
        ) TO ${sqlPath(fichierTerritoires)} (FORMAT parquet, COMPRESSION zstd)`);
      const sources: SourcesMoteur = {
        harmonisations: await Promise.all(
          Object.values(harmonisations)
            .sort((a, b) => (a.cle < b.cle ? -1 : a.cle > b.cle ? 1 : 0))
            .map(async (h) => ({ dataset: h.dataset, millesime: h.millesime, fichier: await runtime.storage.localPath(h.cle) })),
        ),
        publies: await Promise.all(
          plan.publies.map(async (p) => ({ dataset: p.dataset, millesime: p.millesime, cogSource: p.cogSource, fichier: await runtime.storage.localPath(p.cleParquet) })),
        ),
        compositionsEpci: await Promise.all(plan.compositionsEpci.map(async (c) => ({ cog: c.cog, fichier: await runtime.storage.localPath(c.cleParquet) }))),
        communesDeleguees: referentiel.communesDelegueesAssociees.map((d) => [d.code, d.commune] as [string, string]),
        scissions: scissionsConnues(mvts, referentiel),
        estimations: plan.estimations ? await runtime.storage.localPath(plan.estimations.cleParquet) : null,
        cls: plan.cls ? await runtime.storage.localPath(plan.cls.cleParquet) : null,
        millesimePopulations: populations.millesime,
      };
      const moteur = await preparerEtExecuter(s, sources, dossierIndicateurs, { compacterSecrets: options.compacterSecrets });
      // CLS perimeters (every version and the latest) with their communes, for the API.
      await s.run(`COPY (SELECT code, libelle, code_commune FROM cls_communes ORDER BY code, code_commune) TO ${sqlPath(fichierPerimetresCls)} (FORMAT parquet, COMPRESSION zstd)`);
      return { rapport, moteur };
    });

    const cle = cleMart('territoires', plan.empreinteTerritoires);
    const objet = await runtime.storage.putFile(cle, fichierTerritoires, { contentType: 'application/vnd.apache.parquet' });
    const clePerimetres = cleMart('perimetres-cls', plan.empreinteIndicateurs);
    const perimetres = await runtime.storage.putFile(clePerimetres, fichierPerimetresCls, { contentType: 'application/vnd.apache.parquet' });
    const cleSecrets = cleMart('secrets-communes', plan.empreinteIndicateurs);
    const secrets = await runtime.storage.putFile(cleSecrets, moteur.secrets.fichier, { contentType: 'application/vnd.apache.parquet' });
    const indicateurs: ManifesteMarts['marts']['indicateurs'] = {};
    for (const f of moteur.fichiers) {
      const cleIndicateur = cleMart(`indicateurs/${f.indicateur}`, plan.empreinteIndicateurs);
      const o = await runtime.storage.putFile(cleIndicateur, f.fichier, { contentType: 'application/vnd.apache.parquet' });
      indicateurs[f.indicateur] = { cle: cleIndicateur, etag: o.etag, lignes: f.lignes };
    }

    const enVigueur = `${Number(populations.millesime) + 3}-01-01`;
    const manifeste: ManifesteMarts = {
      versionMarts: VERSION_MARTS,
      calculeLe: runtime.now().toISOString(),
      empreinteTerritoires: plan.empreinteTerritoires,
      // in key order, whatever order the versions were harmonised in
      harmonisations: Object.fromEntries(Object.entries(harmonisations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      entrees: {
        populations: { millesime: populations.millesime, sha256: populations.sha256, cleParquet: populations.cleParquet, cogSource },
        mouvements: mouvements ? { millesime: mouvements.millesime, sha256: mouvements.sha256, cleParquet: mouvements.cleParquet, cogSource: mouvements.cogSource } : null,
      },
      empreinteIndicateurs: plan.empreinteIndicateurs,
      marts: {
        territoires: { cle, etag: objet.etag },
        indicateurs,
        perimetresCls: { cle: clePerimetres, etag: perimetres.etag },
        secretsCommunes: { cle: cleSecrets, etag: secrets.etag, listes: moteur.secrets.listes, lignes: moteur.secrets.lignes },
      },
      moteur: { etapes: moteur.etapes, masquesSecondaires: moteur.masquesSecondaires, masquesComplementaires: moteur.masquesComplementaires, cls: moteur.cls, lignes: moteur.lignes, secretsCommunes: moteur.secrets.lignes },
      population: {
        indicateur: 'population-municipale',
        libelle: 'Population municipale',
        producteur: 'Insee',
        source: 'Recensement de la population, populations légales',
        millesime: populations.millesime,
        enVigueurDepuis: enVigueur,
        geographie: LIBELLE_GEOGRAPHIE,
      },
      rapport,
    };
    await runtime.storage.put(CLE_MANIFESTE_MARTS, `${JSON.stringify(manifeste, null, 2)}\n`, { contentType: 'application/json' });
    return { statut: 'calcule', manifeste, supprimes: await nettoyerMarts(runtime, manifeste, precedent) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Every mart file a manifest names (any `cle` under `marts` and `harmonisations`: older manifests had other shapes). */
function clesMarts(m: ManifesteMarts): string[] {
  const cles: string[] = [];
  const parcourir = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(parcourir);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'cle' && typeof x === 'string') cles.push(x);
        else parcourir(x);
      }
    }
  };
  parcourir(m.marts);
  parcourir(m.harmonisations);
  return cles;
}

/**
 * Removes the mart files that neither the new manifest nor the previous one names (files are
 * named by the fingerprint of their inputs: every recompute with new inputs writes new ones). The
 * previous manifest's files are kept: a reader that loaded it just before the switch can finish.
 * A failure leaves files behind, never a broken manifest: it is reported and the compute stands.
 */
async function nettoyerMarts(runtime: Runtime, nouveau: ManifesteMarts, precedent: ManifesteMarts | null): Promise<number> {
  const gardes = new Set([...clesMarts(nouveau), ...(precedent ? clesMarts(precedent) : [])]);
  let supprimes = 0;
  try {
    for (const o of await runtime.storage.list('marts/')) {
      if (o.key === CLE_MANIFESTE_MARTS || gardes.has(o.key)) continue;
      await runtime.storage.delete(o.key);
      supprimes += 1;
    }
  } catch (error) {
    console.error(JSON.stringify({ niveau: 'warn', message: `Nettoyage des anciennes tables incomplet : ${(error as Error).message}` }));
  }
  return supprimes;
}

async function chargerReferentielSql(s: Session, r: Referentiel): Promise<void> {
  await s.run('CREATE TEMP TABLE ref_communes (code VARCHAR, libelle VARCHAR, code_departement VARCHAR, code_region VARCHAR, code_epci VARCHAR)');
  await s.append('ref_communes', r.communes.map((c) => [c.code, c.libelle, c.departement, c.region, c.epci]));
  await s.run('CREATE TEMP TABLE ref_epci (code VARCHAR, libelle VARCHAR, nature VARCHAR)');
  await s.append('ref_epci', r.epci.map((e) => [e.code, e.libelle, e.nature]));
  await s.run('CREATE TEMP TABLE ref_departements (code VARCHAR, libelle VARCHAR, code_region VARCHAR)');
  await s.append('ref_departements', r.departements.map((d) => [d.code, d.libelle, d.region]));
  await s.run('CREATE TEMP TABLE ref_regions (code VARCHAR, libelle VARCHAR)');
  await s.append('ref_regions', r.regions.map((x) => [x.code, x.libelle]));
}

/** Split communes (rétablissements) → their successors, when all are communes of the current geography. */
function scissionsConnues(mouvements: readonly Mouvement[], referentiel: Referentiel): Array<[string, string]> {
  const communes = new Set(referentiel.communes.map((c) => c.code));
  const chefLieu = new Map(referentiel.communesDelegueesAssociees.map((d) => [d.code, d.commune]));
  return [...successeursDesScissions(mouvements, MILLESIME_COG_COURANT, (code) => chefLieu.get(code))]
    .filter(([, successeurs]) => successeurs.every((c) => communes.has(c)))
    .flatMap(([code, successeurs]) => successeurs.map((c): [string, string] => [code, c]));
}

async function lireMouvements(s: Session, fichier: string): Promise<Mouvement[]> {
  const rows = await s.all<{ mod: number; date_eff: string; typecom_av: string; com_av: string; typecom_ap: string; com_ap: string }>(
    `SELECT mod, strftime(date_eff, '%Y-%m-%d') AS date_eff, typecom_av, com_av, typecom_ap, com_ap
     FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)
     ORDER BY date_eff, ligne_source`,
  );
  return rows.map((r) => ({ mod: r.mod, dateEffet: r.date_eff, typeAvant: r.typecom_av, codeAvant: r.com_av, typeApres: r.typecom_ap, codeApres: r.com_ap }));
}

const INDEX = new WeakMap<Referentiel, { courantes: Set<string>; arrondissements: Map<string, string>; deleguees: Map<string, string> }>();

/** Lookups of the referential, built once (construirePassage runs several times per dataset version). */
function index(referentiel: Referentiel) {
  let i = INDEX.get(referentiel);
  if (!i) {
    i = {
      courantes: new Set(referentiel.communes.map((c) => c.code)),
      arrondissements: new Map(referentiel.arrondissementsMunicipaux.map((a) => [a.code, a.commune])),
      deleguees: new Map(referentiel.communesDelegueesAssociees.map((d) => [d.code, d.commune])),
    };
    INDEX.set(referentiel, i);
  }
  return i;
}

/** Where one source code lands, and what the report says of it. */
type Placement =
  | { ligne: [string, string | null, string]; rapport: 'identique' | 'arrondissement' }
  | { ligne: [string, string | null, string]; rapport: 'transferes'; entree: { code: string; vers: string; detail: string } }
  | { ligne: [string, string | null, string]; rapport: 'nonPlaces' | 'scindes'; entree: { code: string; detail: string } };

/**
 * Placements already made, by movements file, referential and source COG: a code lands in the same
 * commune whatever file holds it, and every dataset version (and every candidate COG year of
 * `choisirCog`) asks again for the same ~35 000 codes.
 */
const PLACEMENTS = new WeakMap<readonly Mouvement[], WeakMap<Referentiel, Map<number, Map<string, Placement>>>>();

function placementsConnus(mouvements: readonly Mouvement[], referentiel: Referentiel, cogSource: number): Map<string, Placement> {
  let parReferentiel = PLACEMENTS.get(mouvements);
  if (!parReferentiel) PLACEMENTS.set(mouvements, (parReferentiel = new WeakMap()));
  let parCog = parReferentiel.get(referentiel);
  if (!parCog) parReferentiel.set(referentiel, (parCog = new Map()));
  let connus = parCog.get(cogSource);
  if (!connus) parCog.set(cogSource, (connus = new Map()));
  return connus;
}

/**
 * Places every source code in a current commune: a PLM arrondissement in its commune; any other
 * code through the commune movements, then through the current communes déléguées/associées.
 * Codes that cannot be placed are reported, never dropped.
 */
export function construirePassage(
  codes: readonly string[],
  mouvements: readonly Mouvement[],
  cogSource: number,
  referentiel: Referentiel,
): { lignes: ReadonlyArray<readonly [string, string | null, string]>; rapport: PassageRapport } {
  const connus = placementsConnus(mouvements, referentiel, cogSource);
  const nouveaux = codes.filter((c) => !connus.has(c));
  if (nouveaux.length > 0) {
    const { courantes, arrondissements, deleguees } = index(referentiel);
    const passage = passerAuCogCourant(nouveaux, mouvements, cogSource, MILLESIME_COG_COURANT);
    for (const code of nouveaux) {
      const p = passage.get(code)!;
      const cible = p.codeCible;
      const detail = () => p.etapes.map((e) => `${e.date} MOD ${e.mod}${p.statut === 'scinde' ? '' : ` ${e.de}→${e.vers}`}`).join(', ');
      let placement: Placement;
      if (p.statut === 'scinde' || cible === null) placement = { ligne: [code, null, 'scinde'], rapport: 'scindes', entree: { code, detail: detail() } };
      else if (courantes.has(cible)) {
        placement =
          p.statut === 'identique'
            ? { ligne: [code, cible, 'identique'], rapport: 'identique' }
            : { ligne: [code, cible, 'mouvement'], rapport: 'transferes', entree: { code, vers: cible, detail: detail() } };
      } else if (arrondissements.has(cible)) placement = { ligne: [code, arrondissements.get(cible)!, 'arrondissement'], rapport: 'arrondissement' };
      else if (deleguees.has(cible) && courantes.has(deleguees.get(cible)!)) {
        const vers = deleguees.get(cible)!;
        placement = { ligne: [code, vers, 'deleguee'], rapport: 'transferes', entree: { code, vers, detail: 'commune déléguée ou associée du COG courant' } };
      } else placement = { ligne: [code, null, 'non_place'], rapport: 'nonPlaces', entree: { code, detail: `absent du ${LIBELLE_GEOGRAPHIE} et des mouvements des communes` } };
      connus.set(code, placement);
    }
  }
  const lignes: Array<readonly [string, string | null, string]> = [];
  const rapport: PassageRapport = { codesSource: codes.length, identiques: 0, arrondissements: 0, transferes: [], nonPlaces: [], scindes: [] };
  for (const code of codes) {
    const p = connus.get(code)!;
    // (rows are shared between calls: read-only; report entries are copied: the manifest keeps them)
    lignes.push(p.ligne);
    if (p.rapport === 'identique') rapport.identiques += 1;
    else if (p.rapport === 'arrondissement') rapport.arrondissements += 1;
    else if (p.rapport === 'transferes') rapport.transferes.push({ ...p.entree });
    else if (p.rapport === 'nonPlaces' || p.rapport === 'scindes') rapport[p.rapport].push({ ...p.entree });
  }
  return { lignes, rapport };
}
