import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertValidKey, type ObjetStocke, type Storage } from './storage.ts';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** A local S3 server (tests, s3rver): path-style addressing and checksums only when required. */
  endpoint: string | null;
  /** Folder where `localPath` downloads objects, keyed by ETag. */
  cacheDir: string;
  /** Injected client (tests use it to inject failures at the AWS edge). */
  client?: S3Client;
}

export function createS3Client(options: { region: string; endpoint: string | null }): S3Client {
  const config: S3ClientConfig = { region: options.region };
  if (options.endpoint) {
    // Local S3 servers neither compute nor return the SDK's default CRC32 checksums, and s3rver
    // stores aws-chunked framing verbatim for streamed bodies: only send checksums when required.
    config.endpoint = options.endpoint;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return new S3Client(config);
}

/** S3 storage for the Lambdas (and tests against a local S3 server). */
export function createS3Storage(options: S3StorageOptions): Storage {
  const client = options.client ?? createS3Client(options);
  const Bucket = options.bucket;
  const cacheRoot = path.resolve(options.cacheDir, 's3', Bucket);

  const head = async (key: string): Promise<ObjetStocke | null> => {
    assertValidKey(key);
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, etag: cleanEtag(out.ETag) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  return {
    description: `s3://${Bucket}`,

    async get(key) {
      assertValidKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!out.Body) return new Uint8Array();
        return await out.Body.transformToByteArray();
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    head,

    async put(key, body, putOptions) {
      assertValidKey(key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf-8') : body;
      const out = await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: putOptions?.contentType }),
      );
      return { key, size: bytes.byteLength, etag: cleanEtag(out.ETag) };
    },

    async putFile(key, localFile, putOptions) {
      assertValidKey(key);
      const size = (await stat(localFile)).size;
      // lib-storage switches to multipart above 5 MiB; the stream is never buffered whole.
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: createReadStream(localFile), ContentType: putOptions?.contentType },
      });
      const out = await upload.done();
      return { key, size, etag: cleanEtag(out.ETag) };
    },

    async list(prefix) {
      const out: ObjetStocke[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, etag: cleanEtag(o.ETag) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async delete(key) {
      assertValidKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async localPath(key) {
      const current = await head(key);
      if (!current) throw new Error(`Objet absent du lac : s3://${Bucket}/${key}`);
      const keyHash = createHash('sha256').update(key).digest('hex').slice(0, 32);
      const dir = path.join(cacheRoot, keyHash);
      const file = path.join(dir, `${current.etag.replace(/[^A-Za-z0-9-]/g, '_')}${path.extname(key)}`);
      try {
        await stat(file);
        return file; // same ETag: reuse the cached download
      } catch {
        // not cached yet
      }
      await mkdir(dir, { recursive: true });
      const response = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        await pipeline(response.Body as Readable, createWriteStream(tmp));
        await rename(tmp, file);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      // Drop downloads of older versions of the same key.
      for (const name of await readdir(dir)) {
        if (path.join(dir, name) !== file && !name.includes('.tmp-')) await rm(path.join(dir, name), { force: true });
      }
      return file;
    },
  };
}

function cleanEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
