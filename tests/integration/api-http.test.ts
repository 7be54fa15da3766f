import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SourcesReponse } from '../../functions/src/core/model/api-types.ts';
import { startLocalServer, type LocalServer } from '../../functions/src/server/local-server.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// The local server (the API over HTTP + static files) on a loopback port, fed garbage.
let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let server: LocalServer;
let dir: string;

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-web-'));
  const web = path.join(dir, 'web');
  await mkdir(path.join(web, '_app'), { recursive: true });
  await writeFile(path.join(web, '200.html'), '<!doctype html><title>SPA</title>');
  await writeFile(path.join(web, 'index.html'), '<!doctype html><title>Accueil</title>');
  await writeFile(path.join(web, '_app', 'app.js'), 'export {}');
  server = await startLocalServer({ runtime: ctx.runtime, host: '127.0.0.1', port: 0, webRoot: web });
});
afterAll(async () => {
  await server.close();
  await ctx.nettoyer();
  await rm(dir, { recursive: true, force: true });
});

const hostiles = [
  '/api/territoires',
  '/api/territoires?q=',
  '/api/territoires?q=a',
  '/api/territoires?q=%',
  '/api/territoires?q=%E0%A4%A',
  '/api/territoires?q=' + 'x'.repeat(101),
  '/api/territoires?q=lyon&limite=0',
  '/api/territoires?q=lyon&limite=51',
  '/api/territoires?q=lyon&limite=-1',
  '/api/territoires?q=lyon&limite=1e3',
  '/api/territoires?q=lyon&limite=99999999999999999999',
  '/api/territoires?q=lyon&niveau=canton',
  '/api/territoires?q=lyon&q=paris',
  '/api/territoires?q=%00%01',
  '/api/territoires/commune',
  '/api/territoires/canton/01001',
  '/api/territoires/commune/1001',
  '/api/territoires/commune/01001%27%20OR%201=1--',
  '/api/territoires/commune/99999',
  '/api/territoires/departement/00',
  '/api/territoires/departement/20',
  '/api/territoires/epci/123456789',
  '/api/territoires/region/2A',
  '/api/territoires/france/XX',
  '/api/territoires/commune/01001/voisins',
  '/api/territoires/commune/01001/communes/extra',
  '/api/territoires/commune/01001/communes?tri=population;DROP',
  '/api/territoires/commune/01001/communes?ordre=sideways',
  '/api/territoires/epci/200046977/communes?decalage=40001',
  '/api/territoires/commune/%F0%9F%92%A9',
  '/api/territoires/commune/' + '9'.repeat(5000),
  '/api/inconnu',
  '/api',
];

