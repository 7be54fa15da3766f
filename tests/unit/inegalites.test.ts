import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, sqlPath, type Db } from '../../functions/src/core/duckdb/duckdb.ts';
import { ParametreInvalideError, TerritoireInconnuError } from '../../functions/src/core/errors.ts';
import { disponibiliteFdep, inegalitesTerritoire, quintilesPopulation, type ArgumentsInegalites } from '../../functions/src/core/inegalites/inegalites.ts';
import { inequalityBetweenUnits, interdecileRatio } from '../../functions/src/core/stats/index.ts';

// SYNTHETIC fixtures: small Parquet marts written in a temporary folder, for edge cases no real
// file has (a masked commune beside an absent one, a commune holding half the population, a
// negative value, a CLS of two versions, quintiles of exactly one commune each). The real-data
// check is in tests/integration/indicateurs-verifications.test.ts.

let dir: string;
let db: Db;
const f = (nom: string) => path.join(dir, `${nom}.parquet`);

type Commune = [code: string, epci: string | null, population: number | null];
/** Territories mart: communes of département 99 / région 99, EPCI 200000001 (6), 200000002 (2), 200000003 (5). */
const COMMUNES: Commune[] = [
  ['99001', '200000001', 1000],
  ['99002', '200000001', 2000],
  ['99003', '200000001', 3000],
  ['99004', '200000001', 4000],
  ['99005', '200000001', 500],
  ['99006', '200000001', null],
  ['99007', '200000002', 9000],
  ['99008', '200000002', 100],
  ['99011', '200000003', 12000],
  ['99012', '200000003', 11500],
  ['99013', '200000003', 10000],
  ['99014', '200000003', 9500],
  ['99015', '200000003', 8000],
];

type Ligne = [code: string, periode: string, valeur: number | null, numerateur: number | null, denominateur: number | null, statut: string];

