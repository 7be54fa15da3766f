import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadConfig } from '../core/config.ts';
import { createRuntime } from '../core/runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../core/storage/keys.ts';
import { startLocalServer } from '../server/local-server.ts';

/**
 * `npm run bench -- api [--duree=30] [--connexions=200] [--epci=200] [--communes=200]
 * [--encodage=gzip|br|identite] [--client=brut|http]`: the local server on loopback on the
 * current lake (`.lake/`, or LAKE_DIR), territory profiles under load.
 *
 * The server warms the profiles of France, régions, départements, EPCI and CLS in the background
 * at start; the bench waits for it (time printed), then asks once for every profile of the mix
 * (the communes' are computed then: cold), then `connexions` keep-alive connections ask for random
 * profiles of the mix for `duree` seconds, from a worker thread (the client does not share the
 * server's event loop). The client sends `Accept-Encoding: gzip` as browsers do (printed), reads
 * every body whole, and checks once per path that it decodes to JSON.
 *
 * The default client (`brut`) writes prepared requests on raw keep-alive sockets and reads the
 * status line and `content-length`, as load generators (wrk, autocannon) do: Node's `http.Agent`
 * spends more CPU per request than the server's cached answer, so with it the bench measured the
 * client (`--client=http` keeps it, for comparison). Figures printed, never asserted.
 */
