import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/core/config.ts';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { createRuntime } from '../../functions/src/core/runtime.ts';
import { createS3Client } from '../../functions/src/core/storage/s3-storage.ts';
import { handler as apiHandler } from '../../functions/src/handlers/api/handler.ts';
import { handler as computeHandler } from '../../functions/src/handlers/compute-indicateurs/handler.ts';
import { handler as ingestHandler } from '../../functions/src/handlers/ingest-extract/handler.ts';
import type { ApiGatewayV2Event } from '../../functions/src/handlers/shared/events.ts';
import { reinitialiserRuntimeLambda } from '../../functions/src/handlers/shared/runtime.ts';
import { FICHIER_MOUVEMENTS, FICHIER_POPULATIONS, REPO } from '../helpers/chemins.ts';
import { demarrerS3, envLambda, type S3Local } from '../helpers/s3.ts';

// The three Lambda handlers fed real event payloads (S3 notifications emitted by a real local S3
// server, an API Gateway HTTP API v2 event), with the environment CDK gives them.
const golden = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/golden/populations-legales-2023.json'), 'utf-8')) as { departements: Record<string, number> };
const evenementApi = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/events/apigw-v2-get.json'), 'utf-8')) as ApiGatewayV2Event;

let s3: S3Local;
let dir: string;
let client: S3Client;
const envAvant = { ...process.env };

const deposer = (key: string, body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
const etatLac = async () =>
  Object.fromEntries(
    (await (await import('../../functions/src/core/storage/s3-storage.ts')).createS3Storage({ bucket: s3.bucket, region: 'eu-west-3', endpoint: s3.endpoint, cacheDir: dir }).list(''))
      .filter((o) => !o.key.startsWith('raw/'))
      .map((o) => [o.key, o.etag]),
  );

beforeAll(async () => {
  s3 = await demarrerS3();
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-handlers-'));
  Object.assign(process.env, envLambda(s3, path.join(dir, 'cache')));
  client = createS3Client({ region: 'eu-west-3', endpoint: s3.endpoint });
});
afterAll(async () => {
  await reinitialiserRuntimeLambda();
  process.env = envAvant;
  await s3.arreter();
  await rm(dir, { recursive: true, force: true });
});

describe('upload → ingest → compute → API, through the handlers and S3 events', () => {
  it('ingests the extracts uploaded to raw/depot/ from their ObjectCreated events', async () => {
    await deposer('raw/depot/mouvements-communes.csv', readFileSync(FICHIER_MOUVEMENTS));
    await deposer('raw/depot/millesime=2023/donnees_communes.csv', readFileSync(FICHIER_POPULATIONS));
    const evenements = await s3.attendre('raw/depot/', 2);
    expect(evenements[0]!.Records[0]!.eventName).toBe('ObjectCreated:Put');
    const sorties = [];
    for (const e of evenements) sorties.push(await ingestHandler(e));
    expect(sorties.flatMap((s) => s.resultats).map((r) => [r.statut, r.dataset, r.millesime])).toEqual([
      ['publie', 'cog-mouvements', '2026'],
      ['publie', 'populations-legales', '2023'],
    ]);
  });

  it('recomputes the marts from a lake manifest event, once', async () => {
    const evenements = await s3.attendre('lake/populations-legales/manifest.json');
    expect(await computeHandler(evenements[0])).toMatchObject({ statut: 'calcule' });
    expect(await computeHandler(evenements[0])).toMatchObject({ statut: 'inchange' });
    expect(await computeHandler({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: s3.bucket }, object: { key: 'lake/x/data.parquet' } } }] })).toEqual({ statut: 'ignore' });
  });

  it('answers an API Gateway v2 event from the marts', async () => {
    const r = await apiHandler(evenementApi);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['x-correlation-id']).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
    const body = JSON.parse(r.body) as { libelle: string; population: { valeur: number } };
    expect(body.libelle).toBe('Loire');
    expect(body.population.valeur).toBe(golden.departements['42']);
    const mauvais = await apiHandler({ ...evenementApi, rawPath: '/api/territoires/departement/XYZ', rawQueryString: '' });
    expect(mauvais.statusCode).toBe(400);
    const absent = await apiHandler({ ...evenementApi, rawPath: '/api/territoires', rawQueryString: 'q=saint+etienne&limite=1' });
    expect(JSON.parse(absent.body).resultats[0].code).toBe('42218');
  });

  it('quarantines a bad upload with a report, leaves the lake and marts untouched, and does not throw', async () => {
    const avant = await etatLac();
    const mauvais = readFileSync(FICHIER_POPULATIONS, 'utf-8').replace('01001;L\'Abergement-Clémenciat;860', '01001;L\'Abergement-Clémenciat;86O');
    await deposer('raw/depot/millesime=2023/donnees communes corrigées.csv', mauvais);
    const [e] = (await s3.attendre('raw/depot/millesime=2023/donnees communes')).slice(-1);
    // Real S3 URL-encodes keys in events (spaces as '+'); s3rver does not: send both forms.
    const encode = structuredClone(e!);
    encode.Records[0]!.s3.object.key = 'raw/depot/millesime%3D2023/donnees+communes+corrig%C3%A9es.csv';
    for (const ev of [e!, encode]) {
      const sortie = await ingestHandler(ev);
      expect(sortie.resultats[0]).toMatchObject({ statut: 'rejete', rapport: expect.stringMatching(/^raw\/rejets\/[0-9a-f]{64}\.json$/) });
      expect(sortie.resultats[0]!.raison).toMatch(/donnees communes corrigées\.csv, ligne 2, colonne 9 \(PMUN\)/);
    }
    expect(await etatLac()).toEqual(avant);
  });

  it('ingests a binary workbook uploaded to raw/depot/ (DGCL EPCI composition, XLSX)', async () => {
    await deposer('raw/depot/dgcl/epcicom.xlsx', readFileSync(path.join(REPO, 'data/dgcl/epcicom.xlsx')));
    const [e] = await s3.attendre('raw/depot/dgcl/');
    const sortie = await ingestHandler(e!);
    expect(sortie.resultats).toEqual([expect.objectContaining({ statut: 'publie', dataset: 'epci-composition-dgcl', millesime: '2025' })]);
    const manifeste = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'lake/epci-composition-dgcl/manifest.json' }));
    const m = JSON.parse(await manifeste.Body!.transformToString()) as { versions: Record<string, { encodage: string | null; lignesAcceptees: number }> };
    expect(Object.values(m.versions)[0]).toMatchObject({ encodage: null, lignesAcceptees: 34871 });
  });

  it('ignores events outside raw/depot/ and rejects what is not an S3 event', async () => {
    const autre = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: s3.bucket }, object: { key: 'raw/populations-legales/2023/x.csv' } } }] };
    expect((await ingestHandler(autre)).resultats[0]!.statut).toBe('ignore');
    await expect(ingestHandler({ hello: 'world' })).rejects.toThrow(/événement S3 ObjectCreated est attendu/);
    await expect(ingestHandler({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'autre' }, object: { key: 'raw/depot/x.csv' } } }] })).rejects.toThrow(/autre bucket/);
  });
});

