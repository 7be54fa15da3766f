import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/core/config.ts';
import { ConfigurationError } from '../../functions/src/core/errors.ts';

describe('loadConfig', () => {
  it('defaults to the filesystem lake when nothing is set (the laptop)', () => {
    const c = loadConfig({});
    expect(c.storage).toEqual({ mode: 'fs', lakeDir: '.lake' });
    expect(c.cacheDir).toBe('.cache');
    expect(c.duckdb).toEqual({ threads: null, memoryLimit: '512MB' });
  });

  it('reads the S3 mode fully', () => {
    const c = loadConfig({ STORAGE_MODE: 's3', LAKE_BUCKET: 'lac', AWS_REGION: 'eu-west-3', CACHE_DIR: '/tmp/cache', DUCKDB_THREADS: '2', DUCKDB_MEMORY_LIMIT: '1GB' });
    expect(c.storage).toEqual({ mode: 's3', bucket: 'lac', region: 'eu-west-3', endpoint: null });
    expect(c.duckdb).toEqual({ threads: 2, memoryLimit: '1GB' });
  });

  it('fails fast, naming the variable, when S3 mode lacks its bucket', () => {
    expect(() => loadConfig({ STORAGE_MODE: 's3', AWS_REGION: 'eu-west-3', CACHE_DIR: '/tmp' })).toThrow(/LAKE_BUCKET/);
  });

  it('never turns an empty variable into ""', () => {
    expect(() => loadConfig({ STORAGE_MODE: 's3', LAKE_BUCKET: '  ', AWS_REGION: 'eu-west-3', CACHE_DIR: '/tmp' })).toThrow(/LAKE_BUCKET ne doit pas être vide/);
  });

  it('requires a cache folder in S3 mode', () => {
    expect(() => loadConfig({ STORAGE_MODE: 's3', LAKE_BUCKET: 'b', AWS_REGION: 'eu-west-3' })).toThrow(/CACHE_DIR/);
  });

  it.each([
    [{ STORAGE_MODE: 'ftp' }, /STORAGE_MODE/],
    [{ DUCKDB_THREADS: 'deux' }, /DUCKDB_THREADS doit être un entier positif/],
    [{ DUCKDB_THREADS: '0' }, /DUCKDB_THREADS/],
    [{ DUCKDB_MEMORY_LIMIT: 'beaucoup' }, /DUCKDB_MEMORY_LIMIT/],
    [{ STORAGE_MODE: 's3', LAKE_BUCKET: 'b', AWS_REGION: 'r', CACHE_DIR: '/tmp', S3_ENDPOINT: 'pas une url' }, /S3_ENDPOINT/],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
