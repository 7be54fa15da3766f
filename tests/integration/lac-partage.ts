import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { preparerLac } from '../../functions/src/cli/prepare.ts';
import { loadConfig } from '../../functions/src/core/config.ts';
import { createRuntime } from '../../functions/src/core/runtime.ts';
import { DATA } from '../helpers/chemins.ts';

/**
 * Global setup of the integration project: one lake prepared from the whole of `data/` (as
 * `npm start` does), shared read-only by the tests that only query it.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'st-lac-partage-'));
  const lakeDir = path.join(dir, 'lake');
  const runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: path.join(dir, 'cache') }), {
    now: () => new Date('2026-11-23T12:00:00Z'),
  });
  try {
    const resultat = await preparerLac(runtime, { dataDir: DATA });
    project.provide('lacPartage', { lakeDir, rapport: JSON.stringify(resultat) });
  } finally {
    await runtime.close();
  }
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    lacPartage: { lakeDir: string; rapport: string };
  }
}
