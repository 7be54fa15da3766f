import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import epciData from '@etalab/decoupage-administratif/data/epci.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { preparerLac } from '../../functions/src/cli/prepare.ts';
import { couvertureCls, epciNonCouverts, INDICATEURS_BESOIN, type FichiersCouverture, type NiveauCouverture } from '../../functions/src/core/cls/couverture.ts';
import { openDb, sqlPath, type Db, type Session } from '../../functions/src/core/duckdb/duckdb.ts';
import { ParametreInvalideError, SourceSchemaError, TerritoireInconnuError } from '../../functions/src/core/errors.ts';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { derniereVersion, lireManifesteDataset } from '../../functions/src/core/lake/manifeste.ts';
import type { Runtime } from '../../functions/src/core/runtime.ts';
import { CLE_MANIFESTE_MARTS } from '../../functions/src/core/storage/keys.ts';
import { getJson } from '../../functions/src/core/storage/storage.ts';
import { DATA } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeLacPartage, runtimeTemporaire } from '../helpers/lac.ts';

// The real sample registry of data/registre-cls, ingested with the whole of data/ (as `npm start`
// does), then the coverage at several dates compared with values computed here independently:
// the CSV split by hand, EPCI members expanded with @etalab's epci.json, populations and parents
// of the communes read raw from the territories mart.

const FICHIER = path.join(DATA, 'registre-cls/registre-cls.csv');
const texte = readFileSync(FICHIER, 'utf-8');
const enc = (s: string) => new TextEncoder().encode(s);

interface LigneRegistre {
  code: string;
  statut: string;
  version: string;
  debut: string;
  fin: string;
  type: string;
  membre: string;
}
const registre: LigneRegistre[] = texte
  .trimEnd()
  .split('\n')
  .slice(1)
  .map((l) => {
    const c = l.split(';');
    return { code: c[0]!, statut: c[3]!, version: c[4]!, debut: c[6]!, fin: c[7]!, type: c[8]!, membre: c[9]! };
  });
const membresEpci = new Map((epciData as Array<{ code: string; membres: Array<{ code: string }> }>).map((e) => [e.code, e.membres.map((m) => m.code)]));

type Commune = {
  code: string;
  code_departement: string;
  code_region: string;
  code_epci: string | null;
  population: number | null;
};
type Territoire = {
  niveau: string;
  code: string;
  population: number | null;
};

let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let runtime: Runtime;
let rapport: Awaited<ReturnType<typeof preparerLac>>;
let fichiers: FichiersCouverture;
let communes: Map<string, Commune>;
let territoires: Territoire[];

beforeAll(async () => {
  const partage = inject('lacPartage');
  ctx = await runtimeLacPartage(partage.lakeDir);
  runtime = ctx.runtime;
  rapport = JSON.parse(partage.rapport) as typeof rapport;
  const manifeste = (await getJson<{ marts: { territoires: { cle: string }; indicateurs: { cle?: string } | Record<string, { cle: string }> } }>(runtime.storage, CLE_MANIFESTE_MARTS))!;
  const version = derniereVersion((await lireManifesteDataset(runtime.storage, 'registre-cls'))!)!;
  // The indicators mart: one file, or one per indicator.
  const ind = manifeste.marts.indicateurs;
  const clesIndicateurs = typeof ind.cle === 'string' ? [ind.cle] : Object.values(ind as Record<string, { cle: string }>).map((i) => i.cle);
  fichiers = {
    registre: await runtime.storage.localPath(version.cleParquet),
    territoires: await runtime.storage.localPath(manifeste.marts.territoires.cle),
    indicateurs: await Promise.all(clesIndicateurs.map((c) => runtime.storage.localPath(c))),
  };
  const lus = await runtime.db.all<Commune>(
    `SELECT code, code_departement, code_region, code_epci, population FROM read_parquet(${sqlPath(fichiers.territoires)}) WHERE niveau = 'commune' ORDER BY code`,
  );
  communes = new Map(lus.map((c) => [c.code, c]));
  territoires = await runtime.db.all<Territoire>(`SELECT niveau, code, population FROM read_parquet(${sqlPath(fichiers.territoires)}) ORDER BY niveau, code`);
});
afterAll(async () => ctx.nettoyer());

const session = <T>(f: (s: Session) => Promise<T>) => runtime.db.session(f);

