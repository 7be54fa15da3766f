import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { CommunesReponse, ErreurReponse, RechercheReponse, TerritoireReponse } from '../../functions/src/core/model/api-types.ts';
import { normaliserRecherche } from '../../functions/src/core/model/niveaux.ts';
import { lireRegistreCls } from '../helpers/registre-cls.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// The territory search finds CLS perimeters (lake prepared from data/, whose CLS registry is an
// illustrative sample): by name, without accents or case, by exact code (a perimeter version by
// its code only), with the level filter; and refuses garbage naming the parameter.
let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let api: ReturnType<typeof createApi>;

const appel = (requete: string) => api({ methode: 'GET', chemin: '/api/territoires', requete });
const chercher = async (requete: string): Promise<RechercheReponse['resultats']> => {
  const r = await appel(requete);
  expect(r.status, `${requete} → ${r.body.slice(0, 300)}`).toBe(200);
  return (JSON.parse(r.body) as RechercheReponse).resultats;
};
const q = (texte: string, autres = '') => `q=${encodeURIComponent(texte)}${autres}`;

/** The perimeters of the registry sample (data/registre-cls), name and latest version. */
const perimetres = [...new Map(lireRegistreCls().map((l) => [l.code, l.libelle] as const))].map(([code, libelle]) => ({ code, libelle }));

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  api = createApi(ctx.runtime, { journal: () => {} });
});
afterAll(async () => ctx.nettoyer());