export async function benchApi(dataDir: string, args: string[]): Promise<void> {
  const option = (nom: string, defaut: number) => {
    const v = args.find((a) => a.startsWith(`--${nom}=`))?.split('=')[1];
    const n = v === undefined ? defaut : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`Option --${nom} invalide : entier positif attendu`);
    return n;
  };
  const choix = <T extends string>(nom: string, valeurs: readonly T[]): T => {
    const v = args.find((a) => a.startsWith(`--${nom}=`))?.split('=')[1] ?? valeurs[0]!;
    if (!(valeurs as readonly string[]).includes(v)) throw new Error(`Option --${nom} invalide : ${valeurs.join(', ')}`);
    return v as T;
  };
  const duree = option('duree', 30);
  const connexions = Math.max(1, option('connexions', 200));
  const nbEpci = option('epci', 200);
  const nbCommunes = option('communes', 200);
  const encodage = choix('encodage', ['gzip', 'br', 'identite'] as const);
  const client = choix('client', ['brut', 'http'] as const);

  const lakeDir = process.env.LAKE_DIR ?? path.resolve(dataDir, '..', '.lake');
  const cache = await mkdtemp(path.join(os.tmpdir(), 'st-bench-api-'));
  const env: Record<string, string> = { STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: cache };
  for (const k of ['DUCKDB_THREADS', 'DUCKDB_MEMORY_LIMIT'] as const) if (process.env[k]) env[k] = process.env[k]!;
  const runtime = await createRuntime(loadConfig(env));
  const agent = new http.Agent({ keepAlive: true, maxSockets: connexions });
  try {
    if (!(await runtime.storage.head(CLE_MANIFESTE_MARTS))) throw new Error(`Pas de marts dans ${lakeDir} : lancez d'abord npm run compute`);
    const t0 = performance.now();
    const server = await startLocalServer({ runtime, host: '127.0.0.1', port: 0, webRoot: null });
    try {
      const premier = await requete(agent, `${server.url}/api/indicateurs`);
      if (premier.status !== 200) throw new Error(`GET /api/indicateurs : ${premier.status}`);
      // The mix: every département and région, France, and a fixed pseudo-random sample of EPCI
      // and communes (hash order: the same sample on every run of the same lake).
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
      const chemins = territoires.map((t) => `/api/territoires/${t.niveau}/${encodeURIComponent(t.code)}/profil`);
      const parNiveau = Object.entries(Object.groupBy(territoires, (t) => t.niveau)).map(([n, l]) => `${l!.length} ${n}`);
      console.log(`Profils de territoires sur ${server.url} (lac ${lakeDir}) : ${chemins.length} territoires (${parNiveau.join(', ')})`);

      const prechauffage = await server.prechauffage;
      console.log(
        `Préchauffage au démarrage (en arrière-plan) : ${nombre(prechauffage.profils, 0)} profils (${prechauffage.niveaux.join(', ')}) en ${nombre(prechauffage.ms / 1000, 1)} s` +
          ` · serveur prêt et préchauffé ${nombre((performance.now() - t0) / 1000, 1)} s après son lancement`,
      );

      // Each profile of the mix once, a few at a time: misses are computed (cold), hits were warmed.
      const froids: number[] = [];
      const chauds: number[] = [];
      let suivant = 0;
      const t1 = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (suivant < chemins.length) {
            const chemin = chemins[suivant++]!;
            const r = await requete(agent, `${server.url}${chemin}`);
            if (r.status !== 200) throw new Error(`Profil en échec (${r.status}) : ${chemin}`);
            (r.cache === 'hit' ? chauds : froids).push(r.ms);
          }
        }),
      );
      console.log(`Premier passage (4 requêtes simultanées, ${nombre((performance.now() - t1) / 1000, 1)} s) :`);
      console.log(`  ${froids.length} calculés à la demande (non cachés) : ${resume(froids)}`);
      console.log(`  ${chauds.length} déjà préchauffés : ${resume(chauds)}`);

      // Under load, the client in a worker thread.
      const { port } = new URL(server.url);
      const demande: ChargeDemandee = { banc: 'api', hote: '127.0.0.1', port: Number(port), chemins, connexions, duree, encodage, client };
      const t2 = performance.now();
      const cpu = process.threadCpuUsage();
      const r = await new Promise<ResultatCharge>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: demande });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const total = (performance.now() - t2) / 1000;
      const cpuServeur = process.threadCpuUsage(cpu);
      const entete = encodage === 'identite' ? 'sans Accept-Encoding' : `Accept-Encoding: ${encodage}`;
      console.log(`Sous charge : ${connexions} connexions keep-alive pendant ${duree} s, client ${client === 'brut' ? 'HTTP/1.1 sur sockets brutes' : 'node:http (Agent)'}, ${entete}, ${nombre(r.durees.length, 0)} requêtes`);
      console.log(`  ${resume(r.durees)} · ${nombre(r.durees.length / total, 0)} req/s · ${r.erreurs} erreur(s) · cache ${nombre((100 * r.succes) / Math.max(1, r.succes + r.echecs), 1)} % de succès`);
      console.log(`  corps reçus : ${r.encodages.map(([e, n]) => `${nombre(n, 0)} ${e}`).join(', ')} · ${nombre(r.octets / Math.max(1, r.durees.length) / 1024, 1)} Kio en moyenne · ${r.verifies} corps décodés et vérifiés (JSON)`);
      // CPU time per answer: the server's main thread (its event loop: every answer is made there) and the client's thread
      const parReponse = (us: number) => nombre(us / Math.max(1, r.durees.length), 1);
      console.log(
        `  processeur par réponse : serveur ${parReponse(cpuServeur.user + cpuServeur.system)} µs (dont noyau ${parReponse(cpuServeur.system)} µs), client ${parReponse(r.cpu.user + r.cpu.system)} µs (fil principal de chacun)`,
      );
      if (r.messages.length > 0) console.log(`  premières erreurs : ${r.messages.join(' ; ')}`);

      // Large answers read from the marts (kept ready to send after their first request): one
      // indicator for every commune, in JSON (gzip) and in CSV; first request, then 20 more.
      for (const [libelle, chemin, enTetes] of [
        ['valeurs de toutes les communes, JSON gzip', '/api/indicateurs/taux-pauvrete/valeurs?niveau=commune', { 'accept-encoding': 'gzip' }],
        ['valeurs de toutes les communes, CSV', '/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&format=csv', {}],
      ] as const) {
        const premiere = await requete(agent, `${server.url}${chemin}`, enTetes);
        if (premiere.status !== 200) throw new Error(`${chemin} : ${premiere.status}`);
        const suivantes: number[] = [];
        let caches = 0;
        for (let i = 0; i < 20; i++) {
          const s = await requete(agent, `${server.url}${chemin}`, enTetes);
          if (s.status !== 200 || s.longueur !== premiere.longueur) throw new Error(`${chemin} : réponse différente (${s.status}, ${s.longueur} octets)`);
          suivantes.push(s.ms);
          if (s.cache === 'hit') caches += 1;
        }
        console.log(
          `Grande réponse (${libelle}, ${nombre(premiere.longueur / 1024, 0)} Kio reçus) : première demande ${nombre(premiere.ms, 0)} ms (${premiere.cache}), 20 suivantes ${resume(suivantes)} (${caches} en cache)`,
        );
      }
      console.log(`Mémoire : pic RSS ${nombre(process.resourceUsage().maxRSS / 1024, 0)} Mio`);
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
  hote: string;
  port: number;
  chemins: string[];
  connexions: number;
  duree: number;
  encodage: 'gzip' | 'br' | 'identite';
  client: 'brut' | 'http';
}

interface ResultatCharge {
  durees: number[];
  erreurs: number;
  succes: number;
  echecs: number;
  octets: number;
  /** Bodies received per `content-encoding` (`identite` when absent). */
  encodages: Array<[string, number]>;
  /** Bodies decoded and parsed as JSON (the first answer for each path). */
  verifies: number;
  /** The first few failures, for the printout. */
  messages: string[];
  /** CPU time of the client's thread during the load (µs). */
  cpu: { user: number; system: number };
}

