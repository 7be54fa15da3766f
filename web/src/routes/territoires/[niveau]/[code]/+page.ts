import { error } from '@sveltejs/kit';
import type { CommunesReponse, ProfilReponse } from '@sante-territoires/functions/core/model/api-types.ts';
import { isNiveau, type Niveau } from '@sante-territoires/functions/core/model/niveaux.ts';
import { ApiError, MESSAGE_RESEAU, chargerCommunes, chargerProfil, chargerSources, chargerTerritoire } from '#lib/api.ts';
import { sourcesConnues, type SourcesConnues } from '#lib/profil.ts';
import type { PageLoad } from './$types';

// Any territory can be deep-linked: the page is rendered in the browser from the 200.html fallback.
export const ssr = false;
export const prerender = false;

/** How many member communes the table lists: all of them for an EPCI or a département. */
const COMMUNES_LISTEES: Readonly<Record<Niveau, number>> = {
  commune: 0,
  epci: 10_000,
  departement: 10_000,
  region: 100,
  france: 100,
  // a CLS perimeter: every member commune (a few dozen at most)
  cls: 10_000,
};

export type ChargementCommunes =
  | { ok: true; reponse: CommunesReponse; listees: number }
  | { ok: false; message: string }
  | null;

export type ChargementProfil = { ok: true; reponse: ProfilReponse; sources: SourcesConnues | null } | { ok: false; message: string };

/** The datasets' names, fetched once per visit (they change only with an ingestion); a failure is retried on the next page. */
let sourcesEnCache: Promise<SourcesConnues | null> | null = null;
function sourcesDeLaSession(fetchFn: typeof fetch): Promise<SourcesConnues | null> {
  sourcesEnCache ??= chargerSources(fetchFn).then(sourcesConnues, () => {
    sourcesEnCache = null;
    return null;
  });
  return sourcesEnCache;
}

const messageDe = (e: unknown): string => (e instanceof ApiError ? e.message : MESSAGE_RESEAU);

function versErreurPage(e: unknown): never {
  if (e instanceof ApiError) {
    if (e.status === 404) error(404, 'Territoire introuvable', { detail: e.message });
    if (e.status === 0) error(503, 'Service injoignable', { detail: MESSAGE_RESEAU });
    if (e.status >= 400 && e.status < 500) error(e.status, 'Requête invalide', { detail: e.message });
    error(e.status, 'Erreur du service de données', { detail: e.message });
  }
  throw e;
}

export const load: PageLoad = async ({ params, fetch }) => {
  const { niveau, code } = params;
  if (!isNiveau(niveau)) {
    error(404, 'Territoire introuvable', {
      detail: `« ${niveau} » n'est pas un niveau de territoire connu (commune, epci, departement, region, france, cls).`,
    });
  }
  const maximum = COMMUNES_LISTEES[niveau];
  const communesPromise: Promise<ChargementCommunes> =
    maximum === 0
      ? Promise.resolve(null)
      : chargerCommunes(fetch, niveau, code, maximum).then(
          (reponse): ChargementCommunes => ({ ok: true, reponse, listees: maximum }),
          (e: unknown): ChargementCommunes => ({ ok: false, message: messageDe(e) }),
        );
  // the indicators: not awaited (a commune's profile is computed on demand), shown when they
  // come; a failure is shown in their section, the rest of the page stays
  // (the datasets' names, for each value's source line: without them, the dataset ids are shown)
  const sourcesPromise = sourcesDeLaSession(fetch);
  const profilPromise: Promise<ChargementProfil> = chargerProfil(fetch, niveau, code).then(
    async (reponse): Promise<ChargementProfil> => ({ ok: true, reponse, sources: await sourcesPromise }),
    (e: unknown): ChargementProfil => ({ ok: false, message: messageDe(e) }),
  );
  const territoire = await chargerTerritoire(fetch, niveau, code).catch(versErreurPage);
  return { territoire, communes: await communesPromise, profil: profilPromise };
};
