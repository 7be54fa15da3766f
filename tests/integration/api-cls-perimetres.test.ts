import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { CommunesIndicateurReponse, CommunesReponse, ErreurReponse, ProfilReponse, TerritoireReponse, ValeursReponse } from '../../functions/src/core/model/api-types.ts';
import { normaliserRecherche } from '../../functions/src/core/model/niveaux.ts';
import { lireRegistreCls } from '../helpers/registre-cls.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';
import { appelGet, lireJson } from '../helpers/api.ts';

// CLS perimeters served from the perimeters mart (lake prepared from data/, whose CLS registry is
// an illustrative sample): the real name, the communes, their population, and refusals.
let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let api: ReturnType<typeof createApi>;

const appel = (url: string) => appelGet(api, url);
const get = <T>(url: string): Promise<T> => lireJson<T>(api, url);

/** The registry sample as written in data/: perimeter members by CLS and version. */
const registre = lireRegistreCls();

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  api = createApi(ctx.runtime, { journal: () => {} });
});
afterAll(async () => ctx.nettoyer());

describe('a CLS perimeter as a territory', () => {
  it('has its registry name, its communes and their population, version by version', async () => {
    // CLS-78-VGP: version 1 names three communes, version 2 (the latest) an EPCI
    const v1 = registre.filter((l) => l.code === 'CLS-78-VGP' && l.version === 1);
    expect(v1.every((l) => l.type === 'commune')).toBe(true);
    const communesV1 = await get<CommunesReponse>('/api/territoires/cls/CLS-78-VGP.v1/communes?tri=code');
    expect(communesV1.communes.map((c) => c.code)).toEqual(v1.map((l) => l.membre).sort());
    expect(communesV1.total).toBe(3);
    expect(communesV1.territoire).toEqual({ niveau: 'cls', code: 'CLS-78-VGP.v1', libelle: `${v1[0]!.libelle} (périmètre 1)` });

    const epci = registre.find((l) => l.code === 'CLS-78-VGP' && l.version === 2)!;
    expect(epci.type).toBe('epci');
    const communesEpci = await get<CommunesReponse>(`/api/territoires/epci/${epci.membre}/communes?tri=code`);
    const dernier = await get<CommunesReponse>('/api/territoires/cls/CLS-78-VGP/communes?tri=code');
    expect(dernier.communes).toEqual(communesEpci.communes);
    expect(dernier.total).toBe(communesEpci.total);
    expect(dernier.territoire.libelle).toBe(epci.libelle);

    for (const [code, communes] of [['CLS-78-VGP.v1', communesV1], ['CLS-78-VGP', dernier]] as const) {
      const t = await get<TerritoireReponse>(`/api/territoires/cls/${code}`);
      const somme = communes.communes.reduce((s, c) => s + (c.population ?? 0), 0);
      expect(t.population).toMatchObject({ valeur: somme, statut: 'ok', communes: communes.total, communesAvecValeur: communes.total });
      expect(somme).toBeGreaterThan(10_000);
      // the département and région holding it, then France
      expect(t.parents.map((p) => [p.niveau, p.code])).toEqual([
        ['departement', '78'],
        ['region', '11'],
        ['france', 'FR'],
      ]);
      expect(t.parents[0]!.libelle).toBe('Yvelines');
    }
  });

  it('has a profile with its name and population, equal to the population computed by the engine', async () => {
    const p = await get<ProfilReponse>('/api/territoires/cls/CLS-78-VGP/profil');
    expect(p.territoire).toMatchObject({ niveau: 'cls', code: 'CLS-78-VGP', libelle: 'Exemple fictif – CLS de Versailles Grand Parc' });
    const communes = await get<CommunesReponse>('/api/territoires/cls/CLS-78-VGP/communes');
    expect(p.territoire.population).toBe(communes.communes.reduce((s, c) => s + (c.population ?? 0), 0));
    const pop = p.portraits.flatMap((x) => x.themes.flatMap((t) => t.indicateurs)).find((i) => i.indicateur === 'population-municipale')!;
    expect(pop).toMatchObject({ valeur: p.territoire.population, statut: 'ok' });
    // and the values endpoint at level cls agrees
    const v = await get<ValeursReponse>(`/api/indicateurs/population-municipale/valeurs?niveau=cls&periode=${pop.periode}`);
    expect(v.valeurs.find((x) => x.code === 'CLS-78-VGP')!.valeur).toBe(p.territoire.population);
  });

  it('lists its communes with their values for a map (every perimeter of the sample)', async () => {
    const codes = [...new Set(registre.map((l) => l.code))];
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) {
      const sans = await get<CommunesReponse>(`/api/territoires/cls/${code}/communes`);
      const avec = await get<CommunesIndicateurReponse>(`/api/territoires/cls/${code}/communes?indicateur=population-municipale`);
      expect(sans.total, code).toBeGreaterThan(0);
      expect(avec.communes.map((c) => c.code).sort(), code).toEqual(sans.communes.map((c) => c.code).sort());
      for (const c of avec.communes) expect(c.valeur, `${code} ${c.code}`).toBe(sans.communes.find((x) => x.code === c.code)!.population);
      const profil = await get<ProfilReponse>(`/api/territoires/cls/${code}/profil`);
      expect(profil.territoire.libelle, code).toBe(registre.find((l) => l.code === code)!.libelle);
      expect(profil.territoire.population, code).toBe(sans.communes.reduce((s, c) => s + (c.population ?? 0), 0));
    }
  });

  it.each([
    // malformed codes: 400 naming the code
    ['/api/territoires/cls/cls-78-vgp/profil', 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP.v/profil', 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP.v1000/communes', 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP.V1/communes', 400, 'code'],
    ['/api/territoires/cls/CLS_78_VGP/profil', 400, 'code'],
    ['/api/territoires/cls/-CLS-78/profil', 400, 'code'],
    ['/api/territoires/cls/C/profil', 400, 'code'],
    [`/api/territoires/cls/${'A'.repeat(41)}/profil`, 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP%3BDROP/communes', 400, 'code'],
    ["/api/territoires/cls/CLS-78-VGP'%20OR%201=1--/communes", 400, 'code'],
    ['/api/territoires/cls/CLS-78-V%C3%89LIZY/profil', 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP%00/profil', 400, 'code'],
    ['/api/territoires/cls/%F0%9F%92%A9/communes', 400, 'code'],
    ['/api/territoires/cls/CLS-78-VGP%2Fv1/profil', 400, 'code'],
    // well formed, unknown: 404
    ['/api/territoires/cls/CLS-00-INCONNU/profil', 404, undefined],
    ['/api/territoires/cls/CLS-00-INCONNU/communes', 404, undefined],
    ['/api/territoires/cls/CLS-00-INCONNU', 404, undefined],
    ['/api/territoires/cls/CLS-78-VGP.v9/profil', 404, undefined],
    ['/api/territoires/cls/CLS-78-VGP.v9/communes?indicateur=population-municipale', 404, undefined],
    ['/api/territoires/cls/CLS/profil', 404, undefined],
    // parameters of the communes list, on a known perimeter
    ['/api/territoires/cls/CLS-78-VGP/communes?tri=population;DROP', 400, 'tri'],
    ['/api/territoires/cls/CLS-78-VGP/communes?limite=0', 400, 'limite'],
    ['/api/territoires/cls/CLS-78-VGP/communes?indicateur=inconnu', 400, 'indicateur'],
    ['/api/territoires/cls/CLS-78-VGP/communes?indicateur=population-municipale&periode=1789', 400, 'periode'],
  ] as const)('%s → %i (%s)', async (url, status, parametre) => {
    const r = await appel(url);
    expect(r.status, r.body).toBe(status);
    const { erreur } = JSON.parse(r.body) as ErreurReponse;
    expect(erreur.parametre).toBe(parametre);
    if (parametre) expect(normaliserRecherche(erreur.message)).toContain(parametre);
    expect(erreur.message).toMatch(/[a-zé]{4,}/);
  });
});
