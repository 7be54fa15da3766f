import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../functions/src/core/config.ts';
import { createRuntime, type Runtime } from '../../functions/src/core/runtime.ts';

/** A runtime on a fresh temporary filesystem lake, with a fixed clock (deterministic manifests). */
export async function runtimeTemporaire(): Promise<{ runtime: Runtime; dir: string; lakeDir: string; nettoyer: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'st-test-'));
  const lakeDir = path.join(dir, 'lake');
  const runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: path.join(dir, 'cache') }), {
    now: () => new Date('2026-11-23T12:00:00Z'),
  });
  return {
    runtime,
    dir,
    lakeDir,
    nettoyer: async () => {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file of a folder with the SHA-256 of its bytes: to prove a lake is byte-identical. */
export async function empreinteDossier(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).sort();
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e);
    try {
      out[e] = createHash('sha256').update(await readFile(full)).digest('hex');
    } catch {
      // a directory
    }
  }
  return out;
}

/** A runtime on the lake prepared once by the integration project's global setup (read-only). */
export async function runtimeLacPartage(lakeDir: string): Promise<{ runtime: Runtime; nettoyer: () => Promise<void> }> {
  const cache = await mkdtemp(path.join(os.tmpdir(), 'st-cache-'));
  const runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: cache }));
  return {
    runtime,
    nettoyer: async () => {
      await runtime.close();
      await rm(cache, { recursive: true, force: true });
    },
  };
}
