import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * One DuckDB instance per process, created lazily, plus a single-threaded one for ingestion
 * (`sequentialSession`). Offline by construction: extensions are never installed or auto-loaded
 * (parquet, json and icu are statically linked). Each query gets its own connection so concurrent
 * requests run in parallel on libuv threads.
 */

export interface DuckDbSettings {
  /** Folder for DuckDB's home and spill files (Lambda: under /tmp). */
  workDir: string;
  threads: number | null;
  memoryLimit: string | null;
}

export type Params = Record<string, DuckDBValue>;
export type TypeColonne = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'DATE';
export type Row = Record<string, unknown>;

/** A single connection, for work that needs session state (staging tables, appenders). */
export interface Session {
  run(sql: string, params?: Params): Promise<void>;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  /**
   * Bulk-inserts rows into an existing table through DuckDB's appender. With `types`, values are
   * appended with the column's own type (much faster for large numeric tables). `rows` may be a
   * generator: each row is appended as it is produced.
   */
  append(table: string, rows: Iterable<ReadonlyArray<string | number | null>>, types?: ReadonlyArray<TypeColonne>): Promise<void>;
}

export interface Db {
  /** Runs `fn` on one dedicated connection, closed afterwards. */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on a connection of a second, single-threaded instance (created on first use, same
   * settings otherwise): for ingestion. An order-preserving COPY holds each batch of its ordered
   * source whole until it is written, and with several threads DuckDB hands out a sorted input
   * in batches of up to 122 880 rows — a whole 35 000-line staging table, which UNPIVOT turns
   * into a million rows held in memory (≈ 350 MB). On one thread the sorted input comes in
   * batches of 2 048 rows, streamed to Parquet as they come. One thread is also deterministic by
   * construction, and measured faster for ingestion on a 2-core machine (the sorts are small).
   */
  sequentialSession<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  /** Runs a statement; values are bound as named parameters (`$code`), never spliced. */
  run(sql: string, params?: Params): Promise<void>;
  /** Runs a query and returns JSON-safe rows (BIGINT → number when safe, dates → ISO strings). */
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  close(): Promise<void>;
}

export async function openDb(settings: DuckDbSettings): Promise<Db> {
  const home = path.resolve(settings.workDir, 'duckdb');
  await mkdir(path.join(home, 'tmp'), { recursive: true });
  const options: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    home_directory: home,
    temp_directory: path.join(home, 'tmp'),
    // Every output query has its ORDER BY (style rule): no need to buffer results to keep the
    // scan order, which held hundreds of MB during large COPY … TO parquet.
    preserve_insertion_order: 'false',
  };
  if (settings.threads !== null) options.threads = String(settings.threads);
  if (settings.memoryLimit !== null) options.memory_limit = settings.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', options);
  // Its own spill folder: two instances must not share temporary file names.
  let sequentielle: Promise<DuckDBInstance> | null = null;
  const instanceSequentielle = () =>
    (sequentielle ??= mkdir(path.join(home, 'tmp-sequentiel'), { recursive: true }).then(() =>
      DuckDBInstance.create(':memory:', { ...options, temp_directory: path.join(home, 'tmp-sequentiel'), threads: '1' }),
    ));

  const withConnection = async <T>(fn: (c: DuckDBConnection) => Promise<T>, of: DuckDBInstance = instance): Promise<T> => {
    const connection = await DuckDBConnection.create(of);
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  };

  const sessionOf = (c: DuckDBConnection): Session => ({
    async run(sql, params) {
      await c.run(sql, params);
    },
    async all<T extends Row>(sql: string, params?: Params) {
      const reader = await c.runAndReadAll(sql, params);
      return reader.getRowObjectsJS().map((row) => toJsonSafe(row) as T);
    },
    async append(table, rows, types) {
      const appender = await c.createAppender(table);
      try {
        for (const row of rows) {
          for (let i = 0; i < row.length; i++) {
            const value = row[i]!;
            const type = types?.[i];
            if (value === null) appender.appendNull();
            else if (type === 'DOUBLE' && typeof value === 'number') appender.appendDouble(value);
            else if (type === 'INTEGER' && typeof value === 'number') appender.appendInteger(value);
            else if (type === 'VARCHAR' && typeof value === 'string') appender.appendVarchar(value);
            else if (typeof value === 'number') {
              if (Number.isInteger(value)) appender.appendBigInt(BigInt(value));
              else appender.appendDouble(value);
            } else appender.appendVarchar(value);
          }
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
  });

  return {
    session: (fn) => withConnection((c) => fn(sessionOf(c))),
    sequentialSession: async (fn) => withConnection((c) => fn(sessionOf(c)), await instanceSequentielle()),
    async run(sql, params) {
      await withConnection(async (c) => {
        await c.run(sql, params);
      });
    },
    async all<T extends Row>(sql: string, params?: Params) {
      return withConnection(async (c) => {
        const reader = await c.runAndReadAll(sql, params);
        return reader.getRowObjectsJS().map((row) => toJsonSafe(row) as T);
      });
    },
    async close() {
      if (sequentielle) (await sequentielle.catch(() => null))?.closeSync();
      instance.closeSync();
    },
  };
}

function toJsonSafe(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = jsonSafeValue(value, key);
  return out;
}

function jsonSafeValue(value: unknown, key: string): unknown {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error(`Entier hors de la plage sûre dans la colonne ${key}`);
    }
    return Number(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => jsonSafeValue(v, key));
  if (value !== null && typeof value === 'object') {
    const o: Row = {};
    for (const [k, v] of Object.entries(value)) o[k] = jsonSafeValue(v, key);
    return o;
  }
  return value;
}

/** Quotes a trusted local file path for embedding in SQL (paths cannot be bound parameters). */
export function sqlPath(file: string): string {
  return `'${file.replace(/'/g, "''")}'`;
}
