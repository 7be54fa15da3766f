/**
 * Client of the JSON API served on the same origin under `/api/...` (relative URLs only).
 * Every failure becomes an `ApiError` carrying the HTTP status (0 for a network failure) and a
 * French message: the API's own message for 4xx/5xx bodies, ours otherwise.
 */
import type {
  CommunesReponse,
  ErreurReponse,
  ProfilReponse,
  RechercheReponse,
  SeriesReponse,
  SourcesReponse,
  TerritoireReponse,
} from '@sante-territoires/functions/core/model/api-types.ts';
import type { Niveau } from '@sante-territoires/functions/core/model/niveaux.ts';

type Fetch = typeof fetch;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, message: string, code: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const MESSAGE_RESEAU = 'Le service de données est injoignable. Vérifiez votre connexion puis réessayez.';

function estErreurReponse(body: unknown): body is ErreurReponse {
  return (
    typeof body === 'object' &&
    body !== null &&
    'erreur' in body &&
    typeof (body as ErreurReponse).erreur?.message === 'string'
  );
}

async function getJson<T>(fetchFn: Fetch, url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, signal });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(0, MESSAGE_RESEAU);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    if (estErreurReponse(body)) throw new ApiError(response.status, body.erreur.message, body.erreur.code);
    throw new ApiError(
      response.status,
      response.status >= 500
        ? 'Le service de données a rencontré une erreur. Réessayez dans quelques instants.'
        : `La requête a été refusée (erreur ${response.status}).`,
    );
  }
  if (body === null) throw new ApiError(response.status, 'Réponse illisible du service de données.');
  return body as T;
}

function cheminTerritoire(niveau: Niveau, code: string): string {
  return `/api/territoires/${encodeURIComponent(niveau)}/${encodeURIComponent(code)}`;
}

/** `GET /api/territoires?q=` — accent- and case-insensitive search, done by the API. */
export function rechercherTerritoires(fetchFn: Fetch, q: string, signal?: AbortSignal): Promise<RechercheReponse> {
  return getJson<RechercheReponse>(fetchFn, `/api/territoires?${new URLSearchParams({ q })}`, signal);
}

/** `GET /api/territoires/{niveau}/{code}` */
export function chargerTerritoire(fetchFn: Fetch, niveau: Niveau, code: string): Promise<TerritoireReponse> {
  return getJson<TerritoireReponse>(fetchFn, cheminTerritoire(niveau, code));
}

/** `GET /api/territoires/{niveau}/{code}/profil` — every indicator, grouped by portrait and theme, with its comparisons. */
export function chargerProfil(fetchFn: Fetch, niveau: Niveau, code: string): Promise<ProfilReponse> {
  return getJson<ProfilReponse>(fetchFn, `${cheminTerritoire(niveau, code)}/profil`);
}

/** `GET /api/territoires/{niveau}/{code}/series?indicateur=` — every period of one indicator, with the references'. */
export function chargerSeries(fetchFn: Fetch, niveau: Niveau, code: string, indicateur: string): Promise<SeriesReponse> {
  return getJson<SeriesReponse>(fetchFn, `${cheminTerritoire(niveau, code)}/series?${new URLSearchParams({ indicateur })}`);
}

/** The same profile as a CSV file (`;`, UTF-8 with BOM, French decimals), for a download link. */
export function urlProfilCsv(niveau: Niveau, code: string): string {
  return `${cheminTerritoire(niveau, code)}/profil?format=csv`;
}

/** Size of one page of `/communes`; the API may answer with fewer rows (it then sets `limite`). */
export const TAILLE_PAGE_COMMUNES = 1000;

/**
 * `GET /api/territoires/{niveau}/{code}/communes?tri=population&ordre=desc` — the `maximum` most
 * populated member communes (all of them when `maximum` ≥ total), fetched page by page.
 */
export async function chargerCommunes(
  fetchFn: Fetch,
  niveau: Niveau,
  code: string,
  maximum: number,
): Promise<CommunesReponse> {
  const pages: CommunesReponse[] = [];
  let decalage = 0;
  for (;;) {
    const limite = Math.min(TAILLE_PAGE_COMMUNES, maximum - decalage);
    const params = new URLSearchParams({ tri: 'population', ordre: 'desc', limite: String(limite) });
    if (decalage > 0) params.set('decalage', String(decalage));
    const page = await getJson<CommunesReponse>(fetchFn, `${cheminTerritoire(niveau, code)}/communes?${params}`);
    pages.push(page);
    decalage += page.communes.length;
    if (page.communes.length === 0 || decalage >= page.total || decalage >= maximum) break;
  }
  const premiere = pages[0]!;
  const communes = pages.flatMap((p) => p.communes);
  return { ...premiere, limite: communes.length, decalage: 0, communes };
}

/** `GET /api/sources` — every dataset of the lake with its provenance. */
export function chargerSources(fetchFn: Fetch): Promise<SourcesReponse> {
  return getJson<SourcesReponse>(fetchFn, '/api/sources');
}
