import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Event } from '../../functions/src/handlers/shared/events.ts';

/**
 * A real local S3 server (s3rver) on a free loopback port, started by the tests. It emits the
 * real S3 notification payloads (`ObjectCreated:Put`, …) for every write, in-process.
 */
export interface S3Local {
  endpoint: string;
  bucket: string;
  evenements: S3Event[];
  /** Events for keys starting with `prefix`, waiting up to 5 s for them to arrive. */
  attendre(prefix: string, n?: number): Promise<S3Event[]>;
  arreter(): Promise<void>;
}

export async function demarrerS3(bucket = 'lac-test'): Promise<S3Local> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'st-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = await server.run();
  const evenements: S3Event[] = [];
  // The payload as it would arrive in a Lambda: plain JSON.
  (server as unknown as EventEmitter).on('event', (e: S3Event) => evenements.push(JSON.parse(JSON.stringify(e)) as S3Event));
  const filtre = (prefix: string) => evenements.filter((e) => e.Records.some((r) => r.s3.object.key.startsWith(prefix)));
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    evenements,
    async attendre(prefix, n = 1) {
      const fin = Date.now() + 5_000;
      while (filtre(prefix).length < n && Date.now() < fin) await new Promise((r) => setTimeout(r, 20));
      return filtre(prefix);
    },
    async arreter() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The environment the Lambdas get from CDK, pointed at the local S3 server. */
export function envLambda(s3: S3Local, cacheDir: string): Record<string, string> {
  return {
    STORAGE_MODE: 's3',
    LAKE_BUCKET: s3.bucket,
    AWS_REGION: 'eu-west-3',
    S3_ENDPOINT: s3.endpoint,
    CACHE_DIR: cacheDir,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
}