/** A status line, the headers the bench reads, the body (its bytes made only when read). */
interface Reponse {
  status: number;
  cache: string;
  encodage: string;
  longueur: number;
  corps(): Buffer;
}

function nouveauResultat(): ResultatCharge {
  return { durees: [], erreurs: 0, succes: 0, echecs: 0, octets: 0, encodages: [], verifies: 0, messages: [], cpu: { user: 0, system: 0 } };
}

/**
 * Records one answer: latency, cache, encoding; the first answer for each path is decoded and
 * parsed (a bench that counts garbage as success proves nothing).
 */
function enregistrer(r: ResultatCharge, parEncodage: Map<string, number>, verifies: Set<string>, chemin: string, x: Reponse, ms: number, attendu: string): void {
  r.durees.push(ms);
  r.octets += x.longueur;
  parEncodage.set(x.encodage, (parEncodage.get(x.encodage) ?? 0) + 1);
  if (x.cache === 'hit') r.succes += 1;
  else r.echecs += 1;
  const echec = (message: string) => {
    r.erreurs += 1;
    if (r.messages.length < 5) r.messages.push(`${chemin} : ${message}`);
  };
  if (x.status !== 200) return echec(`statut ${x.status}`);
  if (attendu !== 'identite' && x.encodage !== attendu) return echec(`corps en ${x.encodage}, ${attendu} demandé`);
  if (verifies.has(chemin)) return;
  verifies.add(chemin);
  try {
    const corps = x.corps();
    const texte = (x.encodage === 'gzip' ? gunzipSync(corps) : x.encodage === 'br' ? brotliDecompressSync(corps) : corps).toString('utf8');
    JSON.parse(texte);
    r.verifies += 1;
  } catch (error) {
    echec(`corps illisible (${(error as Error).message.slice(0, 60)})`);
  }
}

/** The load client: `connexions` keep-alive connections asking for random paths for `duree` seconds. */
async function charger(d: ChargeDemandee): Promise<ResultatCharge> {
  const r = nouveauResultat();
  const cpu = process.threadCpuUsage();
  const parEncodage = new Map<string, number>();
  const verifies = new Set<string>();
  let graine = 12345;
  const hasard = (n: number) => ((graine = (graine * 48271) % 2147483647), graine % n);
  const fin = performance.now() + d.duree * 1000;
  const enTetes: Record<string, string> = d.encodage === 'identite' ? {} : { 'accept-encoding': d.encodage };

  if (d.client === 'http') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: d.connexions });
    await Promise.all(
      Array.from({ length: d.connexions }, async () => {
        while (performance.now() < fin) {
          const chemin = d.chemins[hasard(d.chemins.length)]!;
          try {
            const x = await requete(agent, `http://${d.hote}:${d.port}${chemin}`, enTetes);
            enregistrer(r, parEncodage, verifies, chemin, x, x.ms, d.encodage);
          } catch (error) {
            r.erreurs += 1;
            if (r.messages.length < 5) r.messages.push(`${chemin} : ${(error as Error).message}`);
          }
        }
      }),
    );
    agent.destroy();
  } else {
    const preparees = new Map(d.chemins.map((c) => [c, Buffer.from(`GET ${c} HTTP/1.1\r\nHost: ${d.hote}:${d.port}\r\n${Object.entries(enTetes).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`, 'latin1')]));
    // Every connection reads into this one buffer (`onread`: no new buffer per read, hence little
    // garbage; reads are handled one at a time on this thread, what is kept is copied).
    const tampon = Buffer.allocUnsafe(64 * 1024);
    // one request at a time per connection, the next written as soon as an answer is whole
    await Promise.all(
      Array.from(
        { length: d.connexions },
        () =>
          new Promise<void>((resolve) => {
            let chemin = '';
            const lire = lecteurReponses(
              (x) => {
                enregistrer(r, parEncodage, verifies, chemin, x, performance.now() - debut, d.encodage);
                suivante();
              },
              (erreur) => terminer(erreur),
              // only the body to be checked (first answer for a path) is kept
              () => !verifies.has(chemin),
            );
            const socket = net.connect({
              host: d.hote,
              port: d.port,
              noDelay: true,
              onread: {
                buffer: tampon,
                callback: (n) => {
                  lire(tampon.subarray(0, n));
                  // keep reading
                  return true;
                },
              },
            });
            let debut = 0;
            let termine = false;
            const terminer = (erreur?: Error) => {
              if (termine) return;
              termine = true;
              if (erreur) {
                r.erreurs += 1;
                if (r.messages.length < 5) r.messages.push(`${chemin} : ${erreur.message}`);
              }
              socket.destroy();
              resolve();
            };
            const suivante = () => {
              if (performance.now() >= fin) return terminer();
              chemin = d.chemins[hasard(d.chemins.length)]!;
              debut = performance.now();
              socket.write(preparees.get(chemin)!);
            };
            socket.on('connect', suivante);
            socket.on('error', terminer);
            socket.on('close', () => terminer(new Error('connexion fermée par le serveur')));
          }),
      ),
    );
  }
  r.encodages = [...parEncodage].sort();
  r.cpu = process.threadCpuUsage(cpu);
  return r;
}

