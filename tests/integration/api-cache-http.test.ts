import http from 'node:http';
import net from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIndicateursQueries } from '../../functions/src/core/api/indicateurs.ts';
import { createMartsReader } from '../../functions/src/core/api/marts-reader.ts';
import { createQueries } from '../../functions/src/core/api/queries.ts';
import { createApiRouter, NIVEAUX_PRECHAUFFES, type BilanPrechauffage } from '../../functions/src/core/api/router.ts';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { ProfilReponse } from '../../functions/src/core/model/api-types.ts';
import { startLocalServer, type LocalServer } from '../../functions/src/server/local-server.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// Cached profiles over HTTP (local server on loopback): warmed at start, sent compressed when the
// client accepts it, 304 when its ETag is current, whatever the headers hold.
let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let server: LocalServer;
let bilan: BilanPrechauffage;

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  server = await startLocalServer({ runtime: ctx.runtime, host: '127.0.0.1', port: 0, webRoot: null });
  bilan = await server.prechauffage;
});
afterAll(async () => {
  await server.close();
  await ctx.nettoyer();
});

interface Brut {
  status: number;
  headers: http.IncomingHttpHeaders;
  corps: Buffer;
}

/** A request with exactly these headers (no client-side decompression), the body as bytes. */
function obtenir(chemin: string, entetes: Record<string, string> = {}, methode = 'GET'): Promise<Brut> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${chemin}`, { method: methode, headers: entetes, agent: false }, (res) => {
      const morceaux: Buffer[] = [];
      res.on('data', (m: Buffer) => morceaux.push(m));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, corps: Buffer.concat(morceaux) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decoder = (r: Brut): string => {
  const e = r.headers['content-encoding'];
  return (e === 'gzip' ? gunzipSync(r.corps) : e === 'br' ? brotliDecompressSync(r.corps) : r.corps).toString('utf8');
};

const PROFIL = '/api/territoires/epci/200046977/profil';

describe('warming at start', () => {
  it('cached every profile of France, régions, départements, EPCI and CLS perimeters', async () => {
    expect(bilan.interrompu).toBe(false);
    expect(bilan.niveaux).toEqual([...NIVEAUX_PRECHAUFFES]);
    const territoires = await ctx.runtime.db.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM territoires WHERE niveau IN ('france', 'region', 'departement', 'epci')");
    const perimetres = await ctx.runtime.db.all<{ n: number }>('SELECT count(DISTINCT code)::INTEGER AS n FROM perimetres_cls');
    expect(perimetres[0]!.n).toBeGreaterThan(10);
    expect(bilan.profils).toBe(territoires[0]!.n + perimetres[0]!.n);
    for (const chemin of ['/api/territoires/france/FR/profil', '/api/territoires/region/84/profil', PROFIL, '/api/territoires/cls/CLS-78-VGP.v1/profil']) {
      expect((await obtenir(chemin)).headers['x-cache'], chemin).toBe('hit');
    }
    // communes are computed on demand
    expect((await obtenir('/api/territoires/commune/42218/profil')).headers['x-cache']).toBe('miss');
  });

  it('serves, byte for byte, the profiles computed one by one', async () => {
    // a fresh API (nothing warmed) computes each profile on its own
    const seul = createApi(ctx.runtime, { journal: () => {} });
    const echantillon = (await ctx.runtime.db.all<{ niveau: string; code: string }>(
      `SELECT niveau, code FROM (
         SELECT niveau, code, row_number() OVER (PARTITION BY niveau ORDER BY code) AS rang FROM territoires WHERE niveau <> 'commune'
       )
       WHERE niveau IN ('france', 'region') OR rang % 40 = 1
       UNION ALL
       SELECT DISTINCT 'cls', code FROM perimetres_cls
       ORDER BY 1, 2`,
    )).map((t) => `/api/territoires/${t.niveau}/${t.code}/profil`);
    expect(echantillon.length).toBeGreaterThan(60);
    for (const chemin of echantillon) {
      const chaud = await obtenir(chemin);
      expect(chaud.headers['x-cache'], chemin).toBe('hit');
      const froid = await seul({ methode: 'GET', chemin, requete: '' });
      expect(froid.headers['x-cache'], chemin).toBe('miss');
      expect(chaud.corps.toString('utf8'), chemin).toBe(froid.body);
      expect(chaud.headers.etag, chemin).toBe(froid.headers.etag);
    }
  }, 120_000);

  it('stops when the cache is full, and when asked to', async () => {
    const marts = createMartsReader(ctx.runtime);
    const router = (capacite: number) =>
      createApiRouter(createQueries(ctx.runtime, marts), { indicateurs: createIndicateursQueries(ctx.runtime, marts), capaciteCache: capacite, journal: () => {} });
    const petit = router(30);
    const plein = await petit.prechauffer();
    expect(plein).toMatchObject({ profils: 30, interrompu: true, niveaux: ['france', 'region'] });
    // nothing evicted: France and the régions are all still there
    expect((await petit({ methode: 'GET', chemin: '/api/territoires/france/FR/profil', requete: '' })).headers['x-cache']).toBe('hit');
    expect((await petit({ methode: 'GET', chemin: '/api/territoires/region/11/profil', requete: '' })).headers['x-cache']).toBe('hit');

    const arrete = router(3000);
    const enCours = arrete.prechauffer();
    await arrete.arreter();
    expect(await enCours).toMatchObject({ profils: 0, interrompu: true });
    expect(await arrete.prechauffer()).toMatchObject({ profils: 0, interrompu: true });
  });
});

describe('content coding', () => {
  it('sends gzip or brotli when accepted, the same JSON as uncompressed, with vary and one ETag per coding', async () => {
    const brut = await obtenir(PROFIL);
    expect(brut.headers['content-encoding']).toBeUndefined();
    expect(brut.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(brut.headers.vary).toBe('accept-encoding');
    expect(Number(brut.headers['content-length'])).toBe(brut.corps.length);
    const texte = brut.corps.toString('utf8');
    expect((JSON.parse(texte) as ProfilReponse).territoire.libelle).toBe('Métropole de Lyon');
    const etags = new Set([brut.headers.etag]);
    for (const [accept, codage] of [
      ['gzip', 'gzip'],
      ['gzip, deflate, br, zstd', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const r = await obtenir(PROFIL, { 'accept-encoding': accept });
      expect(r.headers['content-encoding'], accept).toBe(codage);
      expect(r.headers.vary).toBe('accept-encoding');
      expect(Number(r.headers['content-length'])).toBe(r.corps.length);
      expect(r.corps.length).toBeLessThan(brut.corps.length / 4);
      expect(decoder(r)).toBe(texte);
      etags.add(r.headers.etag);
    }
    expect(etags.size).toBe(3);
    // the CSV profile too, with its file name
    const csv = await obtenir(`${PROFIL}?format=csv`, { 'accept-encoding': 'gzip' });
    expect(csv.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="profil-epci-200046977.csv"' });
    expect(decoder(csv).charCodeAt(0)).toBe(0xfeff);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await obtenir(PROFIL, { 'accept-encoding': 'gzip' });
    const head = await obtenir(PROFIL, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.corps.length).toBe(0);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers.etag).toBe(get.headers.etag);
  });
});

describe('conditional requests', () => {
  it('answers 304 without a body when the ETag of the coding sent is current', async () => {
    const r = await obtenir(PROFIL, { 'accept-encoding': 'gzip' });
    const etag = r.headers.etag!;
    for (const inm of [etag, `W/${etag}`, `"autre", ${etag}`, '*']) {
      const n = await obtenir(PROFIL, { 'accept-encoding': 'gzip', 'if-none-match': inm });
      expect(n.status, inm).toBe(304);
      expect(n.corps.length).toBe(0);
      expect(n.headers).toMatchObject({ etag, vary: 'accept-encoding', 'cache-control': 'public, max-age=300' });
      expect(n.headers['content-length']).toBeUndefined();
    }
    // another coding is another representation: its own body
    const br = await obtenir(PROFIL, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    const autre = await obtenir('/api/territoires/region/84/profil', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(autre.status).toBe(200);
  });

  it.each([
    ['accept-encoding', 'gzip;q=abc'],
    ['accept-encoding', 'br;q=0, gzip;q=0'],
    ['accept-encoding', '*'],
    ['accept-encoding', 'identity;q=0'],
    ['accept-encoding', 'x'.repeat(8000)],
    ['accept-encoding', 'gzip,'.repeat(1500)],
    ['accept-encoding', '\u00e9\u00ff, gzip'],
    ['accept-encoding', ', ; = ;q'],
    ['accept-encoding', '%00gzip'],
    ['if-none-match', '"'],
    ['if-none-match', '"'.repeat(8000)],
    ['if-none-match', 'W/'],
    ['if-none-match', '\u00e9"\u00ff"'],
    ['if-none-match', '*, "x"'],
    ['if-none-match', '"x", '.repeat(1500)],
    ['if-none-match', '" OR 1=1 --"'],
  ])('%s: %j → 200 or 304, never an error, and a readable body', async (nom, valeur) => {
    const r = await obtenir(PROFIL, { [nom]: valeur });
    expect([200, 304]).toContain(r.status);
    if (r.status === 200) expect((JSON.parse(decoder(r)) as ProfilReponse).territoire.code).toBe('200046977');
  });

  it('leaves bytes Node cannot read as a header to Node (400), never a 5xx', async () => {
    for (const entete of ['If-None-Match: "a\u0000b"', 'Accept-Encoding: gz\u0001ip', 'If-None-Match: "a\rb"']) {
      const reponse = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.end(`GET ${PROFIL} HTTP/1.1\r\nHost: x\r\n${entete}\r\nConnection: close\r\n\r\n`, 'latin1'));
        let recu = '';
        socket.on('data', (m: Buffer) => (recu += m.toString('latin1')));
        socket.on('end', () => resolve(recu));
        socket.on('error', reject);
      });
      expect(reponse, JSON.stringify(entete)).toMatch(/^HTTP\/1\.1 [234]\d\d /);
    }
  });
});
