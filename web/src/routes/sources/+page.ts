import { error } from '@sveltejs/kit';
import { ApiError, MESSAGE_RESEAU, chargerSources } from '#lib/api.ts';
import type { PageLoad } from './$types';

export const ssr = false;
export const prerender = false;

export const load: PageLoad = async ({ fetch }) => {
  try {
    return { sources: await chargerSources(fetch) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) error(503, 'Service injoignable', { detail: MESSAGE_RESEAU });
    if (e instanceof ApiError) error(e.status, 'Erreur du service de données', { detail: e.message });
    throw e;
  }
};