const FIN_ENTETES = Buffer.from('\r\n\r\n');

/**
 * Reads the answers of one keep-alive HTTP/1.1 connection, one request at a time: the status line,
 * the headers the bench reads, then exactly `content-length` body bytes (the local server always
 * sends it; a chunked answer is an error). Only what the bench needs: every body byte is counted,
 * the body is copied only when `garder()` says it will be read. `morceau` is only valid during
 * the call (a reused read buffer).
 */
function lecteurReponses(surReponse: (r: Reponse) => void, surErreur: (e: Error) => void, garder: () => boolean): (morceau: Buffer) => void {
  let entete: Buffer | null = null;
  // body bytes still expected; -1 while reading the headers
  let reste = -1;
  let morceaux: Buffer[] | null = null;
  let courante: Omit<Reponse, 'corps'> = { status: 0, cache: '', encodage: 'identite', longueur: 0 };
  return (morceau) => {
    let donnees = morceau;
    if (reste < 0) {
      if (entete) donnees = Buffer.concat([entete, morceau]);
      entete = null;
      const fin = donnees.indexOf(FIN_ENTETES);
      if (fin < 0) {
        entete = Buffer.from(donnees);
        return;
      }
      const lignes = donnees.toString('latin1', 0, fin).toLowerCase();
      const valeur = (nom: string) => {
        const i = lignes.indexOf(`\r\n${nom}:`);
        if (i < 0) return undefined;
        const j = lignes.indexOf('\r\n', i + 2);
        return lignes.slice(i + nom.length + 3, j < 0 ? undefined : j).trim();
      };
      const status = Number(lignes.slice(9, 12));
      const longueur = valeur('content-length');
      if (longueur === undefined && status !== 304 && status !== 204) return surErreur(new Error(`réponse ${status} sans content-length`));
      courante = { status, cache: valeur('x-cache') ?? '', encodage: valeur('content-encoding') ?? 'identite', longueur: Number(longueur ?? 0) };
      reste = courante.longueur;
      morceaux = garder() ? [] : null;
      donnees = donnees.subarray(fin + 4);
    }
    if (donnees.length > reste) return surErreur(new Error('octets en trop après la réponse'));
    if (donnees.length > 0) morceaux?.push(Buffer.from(donnees));
    reste -= donnees.length;
    if (reste > 0) return;
    reste = -1;
    const parts = morceaux;
    surReponse({
      ...courante,
      corps: () => {
        if (!parts) throw new Error('corps non gardé');
        return Buffer.concat(parts);
      },
    });
  };
}

function requete(agent: http.Agent, url: string, enTetes: Record<string, string> = {}): Promise<Reponse & { ms: number }> {
  return new Promise((resolve, reject) => {
    const debut = performance.now();
    const req = http.get(url, { agent, headers: enTetes }, (res) => {
      const morceaux: Buffer[] = [];
      res.on('data', (m: Buffer) => morceaux.push(m));
      res.on('end', () => {
        const corps = Buffer.concat(morceaux);
        resolve({
          status: res.statusCode ?? 0,
          cache: String(res.headers['x-cache'] ?? ''),
          encodage: String(res.headers['content-encoding'] ?? 'identite'),
          longueur: corps.length,
          corps: () => corps,
          ms: performance.now() - debut,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function resume(durees: number[]): string {
  if (durees.length === 0) return 'aucune requête';
  const triees = [...durees].sort((a, b) => a - b);
  const q = (p: number) => nombre(triees[Math.min(triees.length - 1, Math.floor(p * triees.length))]!, 1);
  return `p50 ${q(0.5)} ms · p95 ${q(0.95)} ms · p99 ${q(0.99)} ms · max ${nombre(triees.at(-1)!, 1)} ms`;
}

// The worker thread of the load (last: every declaration above is initialised).
if (!isMainThread && (workerData as ChargeDemandee | null)?.banc === 'api') {
  parentPort!.postMessage(await charger(workerData as ChargeDemandee));
}

/** A number the French way (`1 234,5`), with a fixed number of decimals. */
function nombre(x: number, decimales: number): string {
  return new Intl.NumberFormat('fr-FR', { minimumFractionDigits: decimales, maximumFractionDigits: decimales }).format(x);
}