/** Communes covered at `date`, per CLS: computed from the CSV, independently of the SQL. */
function communesEnVigueur(date: string): Map<string, Set<string>> {
  const parCls = new Map<string, Set<string>>();
  for (const r of registre) {
    if (r.statut === 'en_preparation' || r.debut > date || (r.fin !== '' && date > r.fin)) continue;
    const membres = r.type === 'commune' ? [r.membre] : membresEpci.get(r.membre)!;
    const s = parCls.get(r.code) ?? new Set<string>();
    for (const m of membres) s.add(m);
    parCls.set(r.code, s);
  }
  return parCls;
}

/** Expected coverage of every territory of a level at a date. */
function attendu(date: string, niveau: NiveauCouverture) {
  const parent = (c: Commune) => (niveau === 'departement' ? c.code_departement : niveau === 'region' ? c.code_region : 'FR');
  const parCls = communesEnVigueur(date);
  const couvertes = new Set([...parCls.values()].flatMap((s) => [...s]));
  return territoires
    .filter((t) => t.niveau === niveau)
    .map((t) => {
      const siennes = [...communes.values()].filter((c) => parent(c) === t.code);
      const cou = siennes.filter((c) => couvertes.has(c.code));
      const populationCouverte = cou.reduce((a, c) => a + (c.population ?? 0), 0);
      const cls = [...parCls.entries()].filter(([, s]) => siennes.some((c) => s.has(c.code))).map(([code]) => code).sort();
      return {
        code: t.code,
        population: t.population,
        populationCouverte,
        partPopulation: t.population ? populationCouverte / t.population : null,
        nbCommunes: siennes.length,
        nbCommunesCouvertes: cou.length,
        nbCls: cls.length,
        cls,
      };
    });
}

const DATES = ['2017-06-01', '2019-06-30', '2019-07-01', '2020-06-01', '2022-06-30', '2022-07-01', '2023-06-01', '2024-06-01', '2026-10-01', '2030-01-01'];

