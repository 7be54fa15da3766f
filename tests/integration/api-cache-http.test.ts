import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIndicateursQueries } from '../../functions/src/core/api/indicateurs.ts';
import { createMartsReader } from '../../functions/src/core/api/marts-reader.ts';
import { createQueries } from '../../functions/src/core/api/queries.ts';
import { createApiRouter, NIVEAUX_PRECHAUFFES, type ApiReponse, type BilanPrechauffage, type ReponseImmediate } from '../../functions/src/core/api/router.ts';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { ProfilReponse } from '../../functions/src/core/model/api-types.ts';
import { startLocalServer, type LocalServer } from '../../functions/src/server/local-server.ts';
import { loadConfig } from '../../functions/src/core/config.ts';
import { createRuntime } from '../../functions/src/core/runtime.ts';
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
        const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(`GET ${PROFIL} HTTP/1.1\r\nHost: x\r\n${entete}\r\nConnection: close\r\n\r\n`, 'latin1'));
        let recu = '';
        socket.on('data', (m: Buffer) => (recu += m.toString('latin1')));
        socket.on('end', () => resolve(recu));
        socket.on('error', reject);
      });
      expect(reponse, JSON.stringify(entete)).toMatch(/^HTTP\/1\.1 [234]\d\d /);
    }
  });
});

