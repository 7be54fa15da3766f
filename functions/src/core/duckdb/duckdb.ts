import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * One DuckDB instance per process, created lazily. Offline by construction: extensions are never
 * installed or auto-loaded (parquet, json and icu are statically linked). Each query gets its own
 * connection so concurrent requests run in parallel on libuv threads.
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
   * appended with the column's own type (much faster for large numeric tables).
   */
  append(table: string, rows: ReadonlyArray<ReadonlyArray<string | number | null>>, types?: ReadonlyArray<TypeColonne>): Promise<void>;
}

export interface Db {
  /** Runs `fn` on one dedicated connection, closed afterwards. */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
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

  const withConnection = async <T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    const connection = await DuckDBConnection.create(instance);
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
