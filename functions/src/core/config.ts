import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

/**
 * Typed configuration, parsed once from the environment. A discriminated union on the storage
 * mode: the filesystem (local default) or S3 (Lambda). A variable that is required in a mode and
 * missing fails here, at start-up, with a message naming it; nothing silently becomes "".
 */

const nonEmpty = (name: string) => z.string({ error: `${name} est requis` }).trim().min(1, `${name} ne doit pas être vide`);
const positiveInt = (name: string) =>
  z
    .string()
    .regex(/^[1-9]\d*$/, `${name} doit être un entier positif`)
    .transform(Number);

const common = {
  CACHE_DIR: nonEmpty('CACHE_DIR').optional(),
  DUCKDB_THREADS: positiveInt('DUCKDB_THREADS').optional(),
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:[KMGT]i?B)$/i, 'DUCKDB_MEMORY_LIMIT doit ressembler à « 1GB » ou « 512MiB »')
    .optional(),
};

const fsSchema = z.object({
  STORAGE_MODE: z.literal('fs'),
  LAKE_DIR: nonEmpty('LAKE_DIR').optional(),
  ...common,
});

const s3Schema = z.object({
  STORAGE_MODE: z.literal('s3'),
  LAKE_BUCKET: nonEmpty('LAKE_BUCKET'),
  AWS_REGION: nonEmpty('AWS_REGION'),
  S3_ENDPOINT: z.url({ error: 'S3_ENDPOINT doit être une URL' }).optional(),
  ...common,
});

const schema = z.discriminatedUnion('STORAGE_MODE', [fsSchema, s3Schema], {
  error: 'STORAGE_MODE doit valoir « fs » ou « s3 »',
});

interface CommonConfig {
  /** Local folder for DuckDB temp files and, in S3 mode, the download cache. */
  cacheDir: string;
  duckdb: { threads: number | null; memoryLimit: string | null };
}

export type Config =
  | (CommonConfig & { storage: { mode: 'fs'; lakeDir: string } })
  | (CommonConfig & { storage: { mode: 's3'; bucket: string; region: string; endpoint: string | null } });

/** Local defaults: the lake in `.lake/` and the cache in `.cache/` of the current directory. */
export const DEFAULT_LAKE_DIR = '.lake';
export const DEFAULT_CACHE_DIR = '.cache';
/**
 * Local default for DuckDB's buffer pool: a laptop shares its memory with a browser; DuckDB spills
 * larger sorts to the cache folder. (Lambdas get an explicit DUCKDB_MEMORY_LIMIT from CDK.)
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT_LOCAL = '512MB';

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Only the local mode has embedded defaults; S3 mode must be fully specified.
  const input = { STORAGE_MODE: 'fs', ...pickDefined(env) };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return key ? `${key} : ${issue.message}` : issue.message;
    });
    throw new ConfigurationError(`Configuration invalide — ${details.join(' ; ')}`);
  }
  const c = parsed.data;
  const duckdb = { threads: c.DUCKDB_THREADS ?? null, memoryLimit: c.DUCKDB_MEMORY_LIMIT ?? null };
  if (c.STORAGE_MODE === 'fs') {
    return {
      storage: { mode: 'fs', lakeDir: c.LAKE_DIR ?? DEFAULT_LAKE_DIR },
      cacheDir: c.CACHE_DIR ?? DEFAULT_CACHE_DIR,
      duckdb: { ...duckdb, memoryLimit: duckdb.memoryLimit ?? DEFAULT_DUCKDB_MEMORY_LIMIT_LOCAL },
    };
  }
  if (!c.CACHE_DIR) throw new ConfigurationError('Configuration invalide — CACHE_DIR est requis en mode s3 (ex. /tmp/cache)');
  return {
    storage: { mode: 's3', bucket: c.LAKE_BUCKET, region: c.AWS_REGION, endpoint: c.S3_ENDPOINT ?? null },
    cacheDir: c.CACHE_DIR,
    duckdb,
  };
}

const KEYS = ['STORAGE_MODE', 'LAKE_DIR', 'LAKE_BUCKET', 'AWS_REGION', 'S3_ENDPOINT', 'CACHE_DIR', 'DUCKDB_THREADS', 'DUCKDB_MEMORY_LIMIT'] as const;

function pickDefined(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
