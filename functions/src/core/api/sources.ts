import type { ManifesteDataset } from '../lake/manifeste.ts';
import type { SourcesReponse } from '../model/api-types.ts';
import type { Runtime } from '../runtime.ts';
import { getJson } from '../storage/storage.ts';

/**
 * The provenance of every dataset in the lake, read from the dataset manifests (written last
 * by each ingestion, so only published versions appear). Re-read at most every `ttlMs`.
 */
export function createSources(runtime: Runtime, options: { ttlMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? 0;
  let cache: { lu: number; reponse: SourcesReponse } | null = null;

  const lire = async (): Promise<SourcesReponse> => {
    const cles = (await runtime.storage.list('lake/')).map((o) => o.key).filter((k) => /^lake\/[a-z0-9-]+\/manifest\.json$/.test(k));
    const sources: SourcesReponse['sources'] = [];
    for (const cle of cles) {
      const m = await getJson<ManifesteDataset>(runtime.storage, cle);
      if (!m) continue;
      sources.push({
        dataset: m.dataset,
        libelle: m.libelle,
        producteur: m.provenance.producteur,
        jeuDeDonnees: m.provenance.jeuDeDonnees,
        licence: m.provenance.licence,
        versions: Object.values(m.versions)
          .map((v) => ({
            millesime: v.millesime,
            partie: v.partie ?? null,
            fichier: v.fichier,
            sha256: v.sha256,
            geographieSource: v.cogSource === null ? null : `COG ${v.cogSource}`,
            encodage: v.encodage ?? null,
            niveaux: v.niveaux ?? [],
            variables: (v.variables ?? []).map((x) => ({ id: x.id, libelle: x.libelle, unite: x.unite, colonneSource: x.colonneSource })),
            lignesLues: v.lignesLues,
            lignesAcceptees: v.lignesAcceptees,
            lignesRejetees: v.lignesRejetees,
            ingereLe: v.ingereLe,
          }))
          .sort((a, b) => (a.millesime === b.millesime ? (a.partie ?? '').localeCompare(b.partie ?? '') : a.millesime < b.millesime ? -1 : 1)),
      });
    }
    sources.sort((a, b) => a.dataset.localeCompare(b.dataset));
    return { sources };
  };

  return {
    async lister(): Promise<SourcesReponse> {
      if (cache && Date.now() - cache.lu < ttlMs) return cache.reponse;
      const reponse = await lire();
      cache = { lu: Date.now(), reponse };
      return reponse;
    },
  };
}
