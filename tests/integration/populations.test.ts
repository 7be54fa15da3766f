import { readFileSync } from 'node:fs';
import path from 'node:path';
import epciData from '@etalab/decoupage-administratif/data/epci.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { CommunesReponse, TerritoireReponse } from '../../functions/src/core/model/api-types.ts';
import type { Runtime } from '../../functions/src/core/runtime.ts';
import { preparerLac } from '../../functions/src/cli/prepare.ts';
import { FICHIER_POPULATIONS, REPO } from '../helpers/chemins.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// Real extracts of data/ → real DuckDB → marts → API, compared with values computed
// independently from INSEE's file.
const golden = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/golden/populations-legales-2023.json'), 'utf-8')) as {
  departements: Record<string, number>;
  regions: Record<string, number>;
  france: number;
};

let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let runtime: Runtime;
let api: ReturnType<typeof createApi>;
let rapport: Awaited<ReturnType<typeof preparerLac>>;

const get = async <T>(chemin: string, requete = ''): Promise<{ status: number; body: T }> => {
  const r = await api({ methode: 'GET', chemin, requete });
  return { status: r.status, body: JSON.parse(r.body) as T };
};

beforeAll(async () => {
  const partage = inject('lacPartage');
  ctx = await runtimeLacPartage(partage.lakeDir);
  runtime = ctx.runtime;
  rapport = JSON.parse(partage.rapport) as Awaited<ReturnType<typeof preparerLac>>;
  api = createApi(runtime, { journal: () => {} });
});
afterAll(async () => ctx.nettoyer());

