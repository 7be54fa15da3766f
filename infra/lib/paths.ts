import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, computed from this file's location (never from the working directory). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** The root lockfile: every workspace shares it (npm workspaces). */
export const DEPS_LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** Where `npm run build:web` writes the static SvelteKit site. */
export const DEFAULT_WEB_BUILD_DIR = join(REPO_ROOT, 'web', 'build');

/** The SPA fallback page written by adapter-static; every deep link is served with it. */
export const SPA_FALLBACK_PAGE = '200.html';

/** Entry files of the three Lambda handlers (each exports `handler`). */
export interface HandlerEntries {
  readonly ingestExtract: string;
  readonly computeIndicateurs: string;
  readonly api: string;
}

export const DEFAULT_HANDLER_ENTRIES: HandlerEntries = {
  ingestExtract: join(REPO_ROOT, 'functions/src/handlers/ingest-extract/handler.ts'),
  computeIndicateurs: join(REPO_ROOT, 'functions/src/handlers/compute-indicateurs/handler.ts'),
  api: join(REPO_ROOT, 'functions/src/handlers/api/handler.ts'),
};

/** Fails with a message naming the missing file, before CDK tries to bundle it. */
export function assertHandlerEntries(entries: HandlerEntries): void {
  const missing = Object.values(entries).filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    throw new Error(`Handler Lambda introuvable : ${missing.join(', ')}`);
  }
}
