import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEUIL_COMPRESSION } from '../../functions/src/core/api/representations.ts';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { ErreurReponse, ValeursReponse } from '../../functions/src/core/model/api-types.ts';
import { handler, MAX_CORPS_LAMBDA } from '../../functions/src/handlers/api/handler.ts';
import type { ApiGatewayV2Event } from '../../functions/src/handlers/shared/events.ts';
import { reinitialiserRuntimeLambda } from '../../functions/src/handlers/shared/runtime.ts';
import { REPO } from '../helpers/chemins.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// The API Lambda handler on the shared lake (filesystem mode): a cached profile goes back to API
// Gateway compressed and in base64 when the viewer accepts it, 304 when its ETag is current.
const evenement = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/events/apigw-v2-get.json'), 'utf-8')) as ApiGatewayV2Event;
const envAvant = { ...process.env };
let cache: string;

beforeAll(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), 'st-lambda-'));
  Object.assign(process.env, { STORAGE_MODE: 'fs', LAKE_DIR: inject('lacPartage').lakeDir, CACHE_DIR: cache });
});
afterAll(async () => {
  await reinitialiserRuntimeLambda();
  process.env = envAvant;
  await rm(cache, { recursive: true, force: true });
});

const profil = (headers: Record<string, string>): ApiGatewayV2Event => ({ ...evenement, rawPath: '/api/territoires/departement/42/profil', rawQueryString: '', headers: { ...evenement.headers, ...headers } });

describe('the API handler and compressed bodies', () => {
  it('returns a cached profile in base64, gzip or brotli as accepted, and plain text otherwise', async () => {
    const brut = await handler(profil({ 'accept-encoding': 'identity' }));
    expect(brut.statusCode).toBe(200);
    expect(brut.isBase64Encoded).toBeUndefined();
    expect(brut.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(brut.body).territoire.libelle).toBe('Loire');
    const gzip = await handler(profil({ 'accept-encoding': 'gzip' }));
    expect(gzip).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-encoding': 'gzip', vary: 'accept-encoding', 'x-cache': 'hit' } });
    expect(gunzipSync(Buffer.from(gzip.body, 'base64')).toString('utf8')).toBe(brut.body);
    // the fixture's header, as browsers send it
    const br = await handler(profil({}));
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(br.body, 'base64')).toString('utf8')).toBe(brut.body);
    // small answers stay plain text, whatever the viewer accepts
    const territoire = await handler({ ...evenement, headers: { 'accept-encoding': 'gzip' } });
    expect(territoire.isBase64Encoded).toBeUndefined();
    expect(JSON.parse(territoire.body).libelle).toBe('Loire');
  });

  it('answers 304 with no body to a current ETag, and ignores garbage', async () => {
    const r = await handler(profil({ 'accept-encoding': 'gzip' }));
    const n = await handler(profil({ 'accept-encoding': 'gzip', 'if-none-match': r.headers.etag! }));
    expect(n).toMatchObject({ statusCode: 304, body: '', headers: { etag: r.headers.etag } });
    expect(n.isBase64Encoded).toBeUndefined();
    for (const inm of ['"', 'W/', '\u0000', '💩', '"x"'.repeat(3000)]) {
      const x = await handler(profil({ 'accept-encoding': '\u202egzip;q=NaN', 'if-none-match': inm }));
      expect(x.statusCode, inm.slice(0, 20)).toBe(200);
      expect(x.isBase64Encoded).toBeUndefined();
      expect(x.body).toBe(JSON.stringify(JSON.parse(x.body)));
    }
  });
});

