import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadConfig } from '../core/config.ts';
import { createRuntime } from '../core/runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../core/storage/keys.ts';
import { startLocalServer } from '../server/local-server.ts';

/**
 * `npm run bench -- api [--duree=30] [--connexions=200] [--epci=200] [--communes=200]`: the local
 * server on loopback on the current lake (`.lake/`, or LAKE_DIR), territory profiles under load.
 * Every profile of the mix is first requested once (cold: computed from the indicator marts, then
 * cached), then `connexions` keep-alive connections ask for random profiles of the mix for
 * `duree` seconds, from a worker thread (the client does not share the server's event loop).
 * Figures printed, never asserted.
 */
export async function benchApi(dataDir: string, args: string[]): Promise<void> {
  const option = (nom: string, defaut: number) => {
    const v = args.find((a) => a.startsWith(`--${nom}=`))?.split('=')[1];
    const n = v === undefined ? defaut : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`Option --${nom} invalide : entier positif attendu`);
    return n;
  };
  const duree = option('duree', 30);
  const connexions = Math.max(1, option('connexions', 200));
  const nbEpci = option('epci', 200);
  const nbCommunes = option('communes', 200);

  const lakeDir = process.env.LAKE_DIR ?? path.resolve(dataDir, '..', '.lake');
  const cache = await mkdtemp(path.join(os.tmpdir(), 'st-bench-api-'));
  const env: Record<string, string> = { STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: cache };
  for (const k of ['DUCKDB_THREADS', 'DUCKDB_MEMORY_LIMIT'] as const) if (process.env[k]) env[k] = process.env[k]!;
  const runtime = await createRuntime(loadConfig(env));
  const agent = new http.Agent({ keepAlive: true, maxSockets: connexions });
  try {
    if (!(await runtime.storage.head(CLE_MANIFESTE_MARTS))) throw new Error(`Pas de marts dans ${lakeDir} : lancez d'abord npm run compute`);
    const server = await startLocalServer({ runtime, host: '127.0.0.1', port: 0, webRoot: null });
    try {
      // The mix: every département and région, France, and a fixed pseudo-random sample of EPCI
      // and communes (hash order: the same sample on every run of the same lake).
      const premier = await requete(agent, `${server.url}/api/indicateurs`);
      if (premier.status !== 200) throw new Error(`GET /api/indicateurs : ${premier.status}`);
      const territoires = await runtime.db.all<{ niveau: string; code: string }>(
        `SELECT niveau, code FROM (
           SELECT niveau, code, row_number() OVER (PARTITION BY niveau ORDER BY hash(code), code) AS rang FROM territoires
         )
         WHERE niveau IN ('departement', 'region', 'france')
            OR (niveau = 'epci' AND rang <= $epci)
            OR (niveau = 'commune' AND rang <= $communes)
         ORDER BY niveau, code`,
        { epci: nbEpci, communes: nbCommunes },
      );
      const chemins = territoires.map((t) => `${server.url}/api/territoires/${t.niveau}/${encodeURIComponent(t.code)}/profil`);
      const parNiveau = Object.entries(Object.groupBy(territoires, (t) => t.niveau)).map(([n, l]) => `${l!.length} ${n}`);
      console.log(`Profils de territoires sur ${server.url} (lac ${lakeDir}) : ${chemins.length} territoires (${parNiveau.join(', ')})`);

      // Cold: each profile once (cache misses), a few at a time.
      const froids: number[] = [];
      let suivant = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (suivant < chemins.length) {
            const r = await requete(agent, chemins[suivant++]!);
            if (r.status !== 200) throw new Error(`Profil en échec à froid (${r.status}) : ${chemins[suivant - 1]}`);
            froids.push(r.ms);
          }
        }),
      );
      console.log(`À froid (non caché, 4 requêtes simultanées) : ${resume(froids)} · ${chemins.length} profils en ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      // Under load, the client in a worker thread.
      const t1 = performance.now();
      const { durees, erreurs, succes, echecs } = await new Promise<ResultatCharge>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { banc: 'api', chemins, connexions, duree } satisfies ChargeDemandee });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const total = (performance.now() - t1) / 1000;
      console.log(`Sous charge : ${connexions} connexions keep-alive pendant ${duree} s, ${durees.length} requêtes`);
      console.log(`  ${resume(durees)} · ${(durees.length / total).toFixed(0)} req/s · ${erreurs} erreur(s) · cache ${((100 * succes) / Math.max(1, succes + echecs)).toFixed(1)} % de succès`);
      console.log(`Mémoire : pic RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} Mio`);
    } finally {
      await server.close();
    }
  } finally {
    agent.destroy();
    await runtime.close();
    await rm(cache, { recursive: true, force: true });
  }
}

interface ChargeDemandee {
  banc: 'api';
  chemins: string[];
  connexions: number;
  duree: number;
}

interface ResultatCharge {
  durees: number[];
  erreurs: number;
  succes: number;
  echecs: number;
}

/** The load client: `connexions` keep-alive connections asking for random paths for `duree` seconds. */
async function charger({ chemins, connexions, duree }: ChargeDemandee): Promise<ResultatCharge> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connexions });
  const r: ResultatCharge = { durees: [], erreurs: 0, succes: 0, echecs: 0 };
  let graine = 12345;
  const hasard = (n: number) => ((graine = (graine * 48271) % 2147483647), graine % n);
  const fin = performance.now() + duree * 1000;
  await Promise.all(
    Array.from({ length: connexions }, async () => {
      while (performance.now() < fin) {
        try {
          const x = await requete(agent, chemins[hasard(chemins.length)]!);
          r.durees.push(x.ms);
          if (x.status !== 200) r.erreurs += 1;
          if (x.cache === 'hit') r.succes += 1;
          else r.echecs += 1;
        } catch {
          r.erreurs += 1;
        }
      }
    }),
  );
  agent.destroy();
  return r;
}

if (!isMainThread && (workerData as ChargeDemandee | null)?.banc === 'api') {
  parentPort!.postMessage(await charger(workerData as ChargeDemandee));
}

function requete(agent: http.Agent, url: string): Promise<{ status: number; cache: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const debut = performance.now();
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cache: String(res.headers['x-cache'] ?? ''), ms: performance.now() - debut }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function resume(durees: number[]): string {
  if (durees.length === 0) return 'aucune requête';
  const triees = [...durees].sort((a, b) => a - b);
  const q = (p: number) => triees[Math.min(triees.length - 1, Math.floor(p * triees.length))]!.toFixed(1);
  return `p50 ${q(0.5)} ms · p95 ${q(0.95)} ms · p99 ${q(0.99)} ms · max ${triees.at(-1)!.toFixed(1)} ms`;
}
