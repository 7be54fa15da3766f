import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { calculerMarts } from '../../functions/src/core/marts/compute.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import { CLE_MANIFESTE_MARTS } from '../../functions/src/core/storage/keys.ts';
import { getJson } from '../../functions/src/core/storage/storage.ts';
import { FICHIER_MOUVEMENTS, FICHIER_POPULATIONS } from '../helpers/chemins.ts';
import { runtimeTemporaire } from '../helpers/lac.ts';

// A lake computed before the CLS perimeters mart existed: its manifest has no `perimetresCls`
// (made here by removing the field from a manifest computed from the real populations file).
// The inequalities of a CLS need that mart: the API says the lake must be computed again (503),
// it never guesses the perimeter.
let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
beforeAll(async () => {
  ctx = await runtimeTemporaire();
  await ingererExtrait(ctx.runtime, { fichier: 'mouvements-communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_MOUVEMENTS)) });
  await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_POPULATIONS)), millesime: '2023' });
  await calculerMarts(ctx.runtime);
  const m = (await getJson<ManifesteMarts>(ctx.runtime.storage, CLE_MANIFESTE_MARTS))!;
  const { perimetresCls: _retire, ...marts } = m.marts;
  await ctx.runtime.storage.put(CLE_MANIFESTE_MARTS, JSON.stringify({ ...m, marts }), { contentType: 'application/json' });
});
afterAll(async () => ctx.nettoyer());

describe('a lake without the CLS perimeters mart', () => {
  it('answers the inequalities of a CLS with 503 and asks for a recompute; other levels still answer, without gradient when no income data exists', async () => {
    const api = createApi(ctx.runtime, { journal: () => {} });
    const cls = await api({ methode: 'GET', chemin: '/api/territoires/cls/CLS-78-VGP/inegalites', requete: 'indicateur=population-municipale' });
    expect(cls.status).toBe(503);
    expect(JSON.parse(cls.body).erreur.message).toMatch(/périmètres des CLS absents des marts : relancez le calcul/);
    const dep = await api({ methode: 'GET', chemin: '/api/territoires/departement/78/inegalites', requete: 'indicateur=population-municipale' });
    expect(dep.status, dep.body).toBe(200);
    // no Filosofi in this lake: the proxy's mart is empty, the gradient is not computed and says why
    const r = JSON.parse(dep.body) as { gradient: unknown; avertissements: string[] };
    expect(r.gradient).toBeNull();
    expect(r.avertissements.some((a) => a.includes('gradient social non calculé'))).toBe(true);
  });
});