describe('the sample registry in the lake', () => {
  it('is ingested by npm start from data/, every line accepted, millésime 2024', () => {
    const i = rapport.ingestions.filter((x) => x.dataset === 'registre-cls');
    expect(i.map((x) => [x.millesime, x.version.fichier, x.version.lignesAcceptees, x.version.lignesRejetees])).toEqual([['2024', 'registre-cls.csv', registre.length, 0]]);
  });

  it('has the columns and types the indicator engine reads', async () => {
    const cols = await runtime.db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(fichiers.registre)}, hive_partitioning = false)`);
    expect(cols.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      'code_cls VARCHAR',
      'libelle VARCHAR',
      'generation INTEGER',
      'statut VARCHAR',
      'version INTEGER',
      'date_signature DATE',
      'date_debut DATE',
      'date_fin DATE',
      'type_membre VARCHAR',
      'code_membre VARCHAR',
      'exemple BOOLEAN',
      'ligne_source INTEGER',
    ]);
    const rows = await runtime.db.all<{ code_cls: string; version: number; date_fin: string | null; code_membre: string; exemple: boolean }>(
      `SELECT code_cls, version, strftime(date_fin, '%Y-%m-%d') AS date_fin, code_membre, exemple FROM read_parquet(${sqlPath(fichiers.registre)}, hive_partitioning = false) ORDER BY code_cls, version, code_membre`,
    );
    const tries = [...registre].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : Number(a.version) - Number(b.version) || (a.membre < b.membre ? -1 : 1)));
    expect(rows).toEqual(tries.map((r) => ({ code_cls: r.code, version: Number(r.version), date_fin: r.fin || null, code_membre: r.membre, exemple: true })));
  });
});

describe('the CLS perimeters mart (for the API)', () => {
  it('lists the communes of every perimeter version and of the latest one, EPCI members expanded', async () => {
    const manifeste = (await getJson<{ marts: { perimetresCls?: { cle: string } } }>(runtime.storage, CLE_MANIFESTE_MARTS))!;
    expect(manifeste.marts.perimetresCls).toBeDefined();
    const fichier = await runtime.storage.localPath(manifeste.marts.perimetresCls!.cle);
    const lignes = await runtime.db.all<{ code: string; code_commune: string; rang: number }>(
      `SELECT code, code_commune, (row_number() OVER ())::INTEGER AS rang FROM read_parquet(${sqlPath(fichier)}, hive_partitioning = false)`,
    );
    const attendu = new Map<string, Set<string>>();
    const derniere = new Map<string, number>();
    for (const l of registre) derniere.set(l.code, Math.max(derniere.get(l.code) ?? 0, Number(l.version)));
    for (const l of registre) {
      const communes = l.type === 'epci' ? (membresEpci.get(l.membre) ?? []) : [l.membre];
      const codes = [`${l.code}.v${l.version}`, ...(derniere.get(l.code) === Number(l.version) ? [l.code] : [])];
      for (const c of codes) for (const commune of communes) attendu.set(c, (attendu.get(c) ?? new Set()).add(commune));
    }
    const obtenu = new Map<string, Set<string>>();
    for (const l of lignes) obtenu.set(l.code, (obtenu.get(l.code) ?? new Set()).add(l.code_commune));
    expect(obtenu).toEqual(attendu);
    // version 1 of Versailles Grand Parc: its three communes; the latest: the whole EPCI
    expect([...obtenu.get('CLS-78-VGP.v1')!].sort()).toEqual(['78158', '78646', '78686']);
    expect(obtenu.get('CLS-78-VGP')!.size).toBe(membresEpci.get('247800584')!.length);
    // sorted by perimeter, then commune (the API reads one perimeter's range)
    const cles = lignes.map((l) => `${l.code} ${l.code_commune}`);
    expect(cles).toEqual([...cles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});

describe('couvertureCls on the real sample: coverage at a date', () => {
  it.each(DATES.flatMap((d) => (['departement', 'region', 'france'] as const).map((n) => [d, n] as const)))('%s, every %s', async (date, niveau) => {
    const r = await session((s) => couvertureCls(s, fichiers, { date, niveau }));
    expect(r.date).toBe(date);
    const obtenu = r.territoires.map((t) => ({
      code: t.code,
      population: t.population,
      populationCouverte: t.populationCouverte,
      partPopulation: t.partPopulation,
      nbCommunes: t.nbCommunes,
      nbCommunesCouvertes: t.nbCommunesCouvertes,
      nbCls: t.nbCls,
      cls: t.cls,
    }));
    const attendus = attendu(date, niveau);
    expect(obtenu.length).toBe(attendus.length);
    expect(obtenu).toEqual(attendus.map((a) => ({ ...a, partPopulation: a.partPopulation === null ? null : expect.closeTo(a.partPopulation, 12) })));
  });

  const dep = async (date: string, code: string) => (await session((s) => couvertureCls(s, fichiers, { date, niveau: 'departement', code }))).territoires[0]!;
  const pop = (codes: string[]) => codes.reduce((a, c) => a + communes.get(c)!.population!, 0);

  it('is zero everywhere before the first signature', async () => {
    const premiere = registre.map((r) => r.debut).sort()[0]!;
    expect(premiere).toBe('2018-01-01');
    const [fr] = (await session((s) => couvertureCls(s, fichiers, { date: '2017-12-31', niveau: 'france' }))).territoires;
    expect([fr!.populationCouverte, fr!.nbCommunesCouvertes, fr!.nbCls, fr!.partPopulation]).toEqual([0, 0, 0, 0]);
  });

  it('follows the changed perimeter: version 1 (three communes) until 2022-06-30, version 2 (the whole EPCI, into the Essonne) from 2022-07-01', async () => {
    const v1 = await dep('2022-06-30', '78');
    expect([v1.cls, v1.nbCommunesCouvertes, v1.populationCouverte]).toEqual([['CLS-78-VGP'], 3, pop(['78646', '78158', '78686'])]);
    expect((await dep('2022-06-30', '91')).nbCommunesCouvertes).toBe(0);
    const v2 = await dep('2022-07-01', '78');
    const vgp = membresEpci.get('247800584')!;
    expect(v2.nbCommunesCouvertes).toBe(vgp.filter((c) => c.startsWith('78')).length);
    expect(v2.populationCouverte).toBe(pop(vgp.filter((c) => c.startsWith('78'))));
    const essonne = await dep('2022-07-01', '91');
    expect([essonne.cls, essonne.nbCommunesCouvertes, essonne.populationCouverte]).toEqual([['CLS-78-VGP'], 1, pop(['91064'])]);
  });

  it('counts a commune in two CLS once (Ajaccio in the Pays ajaccien and its own CLS)', async () => {
    const corse = await dep('2024-06-01', '2A');
    expect(corse.cls).toEqual(['CLS-2A-AJACCIO-QPV', 'CLS-2A-PAYS-AJACCIEN']);
    const [capa] = territoires.filter((t) => t.niveau === 'epci' && t.code === '242010056');
    expect(corse.nbCommunesCouvertes).toBe(membresEpci.get('242010056')!.length);
    expect(corse.populationCouverte).toBe(capa!.population);
  });

  it('drops an ended CLS after its end date and never counts one in preparation', async () => {
    expect((await dep('2022-12-31', '93')).cls).toEqual(['CLS-93-MONTREUIL']);
    expect((await dep('2023-01-01', '93')).cls).toEqual(['CLS-93-SAINT-DENIS']);
    // Aubervilliers' CLS would start on 2026-09-01 but is not signed
    const seineSaintDenis = await dep('2026-10-01', '93');
    expect([seineSaintDenis.cls, seineSaintDenis.nbCommunesCouvertes]).toEqual([['CLS-93-SAINT-DENIS'], 2]);
    // the cancelled CLS counts within its dates only
    expect((await dep('2021-03-31', '971')).cls).toEqual(['CLS-971-NORD-GRANDE-TERRE']);
    expect((await dep('2021-04-01', '971')).cls).toEqual([]);
    const fr = (await session((s) => couvertureCls(s, fichiers, { date: '2030-01-01', niveau: 'france' }))).territoires[0]!;
    expect(fr.cls).toEqual(['CLS-59-DUNKERQUE']); // the only one without an end date
  });

  it.each([
    [{ date: '2023-02-29', niveau: 'departement' }, 'date'],
    [{ date: '01/06/2023', niveau: 'departement' }, 'date'],
    [{ date: '', niveau: 'france' }, 'date'],
    [{ date: '2023-06-01', niveau: 'commune' }, 'niveau'],
    [{ date: '2023-06-01', niveau: 'departement', code: '2C' }, 'code'],
    [{ date: '2023-06-01', niveau: 'region', code: '2A' }, 'code'],
  ])('refuses %j naming the parameter %s', async (options, parametre) => {
    const e = await session((s) => couvertureCls(s, fichiers, options as never)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ParametreInvalideError);
    expect((e as ParametreInvalideError).parametre).toBe(parametre);
    expect((e as Error).message).toContain(`« ${parametre} »`);
  });

  it('says an unknown territory is unknown', async () => {
    await expect(session((s) => couvertureCls(s, fichiers, { date: '2023-06-01', niveau: 'departement', code: '96' }))).rejects.toThrow(TerritoireInconnuError);
  });
});

/** Mid-rank percentile of each value among `valeurs` (the rule of ADR 0008), computed here. */
function rangs(valeurs: Map<string, number>): Map<string, number> {
  const v = [...valeurs.values()];
  return new Map(
    [...valeurs].map(([code, x]) => {
      if (v.length === 1) return [code, 0.5];
      const inf = v.filter((y) => y < x).length;
      const egaux = v.filter((y) => y === x).length;
      return [code, (inf + (egaux - 1) / 2) / (v.length - 1)];
    }),
  );
}

describe('epciNonCouverts on the real sample and the real indicators', () => {
  /** Raw EPCI values of the need indicators, most recent period with values. */
  async function valeursBrutes(codes: string[]): Promise<Map<string, { periode: string; valeurs: Map<string, number> }>> {
    const liste = [fichiers.indicateurs!].flat().map(sqlPath).join(', ');
    const rows = await runtime.db.all<{ indicateur: string; code: string; periode: string; valeur: number }>(
      `SELECT indicateur, code, periode, valeur FROM read_parquet([${liste}], union_by_name = true)
       WHERE niveau = 'epci' AND valeur IS NOT NULL AND indicateur IN ('taux-pauvrete', 'taux-mortalite-brute', 'part-population-zone-sous-dotee-infirmiers')
       ORDER BY indicateur, code, periode`,
    );
    const out = new Map<string, { periode: string; valeurs: Map<string, number> }>();
    for (const i of INDICATEURS_BESOIN) {
      const siennes = rows.filter((r) => r.indicateur === i);
      if (siennes.length === 0) continue;
      const periode = siennes.map((r) => r.periode).sort((a, b) => (a.slice(-4) + a < b.slice(-4) + b ? -1 : 1)).at(-1)!;
      out.set(i, { periode, valeurs: new Map(siennes.filter((r) => r.periode === periode && codes.includes(r.code)).map((r) => [r.code, r.valeur])) });
    }
    return out;
  }

  it('ranks the uncovered EPCI of the Yvelines by the mean of their percentile ranks, each component with its value', async () => {
    const r = await session((s) => epciNonCouverts(s, fichiers, { date: '2020-06-01', departement: '78', limite: 1000 }));
    const duDep = await runtime.db.all<{ code: string; population: number }>(
      `SELECT code, population FROM read_parquet(${sqlPath(fichiers.territoires)}) WHERE niveau = 'epci' AND code_departement = '78' ORDER BY code`,
    );
    expect(r.nbEpci).toBe(duDep.length);
    const codes = duDep.map((e) => e.code);
    const brutes = await valeursBrutes(codes);
    expect(r.indicateurs.utilises.map((u) => [u.indicateur, u.periode, u.nbEpci])).toEqual([...brutes].map(([i, b]) => [i, b.periode, b.valeurs.size]));
    expect(r.indicateurs.utilises.length).toBeGreaterThan(0);
    expect(r.indicateurs.absents).toEqual(INDICATEURS_BESOIN.filter((i) => !brutes.has(i)));

    // Versailles Grand Parc: three of its communes covered by version 1 → partially covered
    expect(r.nonCouverts.map((e) => e.code)).not.toContain('247800584');
    expect(r.partiellementCouverts.map((e) => [e.code, e.nbCommunesCouvertes, e.nbCommunes])).toEqual([['247800584', 3, membresEpci.get('247800584')!.length]]);
    const vgp = r.partiellementCouverts[0]!;
    expect(vgp.populationCouverte).toBe(['78646', '78158', '78686'].reduce((a, c) => a + communes.get(c)!.population!, 0));
    expect(r.totalNonCouverts).toBe(duDep.length - 1);

    // Scores recomputed here from the raw values, then the order they give.
    const rangsParIndicateur = new Map([...brutes].map(([i, b]) => [i, rangs(b.valeurs)]));
    const score = (code: string) => {
      const xs = [...rangsParIndicateur.values()].map((m) => m.get(code)).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? null : xs.reduce((a, x) => a + x, 0) / xs.length;
    };
    for (const e of [...r.nonCouverts, ...r.partiellementCouverts]) {
      const s = score(e.code);
      expect(e.score === null ? null : e.score, e.code).toEqual(s === null ? null : expect.closeTo(s, 12));
      expect(e.composantes.map((c) => [c.indicateur, c.periode, c.valeur, c.rangPercentile])).toEqual(
        [...brutes].filter(([, b]) => b.valeurs.has(e.code)).map(([i, b]) => [i, b.periode, b.valeurs.get(e.code), expect.closeTo(rangsParIndicateur.get(i)!.get(e.code)!, 12)]),
      );
    }
    const popDe = new Map(duDep.map((e) => [e.code, e.population]));
    const ordre = [...r.nonCouverts].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || popDe.get(b.code)! - popDe.get(a.code)! || (a.code < b.code ? -1 : 1));
    expect(r.nonCouverts.map((e) => e.code)).toEqual(ordre.map((e) => e.code));
  });

  it('leaves a fully covered EPCI out of both lists, and cuts each list at the limit', async () => {
    const r = await session((s) => epciNonCouverts(s, fichiers, { date: '2023-06-01', departement: '78', limite: 2 }));
    expect([...r.nonCouverts, ...r.partiellementCouverts].map((e) => e.code)).not.toContain('247800584');
    expect(r.partiellementCouverts).toEqual([]);
    expect(r.nonCouverts.length).toBe(2);
    expect(r.totalNonCouverts).toBe(r.nbEpci - 1);
  });

  it('uses the indicators present and names the ones absent', async () => {
    const r = await session((s) => epciNonCouverts(s, fichiers, { date: '2023-06-01', region: '94', limite: 50, indicateurs: ['indicateur-inexistant', 'taux-pauvrete'] }));
    expect(r.perimetre).toEqual({ niveau: 'region', code: '94' });
    expect(r.indicateurs.absents).toEqual(['indicateur-inexistant']);
    expect(r.indicateurs.utilises.map((u) => u.indicateur)).toEqual(['taux-pauvrete']);
    for (const e of r.nonCouverts) expect(e.composantes.map((c) => c.indicateur)).toEqual(e.score === null ? [] : ['taux-pauvrete']);
    // Corse at 2023-06-01: only the Pays ajaccien is covered
    expect(r.nonCouverts.map((e) => e.code)).not.toContain('242010056');
    expect(r.totalNonCouverts).toBe(r.nbEpci - 1);
  });

  it.each([
    [{ date: '2023-13-01', limite: 10 }, 'date'],
    [{ date: '2023-06-01', limite: 0 }, 'limite'],
    [{ date: '2023-06-01', limite: 2.5 }, 'limite'],
    [{ date: '2023-06-01', limite: 10, departement: '2C' }, 'departement'],
    [{ date: '2023-06-01', limite: 10, region: 'ile' }, 'region'],
    [{ date: '2023-06-01', limite: 10, region: '11', departement: '78' }, 'region'],
    [{ date: '2023-06-01', limite: 10, indicateurs: [] }, 'indicateurs'],
  ])('refuses %j naming the parameter %s', async (options, parametre) => {
    const e = await session((s) => epciNonCouverts(s, fichiers, options as never)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ParametreInvalideError);
    expect((e as ParametreInvalideError).parametre).toBe(parametre);
  });

  it('says an unknown département is unknown', async () => {
    await expect(session((s) => epciNonCouverts(s, fichiers, { date: '2023-06-01', departement: '96', limite: 10 }))).rejects.toThrow(TerritoireInconnuError);
  });
});

// SYNTHETIC edge cases of the need score, which no real département shows in a controlled way:
// three EPCI of one département, tied values, a lone value, a missing value, no indicator file.
describe('need score edge cases (synthetic tables)', () => {
  let dir: string;
  let db: Db;
  let synth: FichiersCouverture;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'st-cls-'));
    db = await openDb({ workDir: dir, threads: 1, memoryLimit: null });
    synth = { registre: path.join(dir, 'registre.parquet'), territoires: path.join(dir, 'territoires.parquet'), indicateurs: path.join(dir, 'valeurs.parquet') };
    await db.run(`COPY (
      SELECT * FROM (VALUES
        ('epci', '200000001', 'A', '01', '84', NULL, 300, 'ok'),
        ('epci', '200000002', 'B', '01', '84', NULL, 200, 'ok'),
        ('epci', '200000003', 'C', '01', '84', NULL, 100, 'ok'),
        ('commune', '01001', 'a1', '01', '84', '200000001', 300, 'ok'),
        ('commune', '01002', 'b1', '01', '84', '200000002', 150, 'ok'),
        ('commune', '01003', 'b2', '01', '84', '200000002', 50, 'ok'),
        ('commune', '01004', 'c1', '01', '84', '200000003', 100, 'ok'),
        ('departement', '01', 'D', '01', '84', NULL, 600, 'ok')
      ) AS t(niveau, code, libelle, code_departement, code_region, code_epci, population, statut)
      ORDER BY niveau, code) TO ${sqlPath(synth.territoires)} (FORMAT parquet)`);
    await db.run(`COPY (
      SELECT 'CLS-01-X' AS code_cls, 'x' AS libelle, 1 AS generation, 'signe' AS statut, 1 AS version, DATE '2020-01-01' AS date_signature,
             DATE '2020-01-01' AS date_debut, NULL::DATE AS date_fin, 'commune' AS type_membre, '01003' AS code_membre, true AS exemple
    ) TO ${sqlPath(synth.registre)} (FORMAT parquet)`);
    await db.run(`COPY (
      SELECT * FROM (VALUES
        ('taux-pauvrete', 'epci', '200000001', '2021', 10.0),
        ('taux-pauvrete', 'epci', '200000002', '2021', 10.0),
        ('taux-pauvrete', 'epci', '200000003', '2021', 30.0),
        ('taux-pauvrete', 'epci', '200000003', '2019', 99.0),
        ('taux-mortalite-brute', 'epci', '200000002', '2013-2018', 9.0),
        ('taux-mortalite-brute', 'epci', '200000003', '2013-2018', NULL)
      ) AS t(indicateur, niveau, code, periode, valeur)
      ORDER BY ALL) TO ${sqlPath(synth.indicateurs as string)} (FORMAT parquet)`);
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shares the rank of ties, gives a lone value 0.5, scores on the components present, and reports them', async () => {
    const r = await db.session((s) => epciNonCouverts(s, synth, { date: '2024-01-01', limite: 10, indicateurs: ['taux-pauvrete', 'taux-mortalite-brute', 'part-population-zone-sous-dotee-infirmiers'] }));
    expect(r.indicateurs).toEqual({
      utilises: [
        { indicateur: 'taux-pauvrete', periode: '2021', nbEpci: 3 },
        { indicateur: 'taux-mortalite-brute', periode: '2013-2018', nbEpci: 1 },
      ],
      absents: ['part-population-zone-sous-dotee-infirmiers'],
    });
    // taux-pauvrete 2021: A and B tied at the bottom (ranks 1–2 → 0.25 each), C on top (1);
    // taux-mortalite-brute: B alone (0.5); C's NULL is no value.
    expect(r.nonCouverts.map((e) => [e.code, e.score, e.composantes.map((c) => [c.indicateur, c.rangPercentile])])).toEqual([
      ['200000003', 1, [['taux-pauvrete', 1]]],
      ['200000001', 0.25, [['taux-pauvrete', 0.25]]],
    ]);
    expect(r.partiellementCouverts.map((e) => [e.code, e.score, e.nbCommunesCouvertes, e.nbCommunes, e.populationCouverte, e.partPopulation])).toEqual([['200000002', 0.375, 1, 2, 50, 0.25]]);
  });

  it('without indicators: every indicator absent, no score, ranked by population', async () => {
    const r = await db.session((s) => epciNonCouverts(s, { ...synth, indicateurs: null }, { date: '2024-01-01', limite: 10 }));
    expect(r.indicateurs).toEqual({ utilises: [], absents: [...INDICATEURS_BESOIN] });
    expect(r.nonCouverts.map((e) => [e.code, e.score, e.composantes])).toEqual([
      ['200000001', null, []],
      ['200000003', null, []],
    ]);
  });

  it('before the CLS starts, nothing is covered', async () => {
    const r = await db.session((s) => couvertureCls(s, synth, { date: '2019-12-31', niveau: 'departement' }));
    expect(r.territoires.map((t) => [t.code, t.populationCouverte, t.nbCls])).toEqual([['01', 0, 0]]);
    const apres = await db.session((s) => couvertureCls(s, synth, { date: '2020-01-01', niveau: 'departement' }));
    expect(apres.territoires.map((t) => [t.code, t.populationCouverte, t.partPopulation, t.nbCommunesCouvertes, t.partCommunes])).toEqual([['01', 50, 50 / 600, 1, 0.25]]);
  });
});

describe('ingesting the registry: reimport and rejects leave the lake as it was', () => {
  let tmp: Awaited<ReturnType<typeof runtimeTemporaire>>;
  beforeAll(async () => {
    tmp = await runtimeTemporaire();
  });
  afterAll(async () => tmp.nettoyer());

  it('publishes the sample, then recognises the same bytes under another name as already there', async () => {
    const a = await ingererExtrait(tmp.runtime, { fichier: 'registre-cls.csv', bytes: enc(texte) });
    expect([a.statut, a.dataset, a.millesime]).toEqual(['publie', 'registre-cls', '2024']);
    const etat = await empreinteDossier(tmp.lakeDir);
    const b = await ingererExtrait(tmp.runtime, { fichier: 'registre-ars.csv', bytes: enc(texte) });
    expect(b.statut).toBe('inchange');
    expect(await empreinteDossier(tmp.lakeDir)).toEqual(etat);
  });

  it.each([
    ['an unknown commune', texte.replace(';commune;93048;', ';commune;93999;'), /registre-cls\.csv, ligne \d+, colonne 10 \(code_membre\) : commune « 93999 » inconnue/],
    ['overlapping versions', texte.replace('2022-06-20;2022-07-01;2027-06-30', '2022-06-20;2022-06-01;2027-06-30'), /colonne 7 \(date_debut\) : CLS-78-VGP : la version 2 commence le 2022-06-01/],
    ['a bad header', texte.replace('type_membre', 'type'), /ligne 1, colonne 9 \(type\) : en-tête invalide/],
  ])('rejects %s, the lake byte-identical', async (_nom, mauvais, message) => {
    const avant = await empreinteDossier(tmp.lakeDir);
    expect(Object.keys(avant).length).toBeGreaterThan(0);
    const e = await ingererExtrait(tmp.runtime, { fichier: 'registre-cls.csv', bytes: enc(mauvais) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SourceSchemaError);
    expect((e as Error).message).toMatch(message);
    expect(await empreinteDossier(tmp.lakeDir)).toEqual(avant);
  });
});