describe('populations légales 2023 at every level (real file, COG 2026)', () => {
  it('ingests every line of both real extracts and places every code', () => {
    const datasets = ['cog-mouvements', 'populations-legales'];
    expect(
      rapport.ingestions
        .filter((i) => datasets.includes(i.dataset))
        .map((i) => [i.dataset, i.millesime, i.version.lignesAcceptees, i.version.lignesRejetees])
        .sort(),
    ).toEqual([
      ['cog-mouvements', '2019', 13157, 0],
      ['cog-mouvements', '2026', 13734, 0],
      ['populations-legales', '2023', 34900, 0],
    ]);
    // the marts use the most recent movements
    expect(rapport.calcul.manifeste.entrees.mouvements?.millesime).toBe('2026');
    const r = rapport.calcul.manifeste.rapport;
    expect(r.codesSource).toBe(34900);
    expect(r.arrondissements).toBe(45); // Paris, Lyon, Marseille appear only as arrondissements
    expect(r.identiques + r.arrondissements + r.transferes.length).toBe(34900);
    expect(r.nonPlaces).toEqual([]);
    expect(r.scindes).toEqual([]);
  });

  it('serves each département exactly as the sum of INSEE’s own rows', async () => {
    for (const [code, attendu] of Object.entries(golden.departements)) {
      const { status, body } = await get<TerritoireReponse>(`/api/territoires/departement/${code}`);
      expect(status, code).toBe(200);
      expect(body.population.valeur, code).toBe(attendu);
      expect(body.population.statut, code).toBe('ok');
    }
  });

  it('serves each région exactly, and France as partial (Mayotte absent from the extract)', async () => {
    for (const [code, attendu] of Object.entries(golden.regions)) {
      const { body } = await get<TerritoireReponse>(`/api/territoires/region/${code}`);
      expect(body.population.valeur, code).toBe(attendu);
    }
    const mayotte = await get<TerritoireReponse>('/api/territoires/departement/976');
    expect(mayotte.body.population).toMatchObject({ valeur: null, statut: 'absent', communes: 17, communesAvecValeur: 0 });
    const france = await get<TerritoireReponse>('/api/territoires/france/FR');
    expect(france.body.population).toMatchObject({ valeur: golden.france, statut: 'partiel', communes: 34875, communesAvecValeur: 34858 });
  });

  it('gives every EPCI the sum of its member communes (PLM arrondissements summed into their commune)', async () => {
    // Independent computation: the etalab EPCI membership × INSEE's file.
    const pmun = new Map<string, number>();
    for (const line of readFileSync(FICHIER_POPULATIONS, 'utf-8').trim().split('\n').slice(1)) {
      const f = line.split(';');
      const code = f[6]!.startsWith('751') ? '75056' : f[6]!.startsWith('6938') ? '69123' : f[6]!.startsWith('132') ? '13055' : f[6]!;
      pmun.set(code, (pmun.get(code) ?? 0) + Number(f[8]));
    }
    const servies = new Map(
      (await runtime.db.all<{ code: string; population: number | null }>("SELECT code, population FROM territoires WHERE niveau = 'epci'")).map((r) => [r.code, r.population]),
    );
    const epci = epciData as unknown as Array<{ code: string; membres: Array<{ code: string }> }>;
    expect(servies.size).toBe(epci.length);
    for (const e of epci) {
      const valeurs = e.membres.map((m) => pmun.get(m.code));
      const attendu = valeurs.every((v) => v === undefined) ? null : valeurs.reduce<number>((a, v) => a + (v ?? 0), 0);
      expect(servies.get(e.code), e.code).toBe(attendu);
    }
  });

  it('sums the member communes of an EPCI through the API too (Métropole de Lyon)', async () => {
    const t = await get<TerritoireReponse>('/api/territoires/epci/200046977');
    const c = await get<CommunesReponse>('/api/territoires/epci/200046977/communes');
    expect(c.body.total).toBe(58);
    expect(c.body.communes.reduce((a, x) => a + (x.population ?? 0), 0)).toBe(t.body.population.valeur);
    expect(c.body.communes[0]).toMatchObject({ code: '69123', libelle: 'Lyon' });
  });

  it('serves Paris as one commune summed from its 20 arrondissements, with source and millésime', async () => {
    const { body } = await get<TerritoireReponse>('/api/territoires/commune/75056');
    const attendu = readFileSync(FICHIER_POPULATIONS, 'utf-8')
      .split('\n')
      .filter((l) => l.split(';')[6]?.startsWith('751'))
      .reduce((a, l) => a + Number(l.split(';')[8]), 0);
    expect(body.population.valeur).toBe(attendu);
    expect(body.population.source).toEqual({
      indicateur: 'population-municipale',
      libelle: 'Population municipale',
      producteur: 'Insee',
      source: 'Recensement de la population, populations légales',
      millesime: '2023',
      enVigueurDepuis: '2026-01-01',
      geographie: 'COG 2026',
    });
    expect(body.parents.map((p) => `${p.niveau}:${p.code}`)).toEqual(['epci:200054781', 'departement:75', 'region:11', 'france:FR']);
  });

  it('keeps codes as strings (Corse, overseas)', async () => {
    const { body } = await get<TerritoireReponse>('/api/territoires/commune/2A004');
    expect(body).toMatchObject({ code: '2A004', libelle: 'Ajaccio' });
    expect(body.parents.find((p) => p.niveau === 'departement')?.code).toBe('2A');
    const reunion = await get<TerritoireReponse>('/api/territoires/departement/974');
    expect(reunion.body.population.valeur).toBe(golden.departements['974']);
  });
});

describe('search (accent- and case-insensitive, by name or code)', () => {
  it('finds Saint-Étienne typed without accents, the commune first', async () => {
    const { body } = await get<{ resultats: Array<{ niveau: string; code: string; libelle: string }> }>('/api/territoires', 'q=saint+etienne');
    expect(body.resultats[0]).toMatchObject({ niveau: 'commune', code: '42218', libelle: 'Saint-Étienne' });
    expect(body.resultats.some((r) => r.niveau === 'epci' && r.code === '244200770')).toBe(true);
  });

  it('finds by code, case-insensitive, and filters by level', async () => {
    const { body } = await get<{ resultats: Array<{ niveau: string; code: string }> }>('/api/territoires', 'q=2a&niveau=departement');
    expect(body.resultats).toEqual([expect.objectContaining({ niveau: 'departement', code: '2A' })]);
  });

  it('treats SQL-looking text as text', async () => {
    const { status, body } = await get<{ resultats: unknown[] }>('/api/territoires', `q=${encodeURIComponent("x' OR 1=1 --")}`);
    expect(status).toBe(200);
    expect(body.resultats).toEqual([]);
  });
});
