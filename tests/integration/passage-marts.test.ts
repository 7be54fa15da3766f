import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { calculerMarts } from '../../functions/src/core/marts/compute.ts';
import { FICHIER_MOUVEMENTS, FICHIER_POPULATIONS } from '../helpers/chemins.ts';
import { runtimeTemporaire } from '../helpers/lac.ts';

// Edge case no real file has: the real populations file, declared as millésime 2022 (so COG
// 2024), with two rows added — SYNTHETIC: Ruffieu (01330, absorbed into Haut Valromey 01187 on
// 2025-01-01) with 150 inhabitants, and a code that exists nowhere (01999) with 40 inhabitants.
const reel = readFileSync(FICHIER_POPULATIONS, 'utf-8').trimEnd();
const ajout = ['84;Auvergne-Rhône-Alpes;01;1;04;330;01330;Ruffieu;150;3;153', '84;Auvergne-Rhône-Alpes;01;1;04;999;01999;Commune fictive;40;0;40'];
const pmunReel = (code: string) => Number(reel.split('\n').find((l) => l.split(';')[6] === code)!.split(';')[8]);
const somme = (dep: string) => reel.split('\n').slice(1).filter((l) => l.split(';')[2] === dep).reduce((a, l) => a + Number(l.split(';')[8]), 0);

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
beforeAll(async () => {
  ctx = await runtimeTemporaire();
  await ingererExtrait(ctx.runtime, { fichier: 'mouvements-communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_MOUVEMENTS)) });
  await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: new TextEncoder().encode(`${reel}\n${ajout.join('\n')}\n`), millesime: '2022' });
});
afterAll(async () => ctx.nettoyer());

describe('marts from an older COG: merged communes summed, unknown codes reported and kept above', () => {
  it('sums an absorbed commune into its commune nouvelle and keeps every inhabitant at higher levels', async () => {
    const { manifeste } = await calculerMarts(ctx.runtime);
    expect(manifeste.entrees.populations.cogSource).toBe(2024);
    expect(manifeste.rapport.transferes).toEqual([{ code: '01330', vers: '01187', detail: '2025-01-01 MOD 32 01330→01187' }]);
    expect(manifeste.rapport.nonPlaces.map((n) => n.code)).toEqual(['01999']);
    const f = await ctx.runtime.storage.localPath(manifeste.marts.territoires.cle);
    const rows = await ctx.runtime.db.all<{ niveau: string; code: string; population: number }>(
      `SELECT niveau, code, population FROM read_parquet('${f}') WHERE (niveau, code) IN (('commune', '01187'), ('departement', '01'), ('region', '84')) ORDER BY niveau`,
    );
    expect(rows).toEqual([
      { niveau: 'commune', code: '01187', population: pmunReel('01187') + 150 },
      { niveau: 'departement', code: '01', population: somme('01') + 150 + 40 },
      { niveau: 'region', code: '84', population: expect.any(Number) },
    ]);
    const total = await ctx.runtime.db.all<{ p: number }>(`SELECT population AS p FROM read_parquet('${f}') WHERE niveau = 'france'`);
    expect(total[0]?.p).toBe(68094280 + 150 + 40);
  });

  it('refuses to compute an older COG without the commune movements', async () => {
    const ctx2 = await runtimeTemporaire();
    try {
      await ingererExtrait(ctx2.runtime, { fichier: 'donnees_communes.csv', bytes: new TextEncoder().encode(`${reel}\n`), millesime: '2022' });
      await expect(calculerMarts(ctx2.runtime)).rejects.toThrow(/mouvements des communes sont nécessaires/);
    } finally {
      await ctx2.nettoyer();
    }
  });
});
