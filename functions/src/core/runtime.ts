import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';
import { openDb, type Db } from './duckdb/duckdb.ts';
import { createFsStorage } from './storage/fs-storage.ts';
import { createS3Storage } from './storage/s3-storage.ts';
import type { Storage } from './storage/storage.ts';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Everything the core needs, built from the configuration. The only place that branches on
 * local vs cloud: Lambda handlers, the CLI and the local server all call `createRuntime`.
 */
export interface Runtime {
  config: Config;
  storage: Storage;
  db: Db;
  /** Scratch folder for temp files (Lambda: under /tmp). */
  tmpDir: string;
  now: () => Date;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  now?: () => Date;
  /** Tests inject a failing S3 client here (failures at the AWS edge only). */
  s3Client?: S3Client;
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const cacheDir = path.resolve(config.cacheDir);
  const tmpDir = path.join(cacheDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const storage =
    config.storage.mode === 'fs'
      ? createFsStorage(config.storage.lakeDir)
      : createS3Storage({
          bucket: config.storage.bucket,
          region: config.storage.region,
          endpoint: config.storage.endpoint,
          cacheDir,
          client: overrides.s3Client,
        });
  const db = await openDb({ workDir: cacheDir, threads: config.duckdb.threads, memoryLimit: config.duckdb.memoryLimit });
  return {
    config,
    storage,
    db,
    tmpDir,
    now: overrides.now ?? (() => new Date()),
    close: () => db.close(),
  };
}
