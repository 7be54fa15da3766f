import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertValidKey, type ObjetStocke, type Storage } from './storage.ts';

/**
 * Filesystem storage: the local default. Writes are atomic (temp file in the same folder, then
 * rename), so a reader never sees a half-written object. The ETag is derived from the size and
 * modification time (listing a lake of large Parquet files must not read them).
 */
export function createFsStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);

  const resolveKey = (key: string): string => {
    assertValidKey(key);
    const full = path.resolve(root, key);
    if (!full.startsWith(root + path.sep)) throw new Error(`Clé de stockage hors du lac : ${key}`);
    return full;
  };

  const describe = async (key: string, full: string): Promise<ObjetStocke | null> => {
    try {
      const s = await stat(full);
      if (!s.isFile()) return null;
      return { key, size: s.size, etag: `${s.size.toString(16)}-${Math.round(s.mtimeMs * 1000).toString(16)}` };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };

  const writeAtomic = async (full: string, write: (tmp: string) => Promise<void>): Promise<void> => {
    await mkdir(path.dirname(full), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await write(tmp);
      await rename(tmp, full);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  };

  return {
    description: `fs:${root}`,

    async get(key) {
      try {
        return new Uint8Array(await readFile(resolveKey(key)));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async head(key) {
      return describe(key, resolveKey(key));
    },

    async put(key, body) {
      const full = resolveKey(key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf-8') : body;
      await writeAtomic(full, (tmp) => writeFile(tmp, bytes));
      const described = await describe(key, full);
      if (!described) throw new Error(`Écriture perdue : ${key}`);
      return described;
    },

    async putFile(key, localFile) {
      const full = resolveKey(key);
      await writeAtomic(full, (tmp) => copyFile(localFile, tmp));
      const described = await describe(key, full);
      if (!described) throw new Error(`Écriture perdue : ${key}`);
      return described;
    },

    async list(prefix) {
      const out: ObjetStocke[] = [];
      const walk = async (dir: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if (isNotFound(error)) return;
          throw error;
        }
        for (const entry of entries) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.isFile() && !entry.name.includes('.tmp-')) {
            const key = path.relative(root, full).split(path.sep).join('/');
            if (key.startsWith(prefix)) {
              const d = await describe(key, full);
              if (d) out.push(d);
            }
          }
        }
      };
      await walk(root);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async delete(key) {
      await rm(resolveKey(key), { force: true });
    },

    async localPath(key) {
      const full = resolveKey(key);
      try {
        await stat(full);
      } catch (error) {
        if (isNotFound(error)) throw new Error(`Objet absent du lac : ${key}`);
        throw error;
      }
      return full;
    },
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'ENOENT';
}
