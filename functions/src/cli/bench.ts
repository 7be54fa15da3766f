import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { createRuntime } from '../core/runtime.ts';
import { startLocalServer } from '../server/local-server.ts';
import { ingererExtrait } from '../core/lake/ingest.ts';
import { calculerMarts } from '../core/marts/compute.ts';
import { benchApi } from './bench-api.ts';
import { extraitsDuDossier, lireCatalogue, preparerLac } from './prepare.ts';
import { tableau } from './tableau.ts';
import { benchCompute } from './bench-compute.ts';

/**
 * `npm run bench`: figures, not assertions. Cold preparation of a fresh lake from data/
 * (ingest + compute), then the API over HTTP on loopback under concurrent load.
 */
export async function bench(dataDir: string, args: string[]): Promise<number> {
  const quoi = args.find((a) => !a.startsWith('--')) ?? 'tout';
  if (!['tout', 'ingest', 'compute', 'api'].includes(quoi)) throw new Error(`Banc inconnu : ${quoi} (ingest, compute, api)`);
  if (quoi === 'tout' || quoi === 'ingest') await benchIngest(dataDir);
  if (quoi === 'tout' || quoi === 'compute') await benchCompute(args);
  if (quoi === 'tout' || quoi === 'api') await benchApi(dataDir, args);
  return 0;
}

/**
 * Ingests every file of `../shared/data` (the staged public extracts) into a fresh lake, then
 * computes the marts: time and rows per format, peak memory. Files no adapter recognises are
 * listed, not counted.
 */
async function benchIngest(dataDir: string): Promise<void> {
  const shared = path.resolve(dataDir, '../../shared/data');
  const catalogue = await lireCatalogue(dataDir);
  const fichiers = (await extraitsDuDossier(shared)).filter((f) => !f.startsWith('geo/'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'st-bench-ingest-'));
  const runtime = await createRuntime(loadConfig({ ...reglagesDuckdb(), STORAGE_MODE: 'fs', LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') }));
  try {
    const parFormat = new Map<string, { fichiers: number; lignes: number; valeurs: number; ms: number }>();
    const refuses: string[] = [];
    const debut = performance.now();
    for (const f of fichiers) {
      const t = performance.now();
      try {
        const r = await ingererExtrait(runtime, { fichier: path.basename(f), bytes: new Uint8Array(await readFile(path.join(shared, f))), millesime: catalogue.millesimes[f] ?? null });
        const e = parFormat.get(r.dataset) ?? { fichiers: 0, lignes: 0, valeurs: 0, ms: 0 };
        e.fichiers += 1;
        e.lignes += r.version.lignesAcceptees;
        e.valeurs += r.version.lignesDataset;
        e.ms += performance.now() - t;
        parFormat.set(r.dataset, e);

      } catch (error) {
        refuses.push(`${f} — ${(error as Error).message.slice(0, 160)}`);
      }
    }
    const tIngest = performance.now() - debut;
    const rssIngest = process.resourceUsage().maxRSS / 1024;
    const t = performance.now();
    let calcul = 'non calculé';
    try {
      const r = await calculerMarts(runtime);
      calcul = `${((performance.now() - t) / 1000).toFixed(1)} s (${Object.keys(r.manifeste.harmonisations).length} jeux communaux harmonisés au COG 2026)`;
    } catch (error) {
      calcul = `échec : ${(error as Error).message}`;
    }
    const lignes = [...parFormat.entries()]
      .sort()
      .map(([format, e]) => [format, e.fichiers, e.lignes, e.valeurs, `${(e.ms / 1000).toFixed(2)} s`, Math.round(e.lignes / (e.ms / 1000))]);
    console.log(`Ingestion de ../shared/data (${fichiers.length} fichiers hors géométries)`);
    console.log(tableau(['format', 'fichiers', 'lignes', 'valeurs', 'durée', 'lignes/s'], lignes));
    console.log(`Total ingestion : ${(tIngest / 1000).toFixed(1)} s ; calcul des marts : ${calcul}`);
    console.log(`Non ingérés (${refuses.length}) :\n${refuses.map((r) => `  ${r}`).join('\n')}`);
    console.log(`Mémoire : pic RSS ${rssIngest.toFixed(0)} Mio pendant l'ingestion, ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} Mio avec le calcul`);
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh lake prepared from data/, then a few API routes under concurrent load. */
async function benchPreparation(dataDir: string, args: string[]): Promise<void> {
  const requetes = Number(args.find((a) => a.startsWith('--requetes='))?.split('=')[1] ?? 3000);
  const concurrence = Number(args.find((a) => a.startsWith('--concurrence='))?.split('=')[1] ?? 20);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'st-bench-'));
  const runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') }));
  try {
    const t0 = performance.now();
    const prep = await preparerLac(runtime, { dataDir });
    const tPrep = performance.now() - t0;
    const t1 = performance.now();
    await preparerLac(runtime, { dataDir });
    const tNoop = performance.now() - t1;
    const lignes = prep.ingestions.reduce((a, i) => a + i.version.lignesAcceptees, 0);
    console.log(`Préparation du lac depuis data/ (${prep.ingestions.length} extraits, ${new Intl.NumberFormat('fr-FR').format(lignes)} lignes, + calcul) : ${tPrep.toFixed(0)} ms ; relance à jour : ${tNoop.toFixed(0)} ms`);

    const server = await startLocalServer({ runtime, host: '127.0.0.1', port: 0, webRoot: null });
    const chemins = [
      '/api/territoires?q=saint+etienne',
      '/api/territoires/commune/42218',
      '/api/territoires/epci/200046977',
      '/api/territoires/departement/2A',
      '/api/territoires/region/84/communes?limite=100',
      '/api/territoires/france/FR',
    ];
    // Warm-up, then the measured run.
    for (const c of chemins) await (await fetch(server.url + c)).arrayBuffer();
    const durees: number[] = [];
    let erreurs = 0;
    let suivant = 0;
    const t2 = performance.now();
    await Promise.all(
      Array.from({ length: concurrence }, async () => {
        while (suivant < requetes) {
          const i = suivant++;
          const debut = performance.now();
          const r = await fetch(server.url + chemins[i % chemins.length]);
          await r.arrayBuffer();
          durees.push(performance.now() - debut);
          if (r.status !== 200) erreurs += 1;
        }
      }),
    );
    const total = (performance.now() - t2) / 1000;
    await server.close();
    durees.sort((a, b) => a - b);
    const q = (p: number) => durees[Math.min(durees.length - 1, Math.floor(p * durees.length))]!.toFixed(1);
    console.log(`API sur le bouclage : ${requetes} requêtes, ${concurrence} connexions simultanées, ${chemins.length} routes`);
    console.log(`  p50 ${q(0.5)} ms · p95 ${q(0.95)} ms · p99 ${q(0.99)} ms · ${(requetes / total).toFixed(0)} req/s · ${erreurs} erreur(s)`);
    console.log(`Mémoire : pic RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} Mio`);
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** DuckDB settings of the environment (DUCKDB_THREADS, DUCKDB_MEMORY_LIMIT), as the CLI reads them. */
function reglagesDuckdb(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['DUCKDB_THREADS', 'DUCKDB_MEMORY_LIMIT'] as const) if (process.env[k]) out[k] = process.env[k]!;
  return out;
}
