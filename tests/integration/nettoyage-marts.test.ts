import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { calculerMarts } from '../../functions/src/core/marts/compute.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import { CLE_MANIFESTE_MARTS } from '../../functions/src/core/storage/keys.ts';
import { getJson } from '../../functions/src/core/storage/storage.ts';
import { FICHIER_MOUVEMENTS, FICHIER_POPULATIONS } from '../helpers/chemins.ts';
import { runtimeTemporaire } from '../helpers/lac.ts';

// Mart files are named by the fingerprint of their inputs: every recompute with new inputs writes
// new ones. After writing a manifest, the compute removes the files that neither it nor the
// previous manifest names (a reader holding the previous one can finish). Real populations and
// commune movements files;
// the stale files are planted by the test (no real history has them).
let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
beforeAll(async () => {
  ctx = await runtimeTemporaire();
  await ingererExtrait(ctx.runtime, { fichier: 'mouvements-communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_MOUVEMENTS)) });
  await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_POPULATIONS)), millesime: '2023' });
});
afterAll(async () => ctx.nettoyer());

const cles = async () => (await ctx.runtime.storage.list('marts/')).map((o) => o.key);

describe('mart files of older computations', () => {
  it('are removed once neither the new manifest nor the previous one names them', async () => {
    const premier = await calculerMarts(ctx.runtime);
    expect(premier.statut).toBe('calcule');
    const nommes = [
      premier.manifeste.marts.territoires.cle,
      premier.manifeste.marts.perimetresCls!.cle,
      premier.manifeste.marts.secretsCommunes!.cle,
      ...Object.values(premier.manifeste.marts.indicateurs).map((i) => i.cle),
    ];
    for (const c of nommes) expect(await cles()).toContain(c);

    // a file of an older computation that no manifest names, and one the current manifest names
    // as if it were the previous computation's
    const orphelin = 'marts/indicateurs/population-municipale/data-0000000000000000.parquet';
    const precedent = 'marts/territoires/data-1111111111111111.parquet';
    await ctx.runtime.storage.put(orphelin, 'ancien', { contentType: 'application/vnd.apache.parquet' });
    await ctx.runtime.storage.put(precedent, 'précédent', { contentType: 'application/vnd.apache.parquet' });
    const m = (await getJson<ManifesteMarts>(ctx.runtime.storage, CLE_MANIFESTE_MARTS))!;
    await ctx.runtime.storage.put(CLE_MANIFESTE_MARTS, JSON.stringify({ ...m, marts: { ...m.marts, territoires: { cle: precedent, etag: 'x' } } }), { contentType: 'application/json' });

    const second = await calculerMarts(ctx.runtime, { force: true });
    expect(second.supprimes).toBe(1);
    expect(await cles()).not.toContain(orphelin);
    expect(await cles()).toContain(precedent);
    for (const c of nommes) expect(await cles()).toContain(c);

    // one computation later, the previous manifest no longer names it
    const troisieme = await calculerMarts(ctx.runtime, { force: true });
    expect(troisieme.supprimes).toBe(1);
    expect(await cles()).not.toContain(precedent);
    expect((await cles()).filter((c) => c !== CLE_MANIFESTE_MARTS).sort()).toEqual([...new Set(nommes)].sort());
  });

  it('leaves everything in place when nothing changed (no computation)', async () => {
    const avant = await cles();
    const r = await calculerMarts(ctx.runtime);
    expect(r.statut).toBe('inchange');
    expect(await cles()).toEqual(avant);
  });
});
