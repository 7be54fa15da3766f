import { expect } from 'vitest';
import type { createApi } from '../../functions/src/core/api/service.ts';

type Api = ReturnType<typeof createApi>;

/** GET of a URL (path, then the query as a browser sends it) on the transport-free API. */
export function appelGet(api: Api, url: string) {
  const [chemin, requete = ''] = url.split(/\?(.*)/s, 2) as [string, string?];
  return api({ methode: 'GET', chemin, requete });
}

/** GET that must answer 200: its JSON body (the URL and the start of the body name a failure). */
export async function lireJson<T>(api: Api, url: string): Promise<T> {
  const r = await appelGet(api, url);
  expect(r.status, `${url} → ${r.body.slice(0, 300)}`).toBe(200);
  return JSON.parse(r.body) as T;
}
