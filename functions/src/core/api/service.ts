import type { Runtime } from '../runtime.ts';
import { createMartsReader } from './marts-reader.ts';
import { createIndicateursQueries } from './indicateurs.ts';
import { createQueries } from './queries.ts';
import { createSources } from './sources.ts';
import { createApiRouter, type ApiRouter, type Journal } from './router.ts';

/**
 * The API wired on a runtime: one implementation for the Lambda and the local server.
 * `ttlMs`: how long the marts manifest is trusted before it is checked again (0: every request).
 * `prechauffage`: warm the profiles again whenever the marts change (the first warming is asked
 * with `prechauffer()`). `capaciteCacheReponses`: bytes of the other answers kept ready to send
 * (`CAPACITE_CACHE_REPONSES` by default).
 */
export function createApi(runtime: Runtime, options: { ttlMs?: number; journal?: Journal; prechauffage?: boolean; capaciteCacheReponses?: number } = {}): ApiRouter {
  const marts = createMartsReader(runtime, { ttlMs: options.ttlMs });
  const sources = createSources(runtime, { ttlMs: options.ttlMs });
  return createApiRouter(createQueries(runtime, marts), {
    journal: options.journal,
    sources,
    indicateurs: createIndicateursQueries(runtime, marts),
    prechauffage: options.prechauffage ?? false,
    ...(options.capaciteCacheReponses === undefined ? {} : { capaciteCacheReponses: options.capaciteCacheReponses }),
    // cached profiles may be answered without asking the reader while its last check holds
    confianceMs: options.ttlMs,
  });
}