async function ecrireMart(nom: string, indicateur: string, lignes: Ligne[]): Promise<void> {
  await db.session(async (s) => {
    await s.run(`CREATE TEMP TABLE m (indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR, valeur DOUBLE, numerateur DOUBLE, denominateur DOUBLE, statut VARCHAR)`);
    await s.append('m', lignes.map(([code, periode, valeur, num, den, statut]) => [indicateur, 'commune', code, periode, valeur, num, den, statut]));
    await s.run(`COPY (SELECT * FROM m ORDER BY niveau, code, periode) TO ${sqlPath(f(nom))} (FORMAT parquet)`);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-inegalites-'));
  db = await openDb({ workDir: dir, threads: 1, memoryLimit: null });
  await db.session(async (s) => {
    await s.run(`CREATE TEMP TABLE t (niveau VARCHAR, code VARCHAR, libelle VARCHAR, code_departement VARCHAR, code_region VARCHAR, code_epci VARCHAR, population INTEGER)`);
    await s.append('t', [
      ...COMMUNES.map(([code, epci, pop]) => ['commune', code, `Commune ${code}`, '99', '99', epci, pop]),
      ['epci', '200000001', 'CC Une', '99', '99', null, 10500],
      ['epci', '200000002', 'CC Deux', '99', '99', null, 9100],
      ['epci', '200000003', 'CC Trois', '99', '99', null, 51000],
      ['departement', '99', 'Département fictif', '99', '99', null, 70600],
    ]);
    await s.run(`COPY (SELECT * FROM t ORDER BY niveau, code) TO ${sqlPath(f('territoires'))} (FORMAT parquet)`);
    // the CLS perimeters mart as the engine writes it: version 1 (two communes), version 2 (EPCI
    // 200000003's communes and 99007), the latest under the CLS's own code
    const v2 = [...COMMUNES.filter(([, epci]) => epci === '200000003').map(([code]) => code), '99007'];
    await s.run(`CREATE TEMP TABLE p (code VARCHAR, libelle VARCHAR, code_commune VARCHAR)`);
    await s.append('p', [
      ...['99001', '99002'].map((c) => ['CLS-X.v1', 'CLS fictif (périmètre 1)', c]),
      ...v2.map((c) => ['CLS-X.v2', 'CLS fictif (périmètre 2)', c]),
      ...v2.map((c) => ['CLS-X', 'CLS fictif', c]),
    ]);
    await s.run(`COPY (SELECT * FROM p ORDER BY ALL) TO ${sqlPath(f('perimetres'))} (FORMAT parquet)`);
  });
  // Crude death rate (‰): 99001 masked, 99006 without population, 99005 absent from the mart.
  await ecrireMart('mortalite', 'taux-mortalite-brute', [
    ['99001', '2013-2018', null, null, 5000, 'masque'],
    ['99002', '2013-2018', 8, 80, 10000, 'ok'],
    ['99003', '2013-2018', 10, 150, 15000, 'ok'],
    ['99004', '2013-2018', 12, 240, 20000, 'ok'],
    ['99006', '2013-2018', 9, 20, 2222.2, 'ok'],
    ['99007', '2013-2018', 11, 495, 45000, 'ok'],
    ['99008', '2013-2018', 0, 0, 500, 'ok'],
    // methods.md §8.3 quintile vector: rates 14.2, 12.1, 11.0, 9.8, 8.5 ‰ on equal person-years
    ['99011', '2013-2018', 14.2, 142, 10000, 'ok'],
    ['99012', '2013-2018', 12.1, 121, 10000, 'ok'],
    ['99013', '2013-2018', 11.0, 110, 10000, 'ok'],
    ['99014', '2013-2018', 9.8, 98, 10000, 'ok'],
    ['99015', '2013-2018', 8.5, 85, 10000, 'ok'],
  ]);
  // Median niveau de vie (the proxy): 2016 and 2021 (after 2018: never used for 2013-2018).
  await ecrireMart(
    'proxy',
    'niveau-vie-median',
    COMMUNES.flatMap(([code], i): Ligne[] => [
      [code, '2016', 15000 + 1000 * i, null, null, 'ok'],
      [code, '2021', 30000 - 1000 * i, null, null, 'ok'],
    ]).filter(([code]) => code !== '99004'),
  );
  // A published-only indicator with a negative value (share of taxes in disposable income).
  await ecrireMart('impots', 'part-impots', [
    ['99001', '2019', -12, null, null, 'ok'],
    ['99002', '2019', -15, null, null, 'ok'],
    ['99003', '2019', -18, null, null, 'ok'],
  ]);
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const base = (autres: Partial<ArgumentsInegalites> = {}): ArgumentsInegalites => ({
  fichierIndicateur: f('mortalite'),
  fichierProxy: f('proxy'),
  fichierTerritoires: f('territoires'),
  fichierPerimetresCls: f('perimetres'),
  niveau: 'epci',
  code: '200000001',
  ...autres,
});
const calculer = (a: ArgumentsInegalites) => db.session((s) => inegalitesTerritoire(s, a));
const erreur = (a: ArgumentsInegalites) => calculer(a).catch((e: unknown) => e);

describe('distribution across the communes of a territory', () => {
  it('weights by population, reports each excluded commune with its reason, uses core/stats', async () => {
    const r = await calculer(base());
    expect(r.territoire).toEqual({ niveau: 'epci', code: '200000001', libelle: 'CC Une', population: 10500 });
    expect(r.indicateur).toMatchObject({ id: 'taux-mortalite-brute', methode: 'taux', multiplicateur: 1000, periode: '2013-2018' });
    expect(r.communes).toEqual({ total: 6, utilisees: 3, exclues: { masque: 1, absent: 1, population_absente: 1 } });
    const valeurs = [8, 10, 12];
    const poids = [2000, 3000, 4000];
    const d = interdecileRatio(valeurs, poids);
    const i = inequalityBetweenUnits(valeurs, poids);
    expect(r.distribution).toEqual({
      n: 3,
      total: 6,
      couverturePopulation: 9000 / 10500,
      ponderation: 'population municipale',
      regleQuantile: 'weighted_quantile_step',
      d1: d.d1,
      d9: d.d9,
      rapportD9D1: d.ratio,
      moyennePonderee: i.weightedMean,
      gini: i.gini,
      theilT: i.theilT,
      theilL: i.theilL,
      cv: i.cv,
      min: 8,
      max: 12,
    });
    expect(r.avertissements.some((a) => a.startsWith('Moins de 5 communes'))).toBe(true);
    expect(r.avertissements.some((a) => a.startsWith('Moins de 10 communes'))).toBe(true);
  });

  it('leaves Gini, Theil and CV out when a commune value is negative, and says so', async () => {
    const r = await calculer(base({ fichierIndicateur: f('impots'), fichierProxy: null }));
    expect(r.distribution).toMatchObject({ n: 3, gini: null, theilT: null, theilL: null, cv: null, min: -18, max: -12 });
    expect(r.avertissements).toContain('Valeurs communales négatives : Gini, Theil et CV non définis (methods.md §8.2).');
    expect(r.gradient).toBeNull();
    expect(r.avertissements).toContain('Pas de fichier du proxy de défavorisation : gradient social non calculé.');
  });
});

describe('social gradient across quintiles of the median niveau de vie', () => {
  it('names the proxy, takes its latest period not after the indicator’s, and gives the SII/RII and concentration index of methods.md §8.3–8.4', async () => {
    const r = await calculer(base({ code: '200000003' }));
    expect(r.gradient?.proxy).toEqual({
      indicateur: 'niveau-vie-median',
      libelle: 'Quintiles du niveau de vie médian des communes (proxy de défavorisation, pas l’indice FDep)',
      periode: '2016',
    });
    expect(r.gradient?.mesure).toBe('somme-numerateurs-sur-somme-denominateurs');
    expect(r.gradient?.quintiles.map((q) => [q.quintile, q.communes, q.populationUtilisee, q.numerateur, q.denominateur, q.methodeIc])).toEqual([
      [1, 1, 12000, 142, 10000, 'Byar'],
      [2, 1, 11500, 121, 10000, 'Byar'],
      [3, 1, 10000, 110, 10000, 'Byar'],
      [4, 1, 9500, 98, 10000, 'Byar'],
      [5, 1, 8000, 85, 10000, 'Byar'],
    ]);
    // methods.md §8.3 (self-computed): SII −6.851609, RII 0.5374003, intercept 14.81110; §8.4: C −0.09605108
    expect(r.gradient?.sii?.valeur).toBeCloseTo(-6.851609, 5);
    expect(r.gradient?.sii?.rii).toBeCloseTo(0.5374003, 6);
    expect(r.gradient?.sii?.intercept).toBeCloseTo(14.8111, 4);
    expect(r.gradient?.indiceConcentration?.valeur).toBeCloseTo(-0.09605108, 7);
    expect(r.gradient?.sii?.ic).toBeNull();
  });

  it('warns and gives no SII when a commune holding much of the population leaves quintiles empty', async () => {
    // EPCI 200000002: 99007 (9 000 inhabitants, lower median) sits at midpoint 0.49 → quintile 3,
    // 99008 (100) at 0.99 → quintile 5
    const r = await calculer(base({ code: '200000002' }));
    expect(r.gradient?.quintiles.map((q) => q.communes)).toEqual([0, 0, 1, 0, 1]);
    expect(r.gradient?.sii).toBeNull();
    expect(r.gradient?.indiceConcentration).toBeNull();
    expect(r.avertissements.some((a) => a.startsWith('Quintile(s) 1, 2, 4 sans valeur'))).toBe(true);
    expect(r.avertissements.some((a) => a.startsWith('Moins de 5 communes avec un niveau de vie médian publié (2)'))).toBe(true);
  });

  it('counts communes without a proxy value and uses the weighted mean for a non-additive indicator', async () => {
    const r = await calculer(base({ fichierIndicateur: f('proxy'), niveau: 'departement', code: '99', periode: '2016' }));
    expect(r.gradient?.mesure).toBe('moyenne-ponderee-population');
    expect(r.gradient?.communesSansProxy).toBe(2); // 99004 has no median, 99006 no population
    // the proxy as its own indicator: each quintile's value is the population-weighted mean of its communes' medians
    const avec = COMMUNES.flatMap(([code, , population], i) => (code !== '99004' && population ? [{ code, population, proxy: 15000 + 1000 * i }] : []));
    const quintile = quintilesPopulation(avec);
    const attendu = [1, 2, 3, 4, 5].map((k) => {
      const m = avec.filter((c) => quintile.get(c.code) === k);
      return m.length === 0 ? null : m.reduce((a, c) => a + c.proxy * c.population, 0) / m.reduce((a, c) => a + c.population, 0);
    });
    expect(r.gradient!.quintiles.map((q) => q.valeur)).toEqual(attendu);
    expect(attendu.every((v) => v !== null)).toBe(true);
  });

  it('has no gradient when no Filosofi period precedes the indicator’s', async () => {
    const r = await calculer(base({ fichierIndicateur: f('impots'), fichierProxy: f('proxy') }));
    expect(r.gradient).not.toBeNull(); // 2019 → the 2016 median
    await ecrireMart('ancien', 'taux-mortalite-brute', [['99002', '2008-2013', 8, 80, 10000, 'ok']]);
    const ancien = await calculer(base({ fichierIndicateur: f('ancien') }));
    expect(ancien.gradient).toBeNull();
    expect(ancien.avertissements).toContain('Aucun millésime du niveau de vie médian communal antérieur ou égal à 2008-2013 : gradient social non calculé.');
  });
});

describe('quintiles of population (methods.md §7.1 step 7)', () => {
  it('gives the quintiles of the FDep toy vector from its scores', () => {
    const toy = [
      ['c1', 12000, -2.283399],
      ['c2', 3500, 0.289126],
      ['c3', 800, -3.881193],
      ['c4', 25000, 1.101799],
      ['c5', 1500, -0.630319],
      ['c6', 6000, -3.255028],
      ['c7', 450, 1.39354],
      ['c8', 9000, 2.421931],
    ] as const;
    const q = quintilesPopulation(toy.map(([code, population, proxy]) => ({ code, population, proxy })));
    expect(Object.fromEntries(q)).toEqual({ c3: 1, c6: 1, c1: 2, c5: 2, c2: 2, c4: 4, c7: 5, c8: 5 });
  });
});

describe('territories: CLS perimeters, refusals', () => {
  it('lists a CLS’s communes from the perimeters mart: latest version, or a version by its suffix', async () => {
    const derniere = await calculer(base({ niveau: 'cls', code: 'CLS-X' }));
    expect(derniere.territoire).toEqual({ niveau: 'cls', code: 'CLS-X', libelle: 'CLS fictif', population: 51000 + 9000 });
    expect(derniere.communes.total).toBe(6);
    const v1 = await calculer(base({ niveau: 'cls', code: 'CLS-X.v1' }));
    expect(v1.communes).toEqual({ total: 2, utilisees: 1, exclues: { masque: 1 } });
  });

  it('refuses a commune, an unknown level, a malformed code, an absent period, naming the parameter', async () => {
    const cas: Array<[Partial<ArgumentsInegalites>, string]> = [
      [{ niveau: 'commune', code: '99001' }, 'niveau'],
      [{ niveau: 'canton', code: '9901' }, 'niveau'],
      [{ niveau: 'epci', code: '2A' }, 'code'],
      [{ periode: '2030' }, 'periode'],
      [{ fichierProxy: f('impots') }, 'fichierProxy'],
      [{ niveau: 'cls', code: 'CLS-X', fichierPerimetresCls: null }, 'fichierPerimetresCls'],
    ];
    for (const [args, parametre] of cas) {
      const e = await erreur(base(args));
      expect(e, JSON.stringify(args)).toBeInstanceOf(ParametreInvalideError);
      expect((e as ParametreInvalideError).parametre).toBe(parametre);
    }
  });

  it('answers an unknown territory with TerritoireInconnuError', async () => {
    expect(await erreur(base({ code: '200000009' }))).toBeInstanceOf(TerritoireInconnuError);
    expect(await erreur(base({ niveau: 'cls', code: 'CLS-Y' }))).toBeInstanceOf(TerritoireInconnuError);
  });
});

describe('FDep', () => {
  it('is reported unavailable with the inputs the engine lacks', () => {
    expect(disponibiliteFdep()).toEqual({
      disponible: false,
      manquants: ['part des bacheliers parmi les 15 ans ou plus non scolarisés (recensement)', 'part des ouvriers parmi les actifs de 15-64 ans (recensement)'],
    });
  });
});
