import { createHash } from 'node:crypto';
import path from 'node:path';
import { sqlPath, type Session } from '../duckdb/duckdb.ts';
import { chargerReferentiel, MILLESIME_COG_COURANT } from '../geographie/referentiel.ts';
import { contributeursAttendus, type Mouvement } from '../geographie/passage.ts';
import type { ManifesteDataset, VersionDataset } from '../lake/manifeste.ts';
import type { Runtime } from '../runtime.ts';
import { cleMart } from '../storage/keys.ts';
import { construirePassage } from './compute.ts';
import harmonisationSql from './harmonisation.sql';
import type { PassageRapport } from './manifeste.ts';

/** One harmonised version of a measure dataset: its commune rows on the current COG. */
export interface Harmonisation {
  dataset: string;
  version: string;
  millesime: string;
  partie: string | null;
  cogSource: number;
  /** The source COG was not known: assumed current, reported. */
  cogSuppose: boolean;
  sourceParquet: string;
  cle: string;
  etag: string;
  lignes: number;
  rapport: PassageRapport & { arrondissementsDoublons: number; nonAgreges: number; partiels: number; cogCandidats: Array<{ cog: number; nonPlaces: number; scindes: number }> };
}

/** Versions of a manifest that hold commune-level measures. */
export function versionsCommunales(m: ManifesteDataset): Array<[string, VersionDataset]> {
  return Object.entries(m.versions).filter(
    ([, v]) => v.variables !== undefined && (v.niveaux ?? []).some((n) => n === 'commune' || n === 'arrondissement-municipal'),
  );
}

export function empreinteHarmonisation(v: VersionDataset, mouvements: VersionDataset | null, version: number): string {
  return createHash('sha256').update(`${version}:${v.cleParquet}:${mouvements?.cleParquet ?? ''}`).digest('hex');
}

/**
 * Harmonises one version: writes `marts/harmonise-<dataset>/…parquet`. A PLM arrondissement is
 * dropped when its commune is in the same file (never counted twice), and mapped to its
 * commune otherwise.
 */
