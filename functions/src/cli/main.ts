import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config.ts';
import { AppError, FormatInconnuError, SourceSchemaError } from '../core/errors.ts';
import { ingererExtrait } from '../core/lake/ingest.ts';
import { calculerMarts } from '../core/marts/compute.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import { startLocalServer } from '../server/local-server.ts';
import { bench } from './bench.ts';
import { preparerLac } from './prepare.ts';
import { tableau } from './tableau.ts';

/**
 * The command line: the same core calls as the Lambdas.
 *   start                 ingest data/ if missing or stale, compute, build the web app if needed, serve
 *   serve                 serve the current lake and web build
 *   ingest <fichier|dossier>... [--millesime AAAA]
 *   compute [--force]
 *   bench [--requetes=N] [--concurrence=N]   figures printed, never asserted
 * Exit codes: 0 success, 1 failure (I/O, engine), 2 usage error or rejected extract.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const USAGE = `Usage : npm start | npm run serve | npm run ingest -- <fichier|dossier>... [--millesime AAAA] | npm run compute [-- --force] | npm run bench`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [commande, ...args] = argv;
  const env = { ...process.env };
  if (!env.STORAGE_MODE || env.STORAGE_MODE === 'fs') {
    env.LAKE_DIR ??= path.join(REPO, '.lake');
    env.CACHE_DIR ??= path.join(REPO, '.cache');
  }
  const config = loadConfig(env);
  switch (commande) {
    case 'start':
      return start(config, true);
    case 'serve':
      return start(config, false);
    case 'ingest':
      return avecRuntime(config, (rt) => ingest(rt, args));
    case 'compute':
      return avecRuntime(config, async (rt) => {
        const r = await calculerMarts(rt, { force: args.includes('--force') });
        console.log(`${r.statut === 'calcule' ? 'Marts calculés' : 'Marts déjà à jour'} (${r.manifeste.calculeLe})${r.supprimes ? ` ; ${r.supprimes} fichier(s) d’anciens calculs supprimé(s)` : ''}.`);
        return 0;
      });
    case 'bench':
      return bench(path.join(REPO, 'data'), args);
    default:
      throw new UsageError(commande ? `Commande inconnue : ${commande}` : 'Commande manquante');
  }
}

async function avecRuntime(config: ReturnType<typeof loadConfig>, fn: (rt: Runtime) => Promise<number>): Promise<number> {
  const runtime = await createRuntime(config);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function start(config: ReturnType<typeof loadConfig>, preparer: boolean): Promise<number> {
  const runtime = await createRuntime(config);
  if (preparer) {
    console.log(`Lac : ${runtime.storage.description}`);
    await preparerLac(runtime, { dataDir: path.join(REPO, 'data'), log: (l) => console.log(l) });
    await construireWebSiNecessaire();
  }
  const host = process.env.HOST ?? '127.0.0.1';
  const port = process.env.PORT ? Number(process.env.PORT) : 5174;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`PORT invalide : ${process.env.PORT}`);
  const server = await startLocalServer({ runtime, host, port, webRoot: path.join(REPO, 'web', 'build') });
  console.log(`\nSanté territoires est servi sur ${server.url}/  (Ctrl+C pour arrêter)`);
  const stop = async () => {
    await server.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {}); // serve until interrupted
}

/** Builds the static web app when the build is missing or older than its sources. */
async function construireWebSiNecessaire(): Promise<void> {
  const build = path.join(REPO, 'web', 'build', '200.html');
  const construit = await stat(build).then((s) => s.mtimeMs).catch(() => 0);
  const sources = await plusRecent([path.join(REPO, 'web', 'src'), path.join(REPO, 'web', 'vite.config.ts'), path.join(REPO, 'functions', 'src', 'core', 'model')]);
  if (construit > 0 && construit >= sources) return;
  console.log("Construction de l'application web…");
  const r = spawnSync('npm', ['run', 'build', '--workspace', 'web', '--silent'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new AppError('build_web', `La construction de l'application web a échoué (code ${r.status}).`);
}

async function plusRecent(chemins: string[]): Promise<number> {
  let max = 0;
  for (const p of chemins) {
    const s = await stat(p).catch(() => null);
    if (!s) continue;
    if (s.isDirectory()) {
      for (const e of await readdir(p)) max = Math.max(max, await plusRecent([path.join(p, e)]));
    } else max = Math.max(max, s.mtimeMs);
  }
  return max;
}

async function ingest(runtime: Runtime, args: string[]): Promise<number> {
  let millesime: string | null = null;
  const cibles: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--millesime') {
      millesime = args[++i] ?? null;
      if (!millesime || !/^\d{4}$/.test(millesime)) throw new UsageError('--millesime attend une année, ex. --millesime 2023');
    } else if (a.startsWith('--')) throw new UsageError(`Option inconnue : ${a}`);
    else cibles.push(a);
  }
  if (cibles.length === 0) throw new UsageError('Indiquez au moins un fichier ou un dossier à ingérer.');
  const fichiers: string[] = [];
  for (const c of cibles) {
    const s = await stat(c).catch(() => null);
    if (!s) throw new UsageError(`Introuvable : ${c}`);
    if (s.isDirectory()) {
      for (const e of (await readdir(c, { recursive: true })).sort()) {
        const f = path.join(c, e);
        if ((await stat(f)).isFile() && !/\.(md|json)$/i.test(f)) fichiers.push(f);
      }
    } else fichiers.push(c);
  }
  const lignes: Array<Array<string | number>> = [];
  let rejets = 0;
  const tty = process.stderr.isTTY === true;
  for (const [n, f] of fichiers.entries()) {
    const progression = `[${n + 1}/${fichiers.length}] ${path.basename(f)}`;
    if (tty) process.stderr.write(`\r\x1b[2K${barre(n, fichiers.length)} ${progression}…`);
    else process.stderr.write(`${progression}…\n`);
    const debut = performance.now();
    try {
      const r = await ingererExtrait(runtime, { fichier: path.basename(f), bytes: new Uint8Array(await readFile(f)), millesime });
      const duree = `${((performance.now() - debut) / 1000).toFixed(1)} s`;
      lignes.push([f, r.dataset, r.millesime, r.version.partie ?? '', r.version.lignesAcceptees, r.statut === 'publie' ? 'publié' : 'déjà à jour', duree]);
    } catch (error) {
      if (error instanceof SourceSchemaError || error instanceof FormatInconnuError) {
        rejets += 1;
        lignes.push([f, '', '', '', 0, 'REJETÉ', '']);
        if (tty) process.stderr.write('\r\x1b[2K');
        console.error(`rejeté : ${error.message}`);
      } else throw error;
    }
  }
  if (tty) process.stderr.write(`\r\x1b[2K`);
  console.log(tableau(['fichier', 'format', 'millésime', 'partie', 'lignes', 'statut', 'durée'], lignes));
  console.log(`\n${fichiers.length - rejets} fichier(s) accepté(s), ${rejets} rejeté(s) ; le lac n'est pas modifié par un fichier rejeté.`);
  return rejets > 0 ? 2 : 0;
}

function barre(fait: number, total: number): string {
  const largeur = 20;
  const plein = Math.round((fait / Math.max(total, 1)) * largeur);
  return `[${'#'.repeat(plein)}${'.'.repeat(largeur - plein)}]`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof AppError) {
      console.error(`Erreur : ${error.message}`);
      process.exitCode = error.code === 'configuration_invalide' ? 2 : 1;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