describe('an S3 failure in the middle of publishing', () => {
  it('publishes nothing visible, and a retry succeeds', async () => {
    // Inject a failure at the AWS edge: the manifest PUT fails once the Parquet is written.
    const panne = createS3Client({ region: 'eu-west-3', endpoint: s3.endpoint });
    let pannes = 0;
    panne.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === 'PutObjectCommand' && input.Key === 'lake/populations-legales/manifest.json' && pannes === 0) {
          pannes += 1;
          throw Object.assign(new Error('Service Unavailable (injected)'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injection-panne' },
    );
    const config = loadConfig({ ...envLambda(s3, path.join(dir, 'cache-panne')), LAKE_BUCKET: s3.bucket });
    const runtime = await createRuntime(config, { s3Client: panne });
    try {
      const manifesteAvant = await runtime.storage.get('lake/populations-legales/manifest.json');
      const corrige = readFileSync(FICHIER_POPULATIONS, 'utf-8').replace(';860;16;876', ';861;16;877');
      await expect(ingererExtrait(runtime, { fichier: 'donnees_communes.csv', bytes: new TextEncoder().encode(corrige), millesime: '2023' })).rejects.toThrow(/injected/);
      // The published state is the previous one: readers never see half a publication.
      expect(await runtime.storage.get('lake/populations-legales/manifest.json')).toEqual(manifesteAvant);
      const r = await ingererExtrait(runtime, { fichier: 'donnees_communes.csv', bytes: new TextEncoder().encode(corrige), millesime: '2023' });
      expect(r.statut).toBe('publie');
      expect(pannes).toBe(1);
    } finally {
      await runtime.close();
    }
  });
});
