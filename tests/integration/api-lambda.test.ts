import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler } from '../../functions/src/handlers/api/handler.ts';
import type { ApiGatewayV2Event } from '../../functions/src/handlers/shared/events.ts';
import { reinitialiserRuntimeLambda } from '../../functions/src/handlers/shared/runtime.ts';
import { REPO } from '../helpers/chemins.ts';

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
    // routes that are not cached stay plain text, whatever the viewer accepts
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