describe('the API over HTTP', () => {
  it('answers 200 with JSON for a good request, with a correlation id', async () => {
    const r = await fetch(`${server.url}/api/territoires?q=velizy+villacoublay`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('x-correlation-id')).toMatch(/^[\w-]+$/);
    const body = (await r.json()) as { resultats: Array<{ code: string; libelle: string }> };
    expect(body.resultats[0]).toMatchObject({ code: '78640', libelle: 'Vélizy-Villacoublay' });
  });

  it.each(hostiles)('%s → 4xx with a French message, never 5xx', async (chemin) => {
    const r = await fetch(`${server.url}${chemin}`);
    expect(r.status, chemin).toBeGreaterThanOrEqual(400);
    expect(r.status, chemin).toBeLessThan(500);
    const body = (await r.json()) as { erreur: { code: string; message: string } };
    expect(body.erreur.message.length).toBeGreaterThan(10);
  });

  it('names the parameter at fault', async () => {
    const r = await fetch(`${server.url}/api/territoires?q=lyon&limite=500`);
    expect(await r.json()).toEqual({
      erreur: { code: 'parametre_invalide', parametre: 'limite', message: 'Paramètre « limite » invalide : entier entre 1 et 50 attendu, « 500 » reçu.' },
    });
  });

  it('refuses other methods with 405', async () => {
    const r = await fetch(`${server.url}/api/territoires?q=lyon`, { method: 'POST', body: 'x' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD');
  });

  it('survives 1 000 random requests built from fragments without a 5xx', async () => {
    // Deterministic pseudo-random generator: the same requests on every run.
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const niveaux = ['commune', 'epci', 'departement', 'region', 'france', 'cls', '', '..', 'Commune', '%00'];
    const codes = ['01001', '2A004', '75056', '200046977', '84', '2A', 'FR', "'", '%27;--', '0'.repeat(12), 'é', '%F0%9F%92%A9', '-1', '1e9', ''];
    const suffixes = ['', '/communes', '/communes?limite=5', '/communes?tri=libelle&ordre=asc', '/communes?decalage=9', '/profil', '?x=1', '/'];
    const statuts = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const chemin =
        rnd(4) === 0
          ? `/api/territoires?q=${encodeURIComponent(String.fromCharCode(...Array.from({ length: rnd(12) }, () => rnd(0x2fff))))}&limite=${rnd(80) - 10}`
          : `/api/territoires/${niveaux[rnd(niveaux.length)]}/${codes[rnd(codes.length)]}${suffixes[rnd(suffixes.length)]}`;
      const r = await fetch(`${server.url}${chemin}`);
      await r.arrayBuffer();
      statuts.set(r.status, (statuts.get(r.status) ?? 0) + 1);
      expect(r.status, chemin).toBeLessThan(500);
    }
    expect(statuts.get(200)).toBeGreaterThan(50);
  }, 120_000);
});

describe('GET /api/sources', () => {
  it('lists every dataset of the lake with its provenance, version by version', async () => {
    const r = await fetch(`${server.url}/api/sources`);
    expect(r.status).toBe(200);
    const { sources } = (await r.json()) as SourcesReponse;
    const pop = sources.find((s) => s.dataset === 'populations-legales')!;
    expect(pop).toMatchObject({ producteur: 'Insee', licence: 'Licence Ouverte / Etalab 2.0' });
    expect(pop.versions).toEqual([
      expect.objectContaining({ millesime: '2023', partie: null, fichier: 'donnees_communes.csv', geographieSource: 'COG 2025', encodage: 'utf-8', lignesLues: 34900, lignesAcceptees: 34900, lignesRejetees: 0 }),
    ]);
    expect(pop.versions[0]!.sha256).toBe('efccf96dab4a93402673e47aa32b03bdb515981e9944ebdd79d40eb8f2c12a7d');
    const filo = sources.find((s) => s.dataset === 'filosofi-disp')!;
    expect(filo.versions.map((v) => `${v.millesime}/${v.partie}`)).toEqual(expect.arrayContaining(['2014/commune', '2019/commune', '2019/epci', '2019/departement', '2019/region', '2019/france-metropolitaine']));
    expect(filo.versions.find((v) => v.partie === 'epci')!.variables).toContainEqual({ id: 'mediane-niveau-vie', libelle: 'Médiane du niveau de vie', unite: '€', colonneSource: 'Q219' });
  });

  it('refuses parameters', async () => {
    expect((await fetch(`${server.url}/api/sources?dataset=x`)).status).toBe(400);
  });
});

describe('static files and the SPA fallback', () => {
  it('serves the home page, assets, and the fallback for deep links', async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toContain('Accueil');
    expect((await fetch(`${server.url}/_app/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const deep = await fetch(`${server.url}/territoires/epci/200046977`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('SPA');
  });

  it('does not escape the web root and 404s missing assets', async () => {
    // (fetch normalises `..` and `%2e%2e` like a browser; `%2f` reaches the server encoded)
    for (const p of ['/api/../../etc/passwd', '/api/territoires/%2e%2e/%2e%2e/etc/passwd', '/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc/passwd']) {
      const r = await fetch(`${server.url}${p}`);
      expect(await r.text(), p).not.toContain('root:');
    }
    expect((await fetch(`${server.url}/_app/absent.js`)).status).toBe(404);
  });
});