describe('large answers', () => {
  // the reference: the same API, uncompressed (no Accept-Encoding), outside the Lambda
  let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
  let reference: ReturnType<typeof createApi>;
  beforeAll(async () => {
    ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
    reference = createApi(ctx.runtime, { journal: () => {} });
  });
  afterAll(async () => ctx.nettoyer());

  const VALEURS = '/api/indicateurs/population-municipale/valeurs';
  const valeurs = (requete: string, headers: Record<string, string>): ApiGatewayV2Event => ({ ...evenement, rawPath: VALEURS, rawQueryString: requete, headers: { host: 'x', ...headers } });
  const decoder = (r: { body: string; headers: Record<string, string> }): string => {
    const octets = Buffer.from(r.body, 'base64');
    return (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(octets) : gunzipSync(octets)).toString('utf8');
  };

  it('returns the values of every commune compressed in base64, decoding to the uncompressed answer, within the Lambda limit', async () => {
    const attendu = await reference({ methode: 'GET', chemin: VALEURS, requete: 'niveau=commune' });
    expect(attendu.status).toBe(200);
    // larger than Lambda can return as text
    expect(Buffer.byteLength(attendu.body)).toBeGreaterThan(MAX_CORPS_LAMBDA);
    expect((JSON.parse(attendu.body) as ValeursReponse).valeurs.length).toBeGreaterThan(30_000);
    for (const [accept, codage] of [
      ['gzip', 'gzip'],
      ['gzip, deflate, br, zstd', 'br'],
    ] as const) {
      const r = await handler(valeurs('niveau=commune', { 'accept-encoding': accept }));
      expect(r, accept).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-encoding': codage, vary: 'accept-encoding', 'content-type': 'application/json; charset=utf-8' } });
      expect(r.body.length).toBeLessThan(MAX_CORPS_LAMBDA / 4);
      expect(decoder(r)).toBe(attendu.body);
    }
  });

  it('says so (406 naming accept-encoding) when the viewer accepts no coding and the answer does not fit', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip;q=0, br;q=0' }, { 'accept-encoding': 'deflate' }] as Array<Record<string, string>>) {
      const r = await handler(valeurs('niveau=commune', headers));
      expect(r.statusCode, JSON.stringify(headers)).toBe(406);
      expect(r.isBase64Encoded).toBeUndefined();
      const { erreur } = JSON.parse(r.body) as ErreurReponse;
      expect(erreur).toMatchObject({ code: 'reponse_trop_volumineuse', parametre: 'accept-encoding' });
      expect(erreur.message).toMatch(/^Réponse trop volumineuse pour être envoyée sans compression \(\d+(,\d)? Mo, 6 Mo au plus\) : acceptez gzip ou br/);
    }
  });

  it('compresses a large CSV as accepted, and sends it as text when nothing readable is accepted; hostile values never break it', async () => {
    const attendu = await reference({ methode: 'GET', chemin: VALEURS, requete: 'niveau=commune&format=csv' });
    expect(attendu.status).toBe(200);
    const taille = Buffer.byteLength(attendu.body);
    expect(taille).toBeGreaterThan(1024 * 1024);
    expect(taille).toBeLessThan(MAX_CORPS_LAMBDA);
    for (const [accept, codage] of [
      [undefined, null],
      ['identity', null],
      ['GZIP', 'gzip'],
      ['x-gzip', 'gzip'],
      ['*', 'br'],
      ['br;q=0, *', 'gzip'],
      ['br;q=NaN, gzip', 'gzip'],
      ['gzip;q=abc', null],
      ['gzip;q=2', null],
      ['\u0000gzip', null],
      ['\u202egzip;q=NaN', null],
      ['💩, br', 'br'],
      ['%67zip', null],
      ['x'.repeat(8000), null],
      ['gzip,'.repeat(1500), 'gzip'],
      [', ; = ;q', null],
      ['br;q=0.5, gzip;q=0.5', 'br'],
    ] as const) {
      const r = await handler(valeurs('niveau=commune&format=csv', accept === undefined ? {} : { 'accept-encoding': accept }));
      expect(r.statusCode, accept?.slice(0, 20)).toBe(200);
      expect(r.headers).toMatchObject({ vary: 'accept-encoding', 'content-type': 'text/csv; charset=utf-8' });
      expect(r.headers['content-disposition']).toMatch(/^attachment; filename="population-municipale-commune-\d{4}\.csv"$/);
      if (codage === null) {
        expect(r.isBase64Encoded, accept?.slice(0, 20)).toBeUndefined();
        expect(r.headers['content-encoding']).toBeUndefined();
        expect(r.body).toBe(attendu.body);
      } else {
        expect(r, accept?.slice(0, 20)).toMatchObject({ isBase64Encoded: true, headers: { 'content-encoding': codage } });
        expect(decoder(r)).toBe(attendu.body);
      }
    }
  });

  it('leaves small answers alone, and compresses from the threshold on', async () => {
    for (const [rawPath, rawQueryString] of [
      ['/api/territoires', 'q=saint%20etienne'],
      ['/api/territoires/departement/42', ''],
      ['/api/territoires/departement/42/communes', 'limite=5'],
    ] as const) {
      const attendu = await reference({ methode: 'GET', chemin: rawPath, requete: rawQueryString });
      expect(Buffer.byteLength(attendu.body), rawPath).toBeLessThan(SEUIL_COMPRESSION);
      const r = await handler({ ...evenement, rawPath, rawQueryString, headers: { 'accept-encoding': 'gzip, br' } });
      expect(r.isBase64Encoded, rawPath).toBeUndefined();
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers.vary).toBe('accept-encoding');
      expect(r.body).toBe(attendu.body);
    }
    // a département's values (about a hundred rows) are over the threshold: compressed
    const attendu = await reference({ methode: 'GET', chemin: VALEURS, requete: 'niveau=departement' });
    expect(Buffer.byteLength(attendu.body)).toBeGreaterThanOrEqual(SEUIL_COMPRESSION);
    const r = await handler(valeurs('niveau=departement', { 'accept-encoding': 'gzip' }));
    expect(r).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-encoding': 'gzip' } });
    expect(decoder(r)).toBe(attendu.body);
    // errors are never compressed
    const erreur = await handler(valeurs('niveau=canton', { 'accept-encoding': 'gzip' }));
    expect(erreur.statusCode).toBe(400);
    expect(erreur.isBase64Encoded).toBeUndefined();
    expect((JSON.parse(erreur.body) as ErreurReponse).erreur.parametre).toBe('niveau');
  });
});
