import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import { couvertureCls } from '../../functions/src/core/cls/couverture.ts';
import { inegalitesTerritoire } from '../../functions/src/core/inegalites/inegalites.ts';
import { derniereVersion, lireManifesteDataset } from '../../functions/src/core/lake/manifeste.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import type { Runtime } from '../../functions/src/core/runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../../functions/src/core/storage/keys.ts';
import { getJson } from '../../functions/src/core/storage/storage.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';
import { appelGet } from '../helpers/api.ts';

// The inequality and CLS coverage endpoints: the API answers what the core modules compute on the
// same files (shared lake prepared from data/), and rejects garbage naming the parameter.

let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let runtime: Runtime;
let api: ReturnType<typeof createApi>;

const appel = (url: string) => appelGet(api, url);

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  runtime = ctx.runtime;
  api = createApi(runtime, { journal: () => {} });
});
afterAll(async () => ctx.nettoyer());

async function fichiers() {
  const m = (await getJson<ManifesteMarts>(runtime.storage, CLE_MANIFESTE_MARTS))!;
  const registre = derniereVersion((await lireManifesteDataset(runtime.storage, 'registre-cls'))!)!;
  return {
    territoires: await runtime.storage.localPath(m.marts.territoires.cle),
    indicateur: async (id: string) => runtime.storage.localPath(m.marts.indicateurs[id]!.cle),
    registre: await runtime.storage.localPath(registre.cleParquet),
  };
}

describe('GET /api/territoires/{niveau}/{code}/inegalites', () => {
  it('answers what the inequality module computes for a real département', async () => {
    const r = await appel('/api/territoires/departement/78/inegalites?indicateur=taux-mortalite-brute&periode=2013-2018');
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    const corps = JSON.parse(r.body);
    const f = await fichiers();
    const direct = await runtime.db.session(async (s) =>
      inegalitesTerritoire(s, {
        fichierIndicateur: await f.indicateur('taux-mortalite-brute'),
        fichierProxy: await f.indicateur('niveau-vie-median'),
        fichierTerritoires: f.territoires,
        niveau: 'departement',
        code: '78',
        periode: '2013-2018',
      }),
    );
    expect(corps).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(corps.gradient.proxy.libelle).toContain('pas l’indice FDep');
    expect(corps.distribution.n).toBeGreaterThan(100);
  });

  it('rejects garbage naming the parameter', async () => {
    for (const [url, parametre] of [
      ['/api/territoires/departement/78/inegalites', 'indicateur'],
      ['/api/territoires/departement/78/inegalites?indicateur=nimporte', 'indicateur'],
      ['/api/territoires/departement/78/inegalites?indicateur=taux-chomage&periode=1789', 'periode'],
      ['/api/territoires/departement/78/inegalites?indicateur=taux-chomage&x=1', 'x'],
      ['/api/territoires/commune/78646/inegalites?indicateur=taux-chomage', 'niveau'],
    ] as const) {
      const r = await appel(url);
      expect(r.status, `${url} → ${r.body}`).toBe(400);
      expect(JSON.parse(r.body).erreur.parametre, url).toBe(parametre);
    }
  });
});

describe('GET /api/cls/couverture and /api/cls/epci-non-couverts', () => {
  it('answers what the coverage module computes, at a date', async () => {
    const r = await appel('/api/cls/couverture?date=2023-01-01&niveau=departement&code=78');
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    const f = await fichiers();
    const direct = await runtime.db.session((s) => couvertureCls(s, { registre: f.registre, territoires: f.territoires }, { date: '2023-01-01', niveau: 'departement', code: '78' }));
    expect(JSON.parse(r.body)).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(direct.territoires[0]!.populationCouverte).toBeGreaterThan(0);
  });

  it('ranks uncovered EPCI of a région by need', async () => {
    const r = await appel('/api/cls/epci-non-couverts?date=2024-06-01&region=11&limite=5');
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    const corps = JSON.parse(r.body);
    expect(corps.nonCouverts.length).toBe(5);
    const scores = corps.nonCouverts.map((e: { score: number | null }) => e.score ?? -1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(corps.indicateurs.utilises.map((u: { indicateur: string }) => u.indicateur).sort()).toEqual(['part-population-zone-sous-dotee-infirmiers', 'taux-mortalite-brute', 'taux-pauvrete']);
  });

  it('rejects garbage naming the parameter', async () => {
    for (const [url, parametre] of [
      ['/api/cls/couverture?date=2023-02-30', 'date'],
      ['/api/cls/couverture?date=demain', 'date'],
      ['/api/cls/couverture?niveau=commune', 'niveau'],
      ['/api/cls/couverture?niveau=departement&code=%27%20OR%201%3D1', 'code'],
      ['/api/cls/couverture?foo=1', 'foo'],
      ['/api/cls/epci-non-couverts?limite=0', 'limite'],
      ['/api/cls/epci-non-couverts?limite=99999999999999999999', 'limite'],
      ['/api/cls/epci-non-couverts?departement=78&region=11', 'region'],
    ] as const) {
      const r = await appel(url);
      expect(r.status, `${url} → ${r.body}`).toBe(400);
      expect(JSON.parse(r.body).erreur.parametre, url).toBe(parametre);
    }
    expect((await appel('/api/cls/autre')).status).toBe(404);
  });
});