describe('GET /api/territoires?q= and CLS perimeters', () => {
  it('finds every perimeter of the registry by its name, accents and case aside, first', async () => {
    expect(perimetres.length).toBeGreaterThan(10);
    for (const { code, libelle } of perimetres) {
      for (const texte of [libelle, libelle.toUpperCase(), libelle.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()]) {
        const [premier] = await chercher(q(texte));
        expect(premier, texte).toMatchObject({ niveau: 'cls', code, libelle });
      }
    }
  });

  it('gives the population of its communes and its main département as context', async () => {
    for (const { code } of perimetres) {
      const resultat = (await chercher(q(code, '&niveau=cls')))[0]!;
      const territoire = JSON.parse((await api({ methode: 'GET', chemin: `/api/territoires/cls/${code}`, requete: '' })).body) as TerritoireReponse;
      const communes = JSON.parse((await api({ methode: 'GET', chemin: `/api/territoires/cls/${code}/communes`, requete: '' })).body) as CommunesReponse;
      const departement = territoire.parents.find((p) => p.niveau === 'departement')!;
      expect(resultat, code).toEqual({
        niveau: 'cls',
        code,
        libelle: territoire.libelle,
        contexte: `${departement.libelle} (${departement.code}) · ${communes.total} commune${communes.total > 1 ? 's' : ''}`,
        population: communes.communes.reduce((s, c) => s + (c.population ?? 0), 0),
      });
      expect(resultat.population, code).toBeGreaterThan(0);
    }
    const [vgp] = await chercher(q('versailles grand parc', '&niveau=cls'));
    expect(vgp!.contexte).toBe('Yvelines (78) · 18 communes');
  });

  it('finds a word of the name among the other territories, best matches first', async () => {
    const r = await chercher(q('grand gueret'));
    expect(r[0]).toMatchObject({ niveau: 'cls', code: 'CLS-23-GRAND-GUERET' });
    const ajaccio = await chercher(q('ajaccio', '&limite=50'));
    // the commune of that name first, the perimeter among the others (« Pays ajaccien » is not « ajaccio »)
    expect(ajaccio[0]).toMatchObject({ niveau: 'commune', code: '2A004' });
    expect(ajaccio.filter((t) => t.niveau === 'cls').map((t) => t.code)).toEqual(['CLS-2A-AJACCIO-QPV']);
  });

  it('finds a perimeter by its exact code, any case, and a version by its code only', async () => {
    for (const texte of ['CLS-78-VGP', 'cls-78-vgp', '  Cls-78-Vgp ']) expect((await chercher(q(texte)))[0], texte).toMatchObject({ niveau: 'cls', code: 'CLS-78-VGP' });
    for (const texte of ['CLS-78-VGP.v1', 'cls-78-vgp.V1']) {
      expect((await chercher(q(texte)))[0], texte).toMatchObject({ niveau: 'cls', code: 'CLS-78-VGP.v1', libelle: 'Exemple fictif – CLS de Versailles Grand Parc (périmètre 1)', contexte: 'Yvelines (78) · 3 communes' });
    }
    // by name: the current perimeter only, not its versions
    const parNom = await chercher(q('Versailles Grand Parc', '&niveau=cls'));
    expect(parNom.map((t) => t.code)).toEqual(['CLS-78-VGP']);
    // a part of a code is no code
    expect(await chercher(q('CLS-78', '&niveau=cls'))).toEqual([]);
    expect(await chercher(q('CLS-78-VGP.v9'))).toEqual([]);
  });

  it('keeps to the level asked for', async () => {
    const cls = await chercher(q('exemple fictif', '&niveau=cls&limite=50'));
    expect(cls.map((t) => t.code).sort()).toEqual(perimetres.map((p) => p.code).sort());
    for (const niveau of ['commune', 'epci', 'departement', 'region', 'france']) {
      expect(await chercher(q('exemple fictif', `&niveau=${niveau}`)), niveau).toEqual([]);
      expect(await chercher(q('CLS-78-VGP', `&niveau=${niveau}`)), niveau).toEqual([]);
    }
    const communes = await chercher(q('versailles', '&niveau=commune'));
    expect(communes.length).toBeGreaterThan(0);
    expect(communes.every((t) => t.niveau === 'commune')).toBe(true);
    expect(await chercher(q('cls', '&niveau=cls&limite=3'))).toHaveLength(3);
  });

  it.each([
    // text that means something elsewhere: searched as text, never as code or pattern
    ["' OR 1=1 --", 200],
    ['%%', 200],
    ['"}], {"code": "X", "libelle_recherche": "x"', 200],
    ['CLS-78-VGP\'; DROP TABLE perimetres_cls; --', 200],
    ['.v1', 200],
    ['💩💩', 200],
    ['\u202eSLC', 200],
    ['CLS-' + 'A'.repeat(96), 200],
  ] as const)('q=%j → %i, no perimeter invented', async (texte, status) => {
    const r = await appel(q(texte, '&niveau=cls'));
    expect(r.status, r.body).toBe(status);
    expect((JSON.parse(r.body) as RechercheReponse).resultats).toEqual([]);
  });

  it.each([
    ['q=', 'q'],
    ['q=%', 'q'],
    ['q=C', 'q'],
    // nothing left once punctuation is set aside
    ['q=__', 'q'],
    [`q=${encodeURIComponent('"}]')}`, 'q'],
    [`q=${'CLS-'.repeat(26)}`, 'q'],
    ['q=CLS%00-78', 'q'],
    ['q=CLS-78-VGP%0A', 'q'],
    ['q=%E0%A4%A', 'q'],
    ['niveau=cls', 'q'],
    ['q=CLS-78-VGP&q=CLS-78-VGP', 'q'],
    ['q=CLS-78-VGP&niveau=CLS', 'niveau'],
    ['q=CLS-78-VGP&niveau=cls%00', 'niveau'],
    ['q=CLS-78-VGP&niveau=', 'niveau'],
    ['q=CLS-78-VGP&niveau=cls&limite=0', 'limite'],
    ['q=CLS-78-VGP&niveau=cls&limite=cls', 'limite'],
    ['q=CLS-78-VGP&code=CLS-78-VGP', 'code'],
  ] as const)('%s → 400 naming %s', async (requete, parametre) => {
    const r = await appel(requete);
    expect(r.status, r.body).toBe(400);
    const { erreur } = JSON.parse(r.body) as ErreurReponse;
    expect(erreur).toMatchObject({ code: 'parametre_invalide', parametre });
    expect(normaliserRecherche(erreur.message)).toContain(parametre);
  });
});