describe('request headers as written on the wire', () => {
  /**
   * One request on a raw socket (header names and repeats as given); status line and headers of the answer.
   * The socket is not half-closed after the request: Node's server ends a half-closed socket before an
   * answer that is still being computed (the router path, once the immediate window has passed).
   */
  const brut = (lignes: string[]): Promise<{ status: number; entetes: Map<string, string> }> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(`GET ${PROFIL} HTTP/1.1\r\nHost: x\r\n${lignes.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1'));
      let recu = '';
      socket.on('data', (m: Buffer) => (recu += m.toString('latin1')));
      socket.on('end', () => {
        const [tete = ''] = recu.split('\r\n\r\n', 1);
        const [statut = '', ...reste] = tete.split('\r\n');
        resolve({ status: Number(statut.slice(9, 12)), entetes: new Map(reste.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])) });
      });
      socket.on('error', reject);
    });

  it('reads names in any case, repeats as Node joins them, and a correlation id only when well formed', async () => {
    // the target is answered once by the router, then at once
    await obtenir(PROFIL, { 'accept-encoding': 'br' });
    const { headers } = await obtenir(PROFIL, { 'accept-encoding': 'gzip' });
    for (const [lignes, codage] of [
      [['ACCEPT-ENCODING: gzip'], 'gzip'],
      [['Accept-Encoding: br'], 'br'],
      // repeated: joined by Node (« gzip;q=0.5, br;q=0.4 »)
      [['Accept-Encoding: gzip;q=0.5', 'accept-encoding: br;q=0.4'], 'gzip'],
      [['Accept-Encoding: br;q=0', 'Accept-Encoding: gzip;q=0'], undefined],
      [['Accept-Encoding: ', 'Accept-Encoding: br'], 'br'],
      [['Accept-Encodings: gzip', 'Accept-Encodin: br'], undefined],
    ] as const) {
      const r = await brut([...lignes]);
      expect(r.status, lignes.join(' | ')).toBe(200);
      expect(r.entetes.get('content-encoding'), lignes.join(' | ')).toBe(codage);
      expect(r.entetes.get('x-cache')).toBe('hit');
    }
    // If-None-Match repeated: joined, so either ETag counts
    expect((await brut(['Accept-Encoding: gzip', 'If-None-Match: "autre"', `if-none-match: ${headers.etag!}`])).status).toBe(304);
    expect((await brut(['Accept-Encoding: gzip', 'If-None-Match: "autre"', 'If-None-Match: "encore"'])).status).toBe(200);
    expect((await brut([`IF-NONE-MATCH: ${headers.etag!}`, 'accept-encoding: gzip'])).status).toBe(304);
    for (const [lignes, attendu] of [
      [['X-Correlation-Id: demande-42'], 'demande-42'],
      [['x-correlation-id: a b'], null],
      [[`X-Correlation-ID: ${'a'.repeat(65)}`], null],
      [['X-Correlation-Id: un', 'X-Correlation-Id: deux'], null],
    ] as const) {
      const id = (await brut(['Accept-Encoding: gzip', ...lignes])).entetes.get('x-correlation-id');
      if (attendu === null) expect(id, lignes.join(' | ')).toMatch(/^[0-9a-f-]{36}$/);
      else expect(id).toBe(attendu);
    }
  });
});

describe('immediate answers (a target already answered from the cache)', () => {
  /** A router on the shared lake whose marts version the test sets. */
  function routeur(confianceMs: number) {
    const marts = createMartsReader(ctx.runtime);
    const iq = createIndicateursQueries(ctx.runtime, marts);
    const etat = { version: 'v1' };
    const api = createApiRouter(createQueries(ctx.runtime, marts), { indicateurs: { ...iq, version: async () => etat.version }, confianceMs, journal: () => {} });
    return { api, etat };
  }
  const entetesDe = (r: ReponseImmediate): Record<string, string> => {
    const out: Record<string, string> = {};
    for (let i = 0; i < r.entetes.length; i += 2) out[r.entetes[i]!] = r.entetes[i + 1]!;
    return out;
  };
  /** What the router gives, as the local server sends it (content-length added, no correlation id). */
  const commeEnvoye = (r: ApiReponse): { status: number; entetes: Record<string, string>; octets: Buffer | null } => {
    const { 'x-correlation-id': _id, ...entetes } = r.headers;
    const octets = r.status === 304 ? null : Buffer.from(r.octets ?? Buffer.from(r.body));
    return { status: r.status, entetes: octets === null ? entetes : { ...entetes, 'content-length': String(octets.byteLength) }, octets };
  };

  it('gives, for the same target and headers, exactly what the router gives', async () => {
    const { api } = routeur(3_600_000);
    for (const [chemin, requete] of [
      ['/api/territoires/epci/200046977/profil', ''],
      ['/api/territoires/france/fr/profil', ''],
      ['/api/territoires/cls/CLS-78-VGP.v1/profil', 'format=csv'],
      ['/api/territoires/commune/2A004/profil', 'format=json'],
    ] as const) {
      const cible = requete === '' ? chemin : `${chemin}?${requete}`;
      expect(api.immediat('GET', cible, 'gzip', undefined), cible).toBeNull();
      const miss = await api({ methode: 'GET', chemin, requete, entetes: { 'accept-encoding': 'br' } });
      expect(miss.headers['x-cache']).toBe('miss');
      for (const accept of [undefined, '', 'gzip', 'br', 'gzip, deflate, br, zstd', 'identity', 'gzip;q=abc', '💩']) {
        // the router makes a coding on first demand; the immediate answer sends it once made
        const routeur = await api({ methode: 'GET', chemin, requete, entetes: { 'accept-encoding': accept } });
        const immediate = api.immediat('GET', cible, accept, undefined)!;
        expect(immediate, `${cible} ${accept}`).not.toBeNull();
        expect({ status: immediate.status, entetes: entetesDe(immediate), octets: immediate.octets && Buffer.from(immediate.octets) }, `${cible} ${accept}`).toEqual(commeEnvoye(routeur));
        for (const inm of [routeur.headers.etag!, `"x", W/${routeur.headers.etag!}`, '*', '"autre"', '"', 'W/']) {
          const r304 = await api({ methode: 'GET', chemin, requete, entetes: { 'accept-encoding': accept, 'if-none-match': inm } });
          const i304 = api.immediat('GET', cible, accept, inm)!;
          expect({ status: i304.status, entetes: entetesDe(i304), octets: i304.octets && Buffer.from(i304.octets) }, `${cible} ${accept} ${inm}`).toEqual(commeEnvoye(r304));
        }
      }
    }
  });

  it('answers only a GET of a target already answered, byte for byte: anything else goes to the router', async () => {
    const { api } = routeur(3_600_000);
    await api({ methode: 'GET', chemin: '/api/territoires/departement/42/profil', requete: '' });
    expect(api.immediat('GET', '/api/territoires/departement/42/profil', undefined, undefined)?.status).toBe(200);
    for (const cible of [
      '/api/territoires/departement/42/profil?',
      '/api/territoires/departement/42/profil?format=json',
      '/api/territoires/departement/42/profil/',
      '/api/territoires/departement/042/profil',
      '/api/territoires/DEPARTEMENT/42/profil',
      '/api/territoires/departement/%34%32/profil',
      '/api/territoires/departement/42/profil?format=csv',
      '/api/territoires/departement/42/profil?x=1',
      '/api/territoires/departement/42',
      '',
      '💩',
    ]) {
      expect(api.immediat('GET', cible, undefined, undefined), cible).toBeNull();
    }
    expect(api.immediat('HEAD', '/api/territoires/departement/42/profil', undefined, undefined)).toBeNull();
    expect(api.immediat('POST', '/api/territoires/departement/42/profil', undefined, undefined)).toBeNull();
    // a refused request is never remembered
    for (let k = 0; k < 2; k++) {
      expect((await api({ methode: 'GET', chemin: '/api/territoires/departement/42/profil', requete: 'format=xml' })).status).toBe(400);
      expect(api.immediat('GET', '/api/territoires/departement/42/profil?format=xml', undefined, undefined)).toBeNull();
      expect((await api({ methode: 'GET', chemin: '/api/territoires/commune/99999/profil', requete: '' })).status).toBe(404);
      expect(api.immediat('GET', '/api/territoires/commune/99999/profil', undefined, undefined)).toBeNull();
    }
    // a coding not made yet: left to the router, which makes it
    await api({ methode: 'GET', chemin: '/api/territoires/departement/43/profil', requete: '' });
    expect(api.immediat('GET', '/api/territoires/departement/43/profil', 'br', undefined)).toBeNull();
    expect((await api({ methode: 'GET', chemin: '/api/territoires/departement/43/profil', requete: '', entetes: { 'accept-encoding': 'br' } })).headers['content-encoding']).toBe('br');
    expect(api.immediat('GET', '/api/territoires/departement/43/profil', 'br', undefined)?.status).toBe(200);
  });

  it('never answers without a check of the marts within confianceMs, and forgets everything when they change', async () => {
    const jamais = routeur(0);
    await jamais.api({ methode: 'GET', chemin: '/api/territoires/region/84/profil', requete: '' });
    expect((await jamais.api({ methode: 'GET', chemin: '/api/territoires/region/84/profil', requete: '' })).headers['x-cache']).toBe('hit');
    expect(jamais.api.immediat('GET', '/api/territoires/region/84/profil', undefined, undefined)).toBeNull();

    const { api, etat } = routeur(3_600_000);
    await api({ methode: 'GET', chemin: '/api/territoires/region/84/profil', requete: '' });
    expect(api.immediat('GET', '/api/territoires/region/84/profil', undefined, undefined)?.status).toBe(200);
    // the marts change: the next check (any cached route) empties the cache and the targets
    etat.version = 'v2';
    expect((await api({ methode: 'GET', chemin: '/api/territoires/region/11/profil', requete: '' })).headers['x-cache']).toBe('miss');
    expect(api.immediat('GET', '/api/territoires/region/84/profil', undefined, undefined)).toBeNull();
    expect((await api({ methode: 'GET', chemin: '/api/territoires/region/84/profil', requete: '' })).headers['x-cache']).toBe('miss');
  });
});

describe('the local server when the marts change', () => {
  it('stops sending the cached profiles once the manifest is rewritten (checked within its delay)', async () => {
    // a lake of its own: the shared lake's marts, whose manifest the test rewrites
    const dir = await mkdtemp(path.join(os.tmpdir(), 'st-marts-'));
    const runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') }));
    try {
      await cp(path.join(inject('lacPartage').lakeDir, 'marts'), path.join(dir, 'lake', 'marts'), { recursive: true });
      const local = await startLocalServer({ runtime, host: '127.0.0.1', port: 0, webRoot: null, prechauffage: false, ttlMs: 20 });
      try {
        const url = `${local.url}${PROFIL}`;
        const cache = async () => (await fetch(url, { headers: { 'accept-encoding': 'gzip' } })).headers.get('x-cache');
        expect(await cache()).toBe('miss');
        expect(await cache()).toBe('hit');
        const manifeste = path.join(dir, 'lake', 'marts', 'manifest.json');
        const m = JSON.parse(await readFile(manifeste, 'utf8')) as { calculeLe: string };
        await writeFile(manifeste, JSON.stringify({ ...m, calculeLe: '2099-01-01T00:00:00.000Z' }));
        // the manifest is trusted 20 ms: asked again until the change is seen (bounded, no timing asserted)
        let vu = false;
        for (let essai = 0; essai < 500 && !vu; essai++) {
          vu = (await cache()) === 'miss';
          if (!vu) await new Promise((r) => setTimeout(r, 10));
        }
        expect(vu).toBe(true);
        expect(await cache()).toBe('hit');
      } finally {
        await local.close();
      }
    } finally {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('large answers over HTTP', () => {
  it('are compressed as accepted, with content-length and vary, and decode to the uncompressed answer; small ones are not', async () => {
    const chemin = '/api/indicateurs/population-municipale/valeurs?niveau=commune&format=csv';
    const brut = await obtenir(chemin);
    expect(brut.status).toBe(200);
    expect(brut.headers['content-encoding']).toBeUndefined();
    expect(brut.headers.vary).toBe('accept-encoding');
    expect(Number(brut.headers['content-length'])).toBe(brut.corps.length);
    expect(brut.corps.length).toBeGreaterThan(1024 * 1024);
    for (const [accept, codage] of [
      ['gzip', 'gzip'],
      ['br', 'br'],
      ['*', 'br'],
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip;q=0, br;q=0', undefined],
      ['gzip;q=abc', undefined],
      ['x'.repeat(8000), undefined],
    ] as const) {
      const r = await obtenir(chemin, { 'accept-encoding': accept });
      expect(r.status, accept.slice(0, 20)).toBe(200);
      expect(r.headers['content-encoding'], accept.slice(0, 20)).toBe(codage);
      expect(r.headers).toMatchObject({ vary: 'accept-encoding', 'content-type': 'text/csv; charset=utf-8' });
      expect(Number(r.headers['content-length'])).toBe(r.corps.length);
      if (codage !== undefined) expect(r.corps.length).toBeLessThan(brut.corps.length / 5);
      expect(decoder(r) === brut.corps.toString('utf8'), accept.slice(0, 20)).toBe(true);
    }
    const head = await obtenir(chemin, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.corps.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('gzip');
    // the JSON of every commune (~19 MB) too
    const json = await obtenir('/api/indicateurs/population-municipale/valeurs?niveau=commune', { 'accept-encoding': 'gzip' });
    expect(json.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(decoder(json)) as { valeurs: unknown[] }).valeurs.length).toBeGreaterThan(30_000);
    const petit = await obtenir('/api/territoires?q=lyon', { 'accept-encoding': 'gzip, br' });
    expect(petit.headers['content-encoding']).toBeUndefined();
    expect(petit.headers.vary).toBe('accept-encoding');
    expect(JSON.parse(petit.corps.toString('utf8'))).toMatchObject({ q: 'lyon' });
  });
});

describe('other answers read from the marts (values, communes, series, metadata…)', () => {
  /** A router on the shared lake whose marts version the test sets, counting the computations of values. */
  function routeur(options: { capaciteCacheReponses?: number } = {}) {
    const marts = createMartsReader(ctx.runtime);
    const iq = createIndicateursQueries(ctx.runtime, marts);
    const etat = { version: 'v1', calculs: 0 };
    const compte: typeof iq = {
      ...iq,
      version: async () => etat.version,
      valeurs: (id, o) => {
        etat.calculs += 1;
        return iq.valeurs(id, o);
      },
    };
    const api = createApiRouter(createQueries(ctx.runtime, marts), { indicateurs: compte, journal: () => {}, ...options });
    const get = (chemin: string, requete = '', entetes: Record<string, string> = {}) => api({ methode: 'GET', chemin, requete, entetes });
    return { get, etat };
  }
  const VALEURS = '/api/indicateurs/taux-pauvrete/valeurs';

  it('computes one once for the current marts, shared by concurrent requests, then sends the same bytes with an ETag', async () => {
    const { get, etat } = routeur();
    const [a, b, c] = await Promise.all([get(VALEURS, 'niveau=commune'), get(VALEURS, 'niveau=commune'), get(VALEURS, 'niveau=commune')]);
    expect(etat.calculs).toBe(1);
    expect([a, b, c].map((r) => [r.status, r.headers['x-cache']])).toEqual([[200, 'miss'], [200, 'miss'], [200, 'miss']]);
    const d = await get(VALEURS, 'niveau=commune', { 'accept-encoding': 'gzip' });
    expect(etat.calculs).toBe(1);
    expect(d.headers).toMatchObject({ 'x-cache': 'hit', 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-type': 'application/json; charset=utf-8' });
    expect(gunzipSync(d.octets!).toString('utf8')).toBe(a.body);
    const v = JSON.parse(a.body) as { niveau: string; valeurs: Array<{ statut: string }> };
    expect(v.niveau).toBe('commune');
    expect(v.valeurs.length).toBeGreaterThan(30_000);
    // the validator: 304 for the coding held, the body for another one
    expect(a.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect((await get(VALEURS, 'niveau=commune', { 'if-none-match': a.headers.etag! })).status).toBe(304);
    expect((await get(VALEURS, 'niveau=commune', { 'if-none-match': d.headers.etag!, 'accept-encoding': 'gzip' })).status).toBe(304);
    expect((await get(VALEURS, 'niveau=commune', { 'if-none-match': a.headers.etag!, 'accept-encoding': 'br' })).headers['content-encoding']).toBe('br');
    expect(etat.calculs).toBe(1);
  });

  it('keeps one entry per route and validated parameters: format, period and filters are other answers', async () => {
    const { get, etat } = routeur();
    const json = await get(VALEURS, 'niveau=departement');
    const csv = await get(VALEURS, 'niveau=departement&format=csv');
    const csvBis = await get(VALEURS, 'format=csv&niveau=departement');
    expect(csvBis.headers).toMatchObject({ 'x-cache': 'hit', 'content-type': 'text/csv; charset=utf-8', 'content-disposition': csv.headers['content-disposition'] });
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="taux-pauvrete-departement-\d{4}\.csv"$/);
    expect(csvBis.body).toBe(csv.body);
    const periode = (JSON.parse(json.body) as { periode: string }).periode;
    // the same answer asked with its period explicit is another key (computed again, same content)
    const explicite = await get(VALEURS, `niveau=departement&periode=${periode}`);
    expect(explicite.headers['x-cache']).toBe('miss');
    expect(explicite.body).toBe(json.body);
    const filtre = await get(VALEURS, 'niveau=departement&region=84');
    expect((JSON.parse(filtre.body) as { valeurs: unknown[] }).valeurs.length).toBe(12);
    expect(etat.calculs).toBe(4);
    // other routes too
    for (const [chemin, requete] of [
      ['/api/indicateurs', ''],
      ['/api/indicateurs/taux-pauvrete', ''],
      ['/api/territoires/epci/200046977/series', 'indicateur=taux-pauvrete'],
      ['/api/territoires/epci/200046977/communes', 'indicateur=taux-pauvrete&format=csv'],
      ['/api/territoires/departement/69/communes', 'tri=libelle'],
      ['/api/territoires/departement/69/inegalites', 'indicateur=niveau-vie-median'],
      ['/api/cls/couverture', 'date=2024-01-01'],
      ['/api/cls/epci-non-couverts', 'date=2024-01-01&limite=5'],
    ] as const) {
      const premier = await get(chemin, requete);
      const second = await get(chemin, requete);
      expect([premier.status, premier.headers['x-cache'], second.headers['x-cache']], chemin).toEqual([200, 'miss', 'hit']);
      expect(second.body).toBe(premier.body);
    }
  });

  it('keeps no failure, forgets everything when the marts change, and keeps nothing beyond its byte budget', async () => {
    const { get, etat } = routeur();
    for (let k = 0; k < 2; k++) expect((await get(VALEURS, 'niveau=epci&periode=1850')).status).toBe(400);
    expect(etat.calculs).toBe(2);
    await get(VALEURS, 'niveau=region');
    expect((await get(VALEURS, 'niveau=region')).headers['x-cache']).toBe('hit');
    etat.version = 'v2';
    expect((await get(VALEURS, 'niveau=region')).headers['x-cache']).toBe('miss');
    expect(etat.calculs).toBe(4);

    // a budget smaller than the answer: computed each time, never kept
    const petit = routeur({ capaciteCacheReponses: 10_000 });
    await petit.get(VALEURS, 'niveau=epci');
    expect((await petit.get(VALEURS, 'niveau=epci')).headers['x-cache']).toBe('miss');
    expect(petit.etat.calculs).toBe(2);
    // a small one fits
    await petit.get(VALEURS, 'niveau=france');
    expect((await petit.get(VALEURS, 'niveau=france')).headers['x-cache']).toBe('hit');
  });

  it('sends a small answer uncompressed, whatever is accepted (below the compression threshold)', async () => {
    const { get } = routeur();
    for (let k = 0; k < 2; k++) {
      const r = await get('/api/indicateurs/taux-pauvrete', '', { 'accept-encoding': 'gzip, br' });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers.vary).toBe('accept-encoding');
      expect((JSON.parse(r.body) as { id: string }).id).toBe('taux-pauvrete');
    }
  });
});
