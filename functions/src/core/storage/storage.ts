/**
 * The storage interface: moves bytes between the lake (a folder locally, an S3 bucket in AWS)
 * and the process. DuckDB never reads `s3://` (no httpfs offline): it reads `localPath(key)`,
 * the file itself in filesystem mode, a download cached by ETag in S3 mode.
 */

export interface ObjetStocke {
  key: string;
  size: number;
  etag: string;
}

export interface PutOptions {
  contentType?: string;
}

export interface Storage {
  /** Human description for logs: `fs:/path` or `s3://bucket`. */
  readonly description: string;
  get(key: string): Promise<Uint8Array | null>;
  head(key: string): Promise<ObjetStocke | null>;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<ObjetStocke>;
  /** Uploads a local file (written by DuckDB `COPY ... TO`). */
  putFile(key: string, localFile: string, options?: PutOptions): Promise<ObjetStocke>;
  list(prefix: string): Promise<ObjetStocke[]>;
  delete(key: string): Promise<void>;
  /** A local file path holding the object's current bytes; throws if the object is absent. */
  localPath(key: string): Promise<string>;
}

/** Rejects keys that could escape the lake: absolute, `..` segments, backslashes, control chars. */
export function assertValidKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.includes('\\') ||
    /[\u0000-\u001f\u007f]/.test(key) ||
    key.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')
  ) {
    throw new Error(`Clé de stockage invalide : ${JSON.stringify(key)}`);
  }
}

export async function getText(storage: Storage, key: string): Promise<string | null> {
  const bytes = await storage.get(key);
  return bytes === null ? null : new TextDecoder('utf-8').decode(bytes);
}

export async function getJson<T>(storage: Storage, key: string): Promise<T | null> {
  const text = await getText(storage, key);
  return text === null ? null : (JSON.parse(text) as T);
}
