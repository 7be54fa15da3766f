import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Storage } from '../../functions/src/core/storage/s3-storage.ts';
import type { Storage } from '../../functions/src/core/storage/storage.ts';
import { demarrerS3, type S3Local } from '../helpers/s3.ts';

let s3: S3Local;
let dir: string;
let storage: Storage;

beforeAll(async () => {
  s3 = await demarrerS3();
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-s3cache-'));
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  storage = createS3Storage({ bucket: s3.bucket, region: 'eu-west-3', endpoint: s3.endpoint, cacheDir: dir });
});
afterAll(async () => {
  await s3.arreter();
  await rm(dir, { recursive: true, force: true });
});

describe('S3 storage against a real local S3 server', () => {
  it('puts, heads, gets and deletes bytes exactly (UTF-8 and binary)', async () => {
    const texte = 'Saint-Étienne;2A004;01001\n';
    const o = await storage.put('lake/essai/a.csv', texte);
    expect(o.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(await storage.head('lake/essai/a.csv')).toEqual({ key: 'lake/essai/a.csv', size: Buffer.byteLength(texte), etag: o.etag });
    expect(new TextDecoder().decode((await storage.get('lake/essai/a.csv'))!)).toBe(texte);
    const bin = new Uint8Array(randomBytes(4096));
    await storage.put('lake/essai/b.bin', bin);
    expect(Buffer.compare(Buffer.from((await storage.get('lake/essai/b.bin'))!), Buffer.from(bin))).toBe(0);
    await storage.delete('lake/essai/b.bin');
    expect(await storage.get('lake/essai/b.bin')).toBeNull();
    expect(await storage.head('lake/essai/b.bin')).toBeNull();
  });

  it('uploads a file in parts, streamed, without corrupting it (checksums only when required)', async () => {
    const f = path.join(dir, 'gros.bin');
    const contenu = randomBytes(12 * 1024 * 1024);
    await writeFile(f, contenu);
    await storage.putFile('lake/essai/gros.parquet', f);
    const relu = (await storage.get('lake/essai/gros.parquet'))!;
    expect(relu.byteLength).toBe(contenu.byteLength);
    expect(Buffer.compare(Buffer.from(relu), contenu)).toBe(0);
  });

  it('lists by prefix, sorted', async () => {
    await storage.put('marts/x/2.json', '{}');
    await storage.put('marts/x/1.json', '{}');
    await storage.put('marts/y/1.json', '{}');
    expect((await storage.list('marts/x/')).map((o) => o.key)).toEqual(['marts/x/1.json', 'marts/x/2.json']);
  });

  it('gives DuckDB a local copy cached by ETag, refreshed when the object changes', async () => {
    await storage.put('marts/t/data.parquet', 'version 1');
    const p1 = await storage.localPath('marts/t/data.parquet');
    expect(await readFile(p1, 'utf-8')).toBe('version 1');
    expect(await storage.localPath('marts/t/data.parquet')).toBe(p1);
    await storage.put('marts/t/data.parquet', 'version 2');
    const p2 = await storage.localPath('marts/t/data.parquet');
    expect(p2).not.toBe(p1);
    expect(await readFile(p2, 'utf-8')).toBe('version 2');
    await expect(readFile(p1)).rejects.toThrow(); // the stale copy is dropped
  });

  it('rejects keys that could escape the lake and reports missing objects', async () => {
    for (const k of ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', '']) await expect(storage.put(k, 'x'), k).rejects.toThrow(/Clé de stockage invalide/);
    await expect(storage.localPath('absent/x.parquet')).rejects.toThrow(/Objet absent du lac/);
    expect(await storage.get('absent/x')).toBeNull();
  });
});