export async function harmoniser(
  runtime: Runtime,
  s: Session,
  args: { dataset: string; cleVersion: string; version: VersionDataset; mouvements: Mouvement[]; empreinte: string; workDir: string },
): Promise<Harmonisation> {
  const { version } = args;
  const referentiel = chargerReferentiel();
  const cogSuppose = version.cogSource === null;
  const fichier = await runtime.storage.localPath(version.cleParquet);
  // the source rows are read where they lie (a view: the Parquet is scanned by the COPY below)
  await s.run('CREATE OR REPLACE TEMP TABLE doublons (code VARCHAR)');
  await s.run(`CREATE OR REPLACE TEMP VIEW src AS
    SELECT code, variable, periode, sexe, age, valeur, modalite, statut
    FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)
    WHERE niveau IN ('commune', 'arrondissement-municipal')
        AND code NOT IN (SELECT code FROM doublons)`);
  const codes = (await s.all<{ code: string }>('SELECT DISTINCT code FROM src ORDER BY code')).map((r) => r.code);
  const presents = new Set(codes);
  const parents = new Map(referentiel.arrondissementsMunicipaux.map((a) => [a.code, a.commune]));
  const doublons = codes.filter((c) => presents.has(parents.get(c) ?? ''));
  await s.append('doublons', doublons.map((c) => [c]));
  const retenus = codes.filter((c) => !doublons.includes(c));
  // The COG a publisher used is not always the documented one (Filosofi 2014's codes are those
  // of 1 January 2014, not 2015): among nearby years, keep the one that places the most codes.
  const { cogSource, lignes, rapport, candidats } = choisirCog(retenus, args.mouvements, version.cogSource, referentiel);
  await s.run('CREATE OR REPLACE TEMP TABLE passage (code_source VARCHAR, code_commune VARCHAR, methode VARCHAR)');
  await s.append('passage', lignes);
  // Communes made of several codes of the source date: which of those codes the file lacks
  // (Filosofi omits small communes): a sum over the present ones is only partial.
  const dansLeFichier = new Set(retenus);
  const attendus: Array<[string, number, string | null]> = [];
  for (const [cible, codesAttendus] of contributeursAttendus(args.mouvements, cogSource, MILLESIME_COG_COURANT)) {
    if (codesAttendus.length < 2) continue;
    const manquants = codesAttendus.filter((c) => !dansLeFichier.has(c));
    attendus.push([cible, codesAttendus.length, manquants.length > 0 ? manquants.join(',') : null]);
  }
  await s.run('CREATE OR REPLACE TEMP TABLE attendus (code_commune VARCHAR, nb_attendus INTEGER, codes_manquants VARCHAR)');
  await s.append('attendus', attendus);
  await s.run('CREATE OR REPLACE TEMP TABLE variables (variable VARCHAR, additive INTEGER)');
  await s.append('variables', (version.variables ?? []).map((v) => [v.id, v.additive ? 1 : 0]));
  const sortie = path.join(args.workDir, `${args.dataset}-${args.cleVersion.replace(/[^a-z0-9-]/gi, '_')}.parquet`);
  await s.run(`COPY (${harmonisationSql}) TO ${sqlPath(sortie)} (FORMAT parquet, COMPRESSION zstd)`);
  const [compte] = await s.all<{ n: number; na: number; partiels: number }>(
    `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE statut = 'non_agrege')::INTEGER AS na, count(*) FILTER (WHERE statut = 'partiel')::INTEGER AS partiels FROM read_parquet(${sqlPath(sortie)})`,
  );
  const cle = cleMart(`harmonise-${args.dataset}`, args.empreinte);
  const objet = await runtime.storage.putFile(cle, sortie, { contentType: 'application/vnd.apache.parquet' });
  return {
    dataset: args.dataset,
    version: args.cleVersion,
    millesime: version.millesime,
    partie: version.partie ?? null,
    cogSource,
    cogSuppose,
    sourceParquet: version.cleParquet,
    cle,
    etag: objet.etag,
    lignes: compte?.n ?? 0,
    rapport: { ...rapport, arrondissementsDoublons: doublons.length, nonAgreges: compte?.na ?? 0, partiels: compte?.partiels ?? 0, cogCandidats: candidats },
  };
}

/**
 * Chooses the source COG: the declared one (or the current one when unknown) unless a nearby
 * year (declared − 2 … declared + 1) leaves strictly fewer codes unplaced or split.
 */
export function choisirCog(codes: readonly string[], mouvements: readonly Mouvement[], declare: number | null, referentiel: ReturnType<typeof chargerReferentiel>) {
  const base = declare ?? MILLESIME_COG_COURANT;
  const annees = [base, base - 1, base - 2, base + 1].filter((a) => a >= 1943 && a <= MILLESIME_COG_COURANT);
  let meilleur: { cogSource: number; lignes: ReturnType<typeof construirePassage>['lignes']; rapport: PassageRapport; perdus: number } | null = null;
  const candidats: Array<{ cog: number; nonPlaces: number; scindes: number }> = [];
  for (const cog of annees) {
    const r = construirePassage(codes, mouvements, cog, referentiel);
    const perdus = r.rapport.nonPlaces.length + r.rapport.scindes.length;
    candidats.push({ cog, nonPlaces: r.rapport.nonPlaces.length, scindes: r.rapport.scindes.length });
    if (!meilleur || perdus < meilleur.perdus) meilleur = { cogSource: cog, lignes: r.lignes, rapport: r.rapport, perdus };
    // the declared year places every code: no other can do strictly better
    if (meilleur.perdus === 0) break;
  }
  return { cogSource: meilleur!.cogSource, lignes: meilleur!.lignes, rapport: meilleur!.rapport, candidats };
}
