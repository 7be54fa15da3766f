import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqlPath } from '../../functions/src/core/duckdb/duckdb.ts';
import { ParametreInvalideError } from '../../functions/src/core/errors.ts';
import { INDICATEURS } from '../../functions/src/core/indicateurs/registry.ts';
import { inegalitesTerritoire } from '../../functions/src/core/inegalites/inegalites.ts';
import type { Runtime } from '../../functions/src/core/runtime.ts';
import type { StatutIndicateur } from '../../functions/src/core/model/api-types.ts';
import { statutPublie } from '../../functions/src/core/model/statuts.ts';
import { certificats, inconnuesDeterminees, inconnuesEncadrees } from '../../functions/src/core/stats/secret-systeme.ts';
import { concentrationIndexGrouped, crudeRate, inequalityBetweenUnits, interdecileRatio, siiRii, wilsonInterval } from '../../functions/src/core/stats/index.ts';
import { DATA } from '../helpers/chemins.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// Verification of the indicator marts computed from the whole of data/ (shared lake of the
// integration project) against the producers' published values, the secrecy rules and the
// aggregation rules of methods.md. Every expected value is read from a file of data/ (parsed here,
// independently of the adapters) or recomputed with core/stats; none is typed in by hand.

let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let runtime: Runtime;
let lakeDir: string;
let manifeste: { marts: { territoires: { cle: string }; indicateurs: Record<string, { cle: string }> } };

const lireJson = <T>(fichier: string): T => JSON.parse(readFileSync(fichier, 'utf-8')) as T;
const mart = (id: string) => {
  const e = manifeste.marts.indicateurs[id];
  if (!e) throw new Error(`indicateur absent des marts : ${id}`);
  return sqlPath(path.join(lakeDir, e.cle));
};
const territoires = () => sqlPath(path.join(lakeDir, manifeste.marts.territoires.cle));
const q = <T extends Record<string, unknown>>(sql: string) => runtime.db.all<T>(sql);
/** Parquet of a lake dataset version, read through its manifest. */
const lac = (dataset: string, version: string) => {
  const m = lireJson<{ versions: Record<string, { cleParquet: string }> }>(path.join(lakeDir, 'lake', dataset, 'manifest.json'));
  const v = m.versions[version];
  if (!v) throw new Error(`${dataset} : version ${version} absente`);
  return sqlPath(path.join(lakeDir, v.cleParquet));
};
/** A French CSV of data/ (BOM, CRLF, `;`) as rows of cells. */
const csv = (...chemin: string[]) =>
  readFileSync(path.join(DATA, ...chemin), 'utf-8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.split(';'));
const nombreFr = (s: string) => Number(s.replace(',', '.'));
/** Σnum/Σden × multiplier, null without a positive denominator (methods.md §0). */
const taux = (num: number | null, den: number | null, multiplicateur: number) => (num !== null && den !== null && den > 0 ? (num / den) * multiplicateur : null);
const relatif = (a: number | null, b: number | null) => (a === null || b === null ? (a === b ? 0 : Infinity) : a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

beforeAll(async () => {
  lakeDir = inject('lacPartage').lakeDir;
  ctx = await runtimeLacPartage(lakeDir);
  runtime = ctx.runtime;
  manifeste = lireJson(path.join(lakeDir, 'marts', 'manifest.json'));
});
afterAll(async () => ctx.nettoyer());

describe('taux brut de mortalité 2013-2018 against the Observatoire des territoires', () => {
  it('holds only régions in data/ (départements and EPCI are not published there: nothing to compare them with yet)', () => {
    // When a département or EPCI file of the Observatoire is staged, this test must be extended to it.
    expect(readdirSync(path.join(DATA, 'observatoire-territoires')).sort()).toEqual(['PROVENANCE.md', 'insee_rp_evol_1968_region_2018.csv']);
  });

  it('matches every published régional value at one decimal (the exact set of exceptions is empty)', async () => {
    const [entete, ...lignes] = csv('observatoire-territoires', 'insee_rp_evol_1968_region_2018.csv');
    expect(entete).toEqual(['codgeo', 'libgeo', 'an', 'tx_morta']);
    const publies = new Map(lignes.filter((l) => l[2] === '2013-2018').map((l) => [l[0]!, l[3] === '' ? null : nombreFr(l[3]!)]));
    expect(publies.size).toBe(18);
    const calcules = new Map(
      (
        await q<{ code: string; valeur: number | null; origine: string }>(
          `SELECT code, valeur, origine FROM read_parquet(${mart('taux-mortalite-brute')}) WHERE niveau = 'region' AND periode = '2013-2018'`,
        )
      ).map((r) => [r.code, r]),
    );
    const ecarts: Array<{ code: string; publie: number | null; calcule: number | null }> = [];
    for (const [code, publie] of publies) {
      const c = calcules.get(code);
      // computed from the comparateur's counts, never the published value itself
      if (c) expect(c.origine).toBe('calcule');
      const arrondi = c?.valeur == null ? null : Math.round(c.valeur * 10) / 10;
      const egal = publie === null ? arrondi === null : arrondi !== null && Math.abs(arrondi - publie) < 1e-9;
      if (!egal) ecarts.push({ code, publie, calcule: c?.valeur ?? null });
    }
    expect(ecarts).toEqual([]);
  });
});

// Indicator → variable of the Filosofi lake datasets.
const FILOSOFI: Record<string, string> = {
  'niveau-vie-median': 'mediane-niveau-vie',
  'taux-pauvrete': 'taux-pauvrete',
  'rapport-interdecile': 'rapport-interdecile',
  'decile-1-niveau-vie': 'decile-1-niveau-vie',
  'decile-9-niveau-vie': 'decile-9-niveau-vie',
};
const NIVEAUX_PUBLIES = ['epci', 'departement', 'region'];

describe('Filosofi values published by INSEE are shown exactly as published', () => {
  it('equals the lake’s published EPCI, département and région values (DISP 2019, XLS 2015), origine publie', async () => {
    // EPCI values are shown as published only on today's perimeter: DISP 2019 EPCI whose communes
    // did not change since 2020; none of the XLS 2015 ones (COG 2016: no composition in data/ to
    // check them, and the 2017 reform redrew most EPCI)
    const changes = [...(await epciChangesDepuis2020())].map((c) => `'${c}'`).join(', ');
    const sources = [
      ...NIVEAUX_PUBLIES.map((n) => ({ dataset: 'filosofi-disp', fichier: lac('filosofi-disp', `2019/${n}`) })),
      { dataset: 'filosofi-xls', fichier: lac('filosofi-xls', '2015') },
    ];
    const publies = sources
      .map((s) => `SELECT '${s.dataset}' AS dataset, niveau, code, variable, periode, valeur, statut FROM read_parquet(${s.fichier}, hive_partitioning = false)`)
      .join(' UNION ALL ');
    for (const [id, variable] of Object.entries(FILOSOFI)) {
      const bilan = await q<{ attendus: number; trouves: number; ecarts: number; epci_non_repris: number; publies_mart: number }>(`
        WITH lac AS (
            SELECT p.*
            FROM (${publies}) AS p
            -- territories of the current geography only: the others cannot be shown
            JOIN read_parquet(${territoires()}) AS t ON t.niveau = p.niveau AND t.code = p.code
            WHERE p.variable = '${variable}' AND p.niveau IN ('epci', 'departement', 'region')
                AND NOT (p.niveau = 'epci' AND (p.dataset = 'filosofi-xls' OR p.code IN (${changes})))
        ),
        m AS (SELECT * FROM read_parquet(${mart(id)}) WHERE niveau IN ('epci', 'departement', 'region'))
        SELECT
            (SELECT count(*) FROM lac)::INTEGER AS attendus,
            count(m.code)::INTEGER AS trouves,
            -- every département and région value is shown as published; an EPCI may be shown as an
            -- approximation instead when the engine could not read its 2020 perimeter as today's
            -- (a commune merged or created since: stricter than the rule above)
            count(*) FILTER (WHERE (lac.niveau <> 'epci' AND (m.code IS NULL OR m.origine <> 'publie')) OR (m.origine = 'publie' AND (m.source <> lac.dataset OR m.statut <> lac.statut
                OR (lac.statut = 'ok' AND m.valeur IS DISTINCT FROM lac.valeur) OR (lac.statut <> 'ok' AND m.valeur IS NOT NULL))))::INTEGER AS ecarts,
            count(*) FILTER (WHERE lac.niveau = 'epci' AND m.origine IS DISTINCT FROM 'publie')::INTEGER AS epci_non_repris,
            (SELECT count(*) FROM m WHERE origine = 'publie')::INTEGER AS publies_mart
        FROM lac
        LEFT JOIN m ON m.niveau = lac.niveau AND m.code = lac.code AND m.periode = lac.periode`);
      const b = bilan[0]!;
      const [x] = await q<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${mart(id)}) WHERE niveau = 'epci' AND periode = '2015' AND origine = 'publie'`);
      expect({ id, epciPublies2015: x!.n }).toEqual({ id, epciPublies2015: 0 });
      // an EPCI not taken up has a row only where the indicator has an approximation (median)
      expect(b.trouves).toBeGreaterThanOrEqual(b.attendus - b.epci_non_repris);
      expect({ id, ...b }).toEqual({ id, attendus: b.attendus, trouves: b.trouves, ecarts: 0, epci_non_repris: b.epci_non_repris, publies_mart: b.attendus - b.epci_non_repris });
      // a few EPCI only (merged or created communes since 2020)
      expect(b.epci_non_repris).toBeLessThan(40);
      // the DISP files have no poverty rate; every other indicator has published rows at every level
      expect(b.attendus).toBeGreaterThan(id === 'taux-pauvrete' ? 100 : 1000);
    }
  });

  it('equals the raw DISP 2019 files parsed here for a handful of territories', async () => {
    const colonnes: Record<string, string> = { 'niveau-vie-median': 'Q219', 'decile-1-niveau-vie': 'D119', 'decile-9-niveau-vie': 'D919', 'rapport-interdecile': 'RD' };
    const choix: Array<[string, string, string[]]> = [
      ['epci', 'FILO2019_DISP_EPCI.csv', ['200000172', '200054781', '247800584']],
      ['departement', 'FILO2019_DISP_DEP.csv', ['2A', '78', '974']],
      ['region', 'FILO2019_DISP_REG.csv', ['11', '94']],
    ];
    let comparees = 0;
    for (const [niveau, fichier, codes] of choix) {
      const [entete, ...lignes] = csv('insee', 'filosofi', fichier);
      for (const code of codes) {
        const ligne = lignes.find((l) => l[0] === code);
        expect(ligne, `${fichier} ${code}`).toBeDefined();
        for (const [id, colonne] of Object.entries(colonnes)) {
          const attendu = nombreFr(ligne![entete!.indexOf(colonne)]!);
          const [r] = await q<{ valeur: number; origine: string }>(
            `SELECT valeur, origine FROM read_parquet(${mart(id)}) WHERE niveau = '${niveau}' AND code = '${code}' AND periode = '2019'`,
          );
          expect({ niveau, code, id, valeur: r?.valeur, origine: r?.origine }).toEqual({ niveau, code, id, valeur: attendu, origine: 'publie' });
          comparees++;
        }
      }
    }
    expect(comparees).toBe(32);
  });

  it('shows a published 2019 EPCI value only for an EPCI whose communes are those INSEE published it on (EPCI of 1 January 2020)', async () => {
    // DISP 2019 is on the COG 2020: its EPCI are those of data/insee/cog/EPCI_2020.csv (parsed
    // here). A commune of the current geography (found in both) that entered or left the EPCI
    // since makes the published value that of another perimeter: it must not be shown as the
    // current EPCI's (methods.md §1.2: an unpublished perimeter gets a flagged approximation).
    const changes = await epciChangesDepuis2020();
    for (const id of ['niveau-vie-median', 'rapport-interdecile']) {
      const publies = await q<{ code: string }>(`SELECT code FROM read_parquet(${mart(id)}) WHERE niveau = 'epci' AND periode = '2019' AND origine = 'publie' ORDER BY code`);
      expect(publies.length).toBeGreaterThan(1000);
      expect({ id, perimetreChange: publies.map((p) => p.code).filter((c) => changes.has(c)) }).toEqual({ id, perimetreChange: [] });
    }
  });

  it('flags every value computed for an unpublished perimeter (CLS, EPCI of another year…) as an approximation', async () => {
    for (const id of Object.keys(FILOSOFI)) {
      const [r] = await q<{ calcules: number; sans_approximation: number; cls_publies: number }>(`
        SELECT
            count(*) FILTER (WHERE origine = 'calcule' AND valeur IS NOT NULL)::INTEGER AS calcules,
            count(*) FILTER (WHERE origine = 'calcule' AND valeur IS NOT NULL AND approximation IS NULL)::INTEGER AS sans_approximation,
            count(*) FILTER (WHERE niveau = 'cls' AND origine = 'publie')::INTEGER AS cls_publies
        FROM read_parquet(${mart(id)})
        WHERE niveau <> 'commune'`);
      expect({ id, sans_approximation: r!.sans_approximation, cls_publies: r!.cls_publies }).toEqual({ id, sans_approximation: 0, cls_publies: 0 });
      // medians and poverty rates have a flagged approximation; deciles and ratios none (never averaged)
      if (id === 'niveau-vie-median' || id === 'taux-pauvrete') expect(r!.calcules).toBeGreaterThan(0);
      else expect(r!.calcules).toBe(0);
    }
  });
});

/**
 * EPCI whose communes changed since 1 January 2020 (the geography of DISP 2019), from
 * data/insee/cog/EPCI_2020.csv parsed here: a commune of the current geography found in both whose
 * EPCI differs makes both its EPCI then and its EPCI now "changed".
 */
async function epciChangesDepuis2020(): Promise<Set<string>> {
  const [entete, ...lignes] = csv('insee', 'cog', 'EPCI_2020.csv');
  const epci2020 = new Map(lignes.filter((l) => l.length > 2).map((l) => [l[entete!.indexOf('CODGEO')]!, l[entete!.indexOf('EPCI')]!]));
  const communes = await q<{ code: string; code_epci: string | null }>(`SELECT code, code_epci FROM read_parquet(${territoires()}) WHERE niveau = 'commune'`);
  const changes = new Set<string>();
  for (const c of communes) {
    const avant = epci2020.get(c.code);
    if (avant === undefined || avant === c.code_epci) continue;
    if (c.code_epci) changes.add(c.code_epci);
    changes.add(avant);
  }
  return changes;
}

const SANTE = INDICATEURS.filter((i) => i.definition.secret === 'sante').map((i) => i.definition.id);

/** CLS perimeters of the registry of data/ (parsed here): '<id>.v<n>' and '<id>' (latest version). */
async function creerMembresCls(s: Parameters<Parameters<Runtime['db']['session']>[0]>[0]): Promise<void> {
  const [entete, ...lignes] = csv('registre-cls', 'registre-cls.csv');
  const col = (nom: string) => entete!.indexOf(nom);
  await s.run('CREATE OR REPLACE TEMP TABLE registre (code_cls VARCHAR, version INTEGER, type_membre VARCHAR, code_membre VARCHAR)');
  await s.append(
    'registre',
    lignes.filter((l) => l.length > 1).map((l) => [l[col('code_cls')]!, Number(l[col('version')]), l[col('type_membre')]!, l[col('code_membre')]!]),
  );
  await s.run(`CREATE OR REPLACE TEMP TABLE membres_cls AS
    WITH m AS (
        SELECT DISTINCT r.code_cls, r.version, t.code AS code_commune
        FROM registre AS r
        JOIN read_parquet(${territoires()}) AS t
            ON t.niveau = 'commune' AND (t.code = r.code_membre OR (r.type_membre = 'epci' AND t.code_epci = r.code_membre))
    )
    SELECT code_cls || '.v' || version AS code, code_commune FROM m
    UNION ALL
    SELECT code_cls, code_commune FROM m WHERE version = (SELECT max(version) FROM registre AS r WHERE r.code_cls = m.code_cls)`);
}

describe('published-only values (medians, deciles, Gini…) where the producer published none', () => {
  it('are « non publié », never « secret » because of the communes they are never computed from', async () => {
    const ids = INDICATEURS.filter((i) => i.definition.methode === 'publie' && i.definition.approximation === 'aucune').map((i) => i.definition.id);
    expect(ids).toContain('rapport-interdecile');
    const ecarts: Array<{ id: string; statut: string; n: number }> = [];
    for (const id of ids) {
      const lignes = await q<{ statut: string; n: number; valeurs: number }>(`
        SELECT statut, count(*)::INTEGER AS n, count(valeur)::INTEGER AS valeurs
        FROM read_parquet(${mart(id)})
        WHERE niveau <> 'commune' AND origine = 'calcule'
        GROUP BY ALL`);
      for (const l of lignes) if (l.statut !== 'non_publie' || l.valeurs > 0) ecarts.push({ id, statut: l.statut, n: l.n });
    }
    expect(ecarts).toEqual([]);
  });
});

describe('units of published values', () => {
  it('are the units the source states (as the adapters read them into the lake)', () => {
    // the lake's unit of a variable, written as the registry writes units
    const commeRegistre: Record<string, string> = { 'pour 1 000 habitants': '‰', 'pour 1 000 habitants par an': '‰', 'pour 100 000 habitants': 'pour 100 000', ans: 'années', '€': '€ par an', rapport: 'ratio' };
    const ecarts: Array<{ id: string; variable: string; registre: string; source: string }> = [];
    const unites = new Map<string, Set<string>>();
    const lues: string[] = [];
    for (const i of INDICATEURS) {
      for (const r of i.requetes) {
        const { dataset, variable, facteur } = r.parametres as { dataset?: string; variable?: string; facteur?: number };
        if (typeof dataset !== 'string' || typeof variable !== 'string' || !('niveaux' in r.parametres) || facteur !== 1) continue;
        const cle = `${dataset}/${variable}`;
        if (!unites.has(cle)) {
          const m = lireJson<{ versions: Record<string, { variables?: Array<{ id: string; unite?: string }> }> }>(path.join(lakeDir, 'lake', dataset, 'manifest.json'));
          unites.set(cle, new Set(Object.values(m.versions).flatMap((v) => (v.variables ?? []).filter((x) => x.id === variable && x.unite).map((x) => commeRegistre[x.unite!] ?? x.unite!))));
        }
        for (const u of unites.get(cle)!) {
          lues.push(i.definition.id);
          if (u !== i.definition.unite) ecarts.push({ id: i.definition.id, variable, registre: i.definition.unite, source: u });
        }
      }
    }
    expect(ecarts).toEqual([]);
    expect(lues).toContain('taux-standardise-mortalite-prematuree');
    expect(lues).toContain('taux-standardise-mortalite');
  });
});

describe('secrecy of health counts (methods.md §9)', () => {
  it('has health indicators to check', () => {
    expect(SANTE).toContain('taux-mortalite-brute');
  });

  it('never leaves a value, a count or an interval on a masked row', async () => {
    for (const id of SANTE) {
      const [r] = await q<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM read_parquet(${mart(id)})
         WHERE statut LIKE 'masque%' AND (valeur IS NOT NULL OR numerateur IS NOT NULL OR ic_bas IS NOT NULL OR ic_haut IS NOT NULL
             -- the interval method (exact under 10, Byar from 10) and the reliability flag (under 20) would tell the count apart
             OR methode_ic IS NOT NULL OR fiabilite IS NOT NULL)`,
      );
      expect({ id, n: r!.n }).toEqual({ id, n: 0 });
    }
  });

  it('never chooses a commune of 0 deaths as secondary mask (it would protect nothing)', async () => {
    const m = lireJson<{ harmonisations: Record<string, { dataset: string; cle: string }> }>(path.join(lakeDir, 'marts', 'manifest.json'));
    const comparateur = Object.values(m.harmonisations).filter((h) => h.dataset === 'comparateur');
    expect(comparateur.length).toBe(1);
    const lignes = await q<{ code: string; deces: number | null }>(`
      WITH deces AS (
          SELECT code_commune AS code, sum(valeur) AS deces
          FROM read_parquet(${sqlPath(path.join(lakeDir, comparateur[0]!.cle))})
          WHERE variable = 'deces' AND periode = '2013-2018' AND code_commune IS NOT NULL
          GROUP BY ALL
      )
      SELECT t.code, d.deces
      FROM read_parquet(${mart('taux-mortalite-brute')}) AS t
      LEFT JOIN deces AS d USING (code)
      WHERE t.niveau = 'commune' AND t.periode = '2013-2018' AND t.statut = 'masque_secondaire'
      ORDER BY t.code`);
    expect(lignes.length).toBeGreaterThan(100);
    expect(lignes.filter((l) => l.deces === null || l.deces < 11)).toEqual([]);
  });

  it('masks the natural and migratory balances wherever the deaths are masked: births − natural balance would give them back', async () => {
    const lies = INDICATEURS.filter((i) => i.definition.masqueAvec.includes('taux-mortalite-brute')).map((i) => i.definition.id).sort();
    expect(lies).toEqual(['taux-variation-solde-migratoire', 'taux-variation-solde-naturel']);
    for (const id of lies) {
      const [r] = await q<{ masques: number; non_suivis: number; chiffres: number; complementaires: number }>(`
        SELECT
            count(*)::INTEGER AS masques,
            count(*) FILTER (WHERE l.statut NOT LIKE 'masque%')::INTEGER AS non_suivis,
            count(*) FILTER (WHERE l.valeur IS NOT NULL OR l.numerateur IS NOT NULL OR l.methode_ic IS NOT NULL)::INTEGER AS chiffres,
            count(*) FILTER (WHERE l.statut = 'masque_complementaire')::INTEGER AS complementaires
        FROM read_parquet(${mart('taux-mortalite-brute')}) AS d
        JOIN read_parquet(${mart(id)}) AS l USING (niveau, code, periode)
        WHERE d.statut LIKE 'masque%'`);
      expect(r!.masques).toBeGreaterThan(1000);
      expect({ id, non_suivis: r!.non_suivis, chiffres: r!.chiffres, complementaires: r!.complementaires }).toEqual({ id, non_suivis: 0, chiffres: 0, complementaires: r!.masques });
    }
    // the attack itself: a commune whose deaths are masked, with births and natural balance both served
    const [attaque] = await q<{ n: number }>(`
      SELECT count(*)::INTEGER AS n
      FROM read_parquet(${mart('taux-mortalite-brute')}) AS d
      JOIN read_parquet(${mart('taux-natalite')}) AS nat USING (niveau, code, periode)
      JOIN read_parquet(${mart('taux-variation-solde-naturel')}) AS sn USING (niveau, code, periode)
      WHERE d.statut LIKE 'masque%' AND nat.numerateur IS NOT NULL AND sn.numerateur IS NOT NULL`);
    expect(attaque!.n).toBe(0);
  });

  it('shows no commune count from 1 to 10', async () => {
    for (const id of SANTE) {
      const [r] = await q<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${mart(id)}) WHERE niveau = 'commune' AND numerateur > 0 AND numerateur < 11`);
      expect({ id, n: r!.n }).toEqual({ id, n: 0 });
    }
  });

  it('never leaves one masked commune alone among counted communes of a territory (EPCI, département, région, France, CLS)', async () => {
    const masquees = await runtime.db.session(async (s) => {
      await creerMembresCls(s);
      const [{ n } = { n: 0 }] = await s.all<{ n: number }>('SELECT count(DISTINCT code)::INTEGER AS n FROM membres_cls');
      expect(n).toBeGreaterThan(0);
      const seules: Array<{ indicateur: string; periode: string; niveau: string; code: string }> = [];
      for (const id of SANTE) {
        seules.push(
          ...(await s.all<{ indicateur: string; periode: string; niveau: string; code: string }>(`
            WITH c AS (
                SELECT m.indicateur, m.periode, m.code, m.statut LIKE 'masque%' AS masque, m.numerateur IS NOT NULL AS compte
                FROM read_parquet(${mart(id)}) AS m
                WHERE m.niveau = 'commune'
            ),
            parents AS (
                SELECT code, 'epci' AS niveau, code_epci AS parent FROM read_parquet(${territoires()}) WHERE niveau = 'commune' AND code_epci IS NOT NULL
                UNION ALL SELECT code, 'departement', code_departement FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
                UNION ALL SELECT code, 'region', code_region FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
                UNION ALL SELECT code, 'france', 'FR' FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
                UNION ALL SELECT code_commune, 'cls', code FROM membres_cls
            )
            SELECT c.indicateur, c.periode, p.niveau, p.parent AS code
            FROM c
            JOIN parents AS p USING (code)
            GROUP BY ALL
            HAVING count(*) FILTER (WHERE masque) = 1 AND count(*) FILTER (WHERE compte) >= 1
            ORDER BY ALL`)),
        );
      }
      return seules;
    });
    expect(masquees).toEqual([]);
  });

  it('leaves no masked count from 1 to 10 that a combination of all published totals gives back, nor one a total or a determined sum shows under 11 (system-wide, ADR 0013 revision 3)', async () => {
    // The attacker's system, built here from what is published (the marts' counts and statuts,
    // the geography, the CLS registry of data/), not from the engine's own tables: unknowns are
    // the masked communes and, per département whose published total is not the sum of its
    // communes' true counts, what it holds beyond them; equations are the published totals. The
    // rank test (stats/secret-systeme.ts) is checked against exact rational elimination in
    // tests/unit/stats/secret-systeme.test.ts. True counts come from the harmonised comparateur.
    const m = lireJson<{ harmonisations: Record<string, { dataset: string; cle: string }> }>(path.join(lakeDir, 'marts', 'manifest.json'));
    const comparateur = Object.values(m.harmonisations).find((h) => h.dataset === 'comparateur')!;
    const retrouves: string[] = [];
    let verifiees = 0;
    await runtime.db.session(async (s) => {
      await creerMembresCls(s);
      const parents = await s.all<{ code: string; niveau: string; parent: string }>(`
        SELECT code, 'epci' AS niveau, code_epci AS parent FROM read_parquet(${territoires()}) WHERE niveau = 'commune' AND code_epci IS NOT NULL
        UNION ALL SELECT code, 'departement', code_departement FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
        UNION ALL SELECT code, 'region', code_region FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
        UNION ALL SELECT code, 'france', 'FR' FROM read_parquet(${territoires()}) WHERE niveau = 'commune'
        UNION ALL SELECT code_commune, 'cls', code FROM membres_cls`);
      const membres = new Map<string, string[]>();
      for (const p of parents) {
        const l = membres.get(`${p.niveau}/${p.parent}`);
        if (l) l.push(p.code);
        else membres.set(`${p.niveau}/${p.parent}`, [p.code]);
      }
      const regionDe = new Map(parents.filter((p) => p.niveau === 'region').map((p) => [p.code, p.parent]));
      const regionDuDep = new Map(parents.filter((p) => p.niveau === 'departement').map((p) => [p.parent, regionDe.get(p.code)]));
      const depDe = new Map(parents.filter((p) => p.niveau === 'departement').map((p) => [p.code, p.parent]));
      const verites = new Map(
        (await s.all<{ code: string; n: number }>(`SELECT code_commune AS code, sum(valeur) AS n FROM read_parquet(${sqlPath(path.join(lakeDir, comparateur.cle))})
           WHERE variable = 'deces' AND periode = '2013-2018' AND code_commune IS NOT NULL GROUP BY ALL`)).map((r) => [r.code, r.n]),
      );
      const lignes = await s.all<{ niveau: string; code: string; masque: boolean; n: number | null }>(
        `SELECT niveau, code, statut LIKE 'masque%' AS masque, numerateur AS n FROM read_parquet(${mart('taux-mortalite-brute')}) WHERE periode = '2013-2018'`,
      );
      const communes = new Map(lignes.filter((l) => l.niveau === 'commune' && (l.masque || l.n !== null)).map((l) => [l.code, l]));
      const masquees = [...communes.values()].filter((c) => c.masque).map((c) => c.code);
      const indice = new Map(masquees.map((c, j) => [c, j]));
      const restes = new Map<string, number>();
      let n = masquees.length;
      const equations: number[][] = [];
      const seconds: number[] = [];
      const bornes = masquees.map(() => 1);
      // what whoever solves the system learns of a determined unknown: its value
      const valeurs = masquees.map((c) => verites.get(c) ?? 0);
      // départements holding counts beyond their communes' (département bricks, codes outside the COG)
      for (const l of lignes) {
        if (l.niveau !== 'departement' || l.n === null) continue;
        const somme = (membres.get(`departement/${l.code}`) ?? []).reduce((x, c) => x + (communes.has(c) ? (verites.get(c) ?? 0) : 0), 0);
        // (sums of doubles: equal up to rounding)
        if (Math.abs(somme - l.n) > 1e-6) {
          restes.set(l.code, n++);
          bornes.push(0);
          valeurs.push(l.n - somme);
        }
      }
      for (const l of lignes) {
        if (l.niveau === 'commune' || l.masque || l.n === null) continue;
        const e: number[] = [];
        let connu = 0;
        for (const c of membres.get(`${l.niveau}/${l.code}`) ?? []) {
          const j = indice.get(c);
          if (j !== undefined) e.push(j);
          else connu += communes.get(c)?.n ?? 0;
        }
        for (const [d, j] of restes) {
          const dedans = l.niveau === 'france' || (l.niveau === 'departement' && l.code === d) || (l.niveau === 'region' && regionDuDep.get(d) === l.code);
          if (dedans) e.push(j);
        }
        // below the département (EPCI, CLS), a total above its communes' holds a split commune's
        // counts (all its successors inside): its département's unknown, which must then be those counts alone
        if (l.niveau === 'epci' || l.niveau === 'cls') {
          const membresT = membres.get(`${l.niveau}/${l.code}`) ?? [];
          const ecart = l.n - membresT.reduce((x, c) => x + (communes.has(c) ? (verites.get(c) ?? 0) : 0), 0);
          if (Math.abs(ecart) > 1e-6) {
            const d = depDe.get(membresT[0]!)!;
            expect(restes.has(d), `${l.niveau}/${l.code}`).toBe(true);
            expect(ecart, `${l.niveau}/${l.code}`).toBeCloseTo(valeurs[restes.get(d)!]!, 6);
            e.push(restes.get(d)!);
          }
        }
        equations.push(e);
        seconds.push(l.n - connu);
      }
      const systeme = { inconnues: n, equations };
      const lineaires = inconnuesDeterminees(systeme);
      // (and no single total shows a masked count to be under 11)
      const bornees = inconnuesEncadrees(systeme, seconds, bornes, { determinees: lineaires, valeurs, valeursMin: 11 });
      for (const [j, c] of masquees.entries()) {
        const vrai = verites.get(c) ?? 0;
        if (vrai < 1 || vrai > 10) continue;
        verifiees++;
        if (lineaires[j] || bornees[j] !== null) retrouves.push(`${c} = ${vrai}`);
      }
      // masked communes in exactly the same totals are seen only through their sum: a determined
      // sum S of k counts leaves each at most S − k + 1, which must not be under 11
      const signatures = new Map<string, number[]>();
      const dans: number[][] = Array.from({ length: n }, () => []);
      for (const [i, e] of equations.entries()) for (const j of e) dans[j]!.push(i);
      for (let j = 0; j < masquees.length; j++) {
        const cle = dans[j]!.join(',');
        signatures.set(cle, [...(signatures.get(cle) ?? []), j]);
      }
      const groupes = [...signatures.values()].filter((g) => g.length > 1 && g.some((j) => valeurs[j]! >= 1 && valeurs[j]! <= 10));
      expect(groupes.length).toBeGreaterThan(100);
      const { sommes } = certificats(systeme, [], groupes);
      for (const [g, groupe] of groupes.entries()) {
        const somme = groupe.reduce((x, j) => x + valeurs[j]!, 0);
        if (sommes[g] !== null && somme - groupe.length + 1 < 11) retrouves.push(`${groupe.map((j) => masquees[j]).join(' + ')} = ${somme}`);
      }
    });
    expect(verifiees).toBeGreaterThan(10000);
    expect(retrouves).toEqual([]);
  });

  it('gives no standardised rate under 10 events and flags those under 20', async () => {
    const ids = INDICATEURS.filter((i) => i.definition.methode === 'taux-standardise' || i.definition.id.startsWith('taux-standardise-')).map((i) => i.definition.id);
    expect(ids).toContain('taux-standardise-mortalite-ors');
    for (const id of ids) {
      const [r] = await q<{ sous_10: number; non_signales: number }>(`
        SELECT
            count(*) FILTER (WHERE numerateur < 10 AND (valeur IS NOT NULL OR ic_bas IS NOT NULL OR ic_haut IS NOT NULL))::INTEGER AS sous_10,
            count(*) FILTER (WHERE numerateur < 20 AND fiabilite IS DISTINCT FROM 'petits_effectifs')::INTEGER AS non_signales
        FROM read_parquet(${mart(id)})`);
      expect({ id, ...r }).toEqual({ id, sous_10: 0, non_signales: 0 });
    }
  });
});

describe('aggregation: counts summed over communes, rates recomputed (methods.md §1.1)', () => {
  /** EPCI rows of an indicator beside the sums of their communes' rows (territories mart's code_epci). */
  const sommesEpci = (id: string, periode: string) =>
    q<{ code: string; numerateur: number | null; denominateur: number | null; valeur: number | null; s_num: number | null; s_den: number | null; masquees: number }>(`
      WITH c AS (
          SELECT t.code_epci, m.numerateur, m.denominateur, m.statut
          FROM read_parquet(${mart(id)}) AS m
          JOIN read_parquet(${territoires()}) AS t ON t.niveau = 'commune' AND t.code = m.code
          WHERE m.niveau = 'commune' AND m.periode = '${periode}'
      ),
      s AS (
          SELECT code_epci AS code, sum(numerateur) AS s_num, sum(denominateur) AS s_den, (count(*) FILTER (WHERE statut LIKE 'masque%'))::INTEGER AS masquees
          FROM c
          GROUP BY 1
      )
      SELECT e.code, e.numerateur, e.denominateur, e.valeur, s.s_num, s.s_den, s.masquees
      FROM read_parquet(${mart(id)}) AS e
      JOIN s USING (code)
      WHERE e.niveau = 'epci' AND e.periode = '${periode}'
      ORDER BY e.code`);

  /**
   * Communes split since the comparateur's geography (codes the harmonised comparateur could not
   * place, rétablissements of the COG mouvements of data/, read here): split code → the EPCI
   * holding all its successors, and its département.
   */
  const scissions = async () => {
    const m = lireJson<{ harmonisations: Record<string, { dataset: string; cle: string }> }>(path.join(lakeDir, 'marts', 'manifest.json'));
    const comparateur = Object.values(m.harmonisations).find((h) => h.dataset === 'comparateur')!;
    return q<{ code: string; epci: string; departement: string }>(`
      WITH non_places AS (
          SELECT DISTINCT codes_source AS code FROM read_parquet(${sqlPath(path.join(lakeDir, comparateur.cle))}) WHERE code_commune IS NULL
      ),
      s AS (
          SELECT DISTINCT COM_AV AS code, COM_AP AS successeur
          FROM read_csv(${sqlPath(path.join(DATA, 'insee', 'cog', '2026', 'mouvements-communes.csv'))}, header = true, all_varchar = true)
          WHERE MOD = '21' AND TYPECOM_AV = 'COM' AND TYPECOM_AP = 'COM' AND COM_AV IN (SELECT code FROM non_places)
      )
      SELECT s.code, any_value(t.code_epci) AS epci, any_value(t.code_departement) AS departement
      FROM s
      JOIN read_parquet(${territoires()}) AS t ON t.niveau = 'commune' AND t.code = s.successeur
      GROUP BY s.code
      HAVING count(DISTINCT t.code_epci) = 1
      ORDER BY s.code`);
  };

  it('a split commune’s counts reach the EPCI holding all its successors, as they reach its département (Essarts-en-Bocage, 2024)', async () => {
    const s = await scissions();
    expect(s.map((x) => x.code)).toEqual(expect.arrayContaining(['85084']));
    for (const id of ['taux-chomage', 'taux-mortalite-brute']) {
      const periode = id === 'taux-chomage' ? '2018' : '2013-2018';
      const epci = new Map((await sommesEpci(id, periode)).map((l) => [l.code, l]));
      const ecartsDep = new Map(
        (
          await q<{ code: string; ecart: number; couverture: number; statut: string }>(`
            SELECT d.code, d.denominateur - sum(c.denominateur) AS ecart, any_value(d.couverture) AS couverture, any_value(d.statut) AS statut
            FROM read_parquet(${mart(id)}) AS d
            JOIN read_parquet(${territoires()}) AS t ON t.niveau = 'commune' AND t.code_departement = d.code
            JOIN read_parquet(${mart(id)}) AS c ON c.niveau = 'commune' AND c.code = t.code AND c.periode = d.periode
            WHERE d.niveau = 'departement' AND d.periode = '${periode}'
            GROUP BY d.code, d.denominateur`)
        ).map((l) => [l.code, l]),
      );
      for (const x of s) {
        const e = epci.get(x.epci)!;
        const d = ecartsDep.get(x.departement)!;
        // the département holds the split commune's counts beyond its communes', and the EPCI the same
        expect(d.ecart, `${id} ${x.code}`).toBeGreaterThan(0);
        expect(relatif(e.denominateur! - e.s_den!, d.ecart), `${id} ${x.code} ${x.epci}`).toBeLessThan(1e-9);
        // both complete: the successors' population is covered
        expect([d.couverture, d.statut]).toEqual([1, 'ok']);
      }
      const [e85] = await q<{ statut: string; couverture: number }>(`SELECT statut, couverture FROM read_parquet(${mart(id)}) WHERE niveau = 'epci' AND code = '${s.find((x) => x.code === '85084')!.epci}' AND periode = '${periode}'`);
      expect(e85).toEqual({ statut: 'ok', couverture: 1 });
    }
  });

  it('population municipale: an EPCI’s count is the sum of its communes’', async () => {
    const lignes = await sommesEpci('population-municipale', '2023');
    // every EPCI with inhabitants (Mayotte's communes are absent from the populations légales file)
    const [{ n } = { n: 0 }] = await q<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${territoires()}) WHERE niveau = 'epci' AND population IS NOT NULL`);
    expect(lignes.length).toBe(n);
    expect(n).toBeGreaterThan(1200);
    expect(lignes.filter((l) => l.numerateur !== l.s_num || l.valeur !== l.numerateur)).toEqual([]);
  });

  it('taux de chômage: numerator and denominator summed, rate = Σnum/Σden × 100', async () => {
    // (the EPCI holding a split commune's successors hold its counts too: tested above)
    const avecScission = new Set((await scissions()).map((x) => x.epci));
    const lignes = (await sommesEpci('taux-chomage', '2018')).filter((l) => !avecScission.has(l.code));
    expect(lignes.length).toBeGreaterThan(1200);
    const ecarts = lignes.filter(
      (l) => relatif(l.numerateur, l.s_num) > 1e-9 || relatif(l.denominateur, l.s_den) > 1e-9 || relatif(l.valeur, taux(l.s_num, l.s_den, 100)) > 1e-9,
    );
    expect(ecarts).toEqual([]);
  });

  it('taux brut de mortalité: person-years summed everywhere, deaths wherever no commune is masked', async () => {
    const avecScission = new Set((await scissions()).map((x) => x.epci));
    const lignes = (await sommesEpci('taux-mortalite-brute', '2013-2018')).filter((l) => !avecScission.has(l.code));
    expect(lignes.length).toBeGreaterThan(1200);
    expect(lignes.filter((l) => relatif(l.denominateur, l.s_den) > 1e-9)).toEqual([]);
    const completes = lignes.filter((l) => l.masquees === 0);
    expect(completes.length).toBeGreaterThan(100);
    expect(completes.filter((l) => relatif(l.numerateur, l.s_num) > 1e-9 || relatif(l.valeur, taux(l.s_num, l.s_den, 1000)) > 1e-9)).toEqual([]);
  });

  it('Wilson, exact and Byar intervals equal core/stats to 1e-9 relative', async () => {
    const lignes = await q<{ indicateur: string; niveau: string; code: string; numerateur: number; denominateur: number; ic_bas: number; ic_haut: number; methode_ic: string }>(`
      (SELECT indicateur, niveau, code, numerateur, denominateur, ic_bas, ic_haut, methode_ic FROM read_parquet(${mart('taux-chomage')})
       WHERE niveau IN ('commune', 'epci') AND numerateur IS NOT NULL AND denominateur > 0 ORDER BY denominateur, code LIMIT 5)
      UNION ALL
      (SELECT indicateur, niveau, code, numerateur, denominateur, ic_bas, ic_haut, methode_ic FROM read_parquet(${mart('taux-chomage')})
       WHERE niveau IN ('departement', 'region', 'france') ORDER BY niveau, code LIMIT 5)
      UNION ALL
      (SELECT indicateur, niveau, code, numerateur, denominateur, ic_bas, ic_haut, methode_ic FROM read_parquet(${mart('taux-mortalite-brute')})
       WHERE periode = '2013-2018' AND numerateur < 10 AND denominateur > 0 ORDER BY numerateur DESC, code LIMIT 5)
      UNION ALL
      (SELECT indicateur, niveau, code, numerateur, denominateur, ic_bas, ic_haut, methode_ic FROM read_parquet(${mart('taux-mortalite-brute')})
       WHERE periode = '2013-2018' AND numerateur >= 10 ORDER BY numerateur, code LIMIT 5)
      UNION ALL
      (SELECT indicateur, niveau, code, numerateur, denominateur, ic_bas, ic_haut, methode_ic FROM read_parquet(${mart('taux-mortalite-brute')})
       WHERE periode = '2013-2018' AND niveau = 'epci' AND numerateur IS NOT NULL ORDER BY code LIMIT 5)
      ORDER BY ALL`);
    expect(new Set(lignes.map((l) => l.methode_ic))).toEqual(new Set(['Wilson', 'Exact', 'Byar']));
    expect(lignes.length).toBe(25);
    for (const l of lignes) {
      const attendu =
        l.methode_ic === 'Wilson'
          ? (({ lower, upper }) => ({ bas: lower! * 100, haut: upper! * 100, methode: 'Wilson' }))(wilsonInterval(l.numerateur, l.denominateur))
          : (({ lower, upper, method }) => ({ bas: lower, haut: upper, methode: method }))(crudeRate(l.numerateur, l.denominateur, { multiplier: 1000 }));
      expect({ code: l.code, methode: l.methode_ic }).toEqual({ code: l.code, methode: attendu.methode });
      expect(relatif(l.ic_bas, attendu.bas), `${l.indicateur} ${l.niveau} ${l.code} bas`).toBeLessThanOrEqual(1e-9);
      expect(relatif(l.ic_haut, attendu.haut), `${l.indicateur} ${l.niveau} ${l.code} haut`).toBeLessThanOrEqual(1e-9);
    }
  });
});

describe('inequalities between the communes of a real département (Yvelines)', () => {
  const args = () => ({
    fichierIndicateur: path.join(lakeDir, manifeste.marts.indicateurs['taux-mortalite-brute']!.cle),
    fichierProxy: path.join(lakeDir, manifeste.marts.indicateurs['niveau-vie-median']!.cle),
    fichierTerritoires: path.join(lakeDir, manifeste.marts.territoires.cle),
    niveau: 'departement',
    code: '78',
  });

  it('equals core/stats called on the communes’ rows, and the quintile sums computed here in SQL', async () => {
    const r = await runtime.db.session((s) => inegalitesTerritoire(s, args()));
    expect(r.indicateur.periode).toBe('2013-2018');
    const communes = await q<{ code: string; population: number | null; valeur: number | null; numerateur: number | null; denominateur: number | null; statut: string | null }>(`
      SELECT t.code, t.population::DOUBLE AS population, m.valeur, m.numerateur, m.denominateur, m.statut
      FROM read_parquet(${territoires()}) AS t
      LEFT JOIN read_parquet(${mart('taux-mortalite-brute')}) AS m ON m.niveau = 'commune' AND m.code = t.code AND m.periode = '2013-2018'
      WHERE t.niveau = 'commune' AND t.code_departement = '78'
      ORDER BY t.code`);
    const avec = communes.filter((c) => c.valeur !== null && c.population !== null && c.population > 0);
    expect(r.communes.total).toBe(communes.length);
    expect(r.communes.utilisees).toBe(avec.length);
    const exclues: Record<string, number> = {};
    // (as published: a secondary mask reads as a primary one, ADR 0013 revision 2)
    for (const c of communes.filter((c) => c.valeur === null)) {
      const statut = statutPublie((c.statut ?? 'absent') as StatutIndicateur);
      exclues[statut] = (exclues[statut] ?? 0) + 1;
    }
    expect(r.communes.exclues).toEqual(exclues);
    expect(Object.keys(exclues).length).toBeGreaterThan(0); // masked communes are reported, not silently dropped

    const valeurs = avec.map((c) => c.valeur!);
    const poids = avec.map((c) => c.population!);
    const d = interdecileRatio(valeurs, poids, 'weighted_quantile_step');
    const i = inequalityBetweenUnits(valeurs, poids);
    expect(r.distribution).toMatchObject({ n: avec.length, d1: d.d1, d9: d.d9, rapportD9D1: d.ratio, gini: i.gini, theilT: i.theilT, theilL: i.theilL, cv: i.cv, moyennePonderee: i.weightedMean });

    // Quintiles of population by median niveau de vie (latest Filosofi period ≤ 2018: 2016),
    // midpoint rule, computed in SQL independently of the module.
    expect(r.gradient?.proxy).toEqual({ indicateur: 'niveau-vie-median', libelle: 'Quintiles du niveau de vie médian des communes (proxy de défavorisation, pas l’indice FDep)', periode: '2016' });
    const quintiles = await q<{ quintile: number; numerateur: number; denominateur: number; population: number }>(`
      WITH p AS (
          SELECT t.code, t.population::DOUBLE AS population, v.valeur AS proxy
          FROM read_parquet(${territoires()}) AS t
          JOIN read_parquet(${mart('niveau-vie-median')}) AS v ON v.niveau = 'commune' AND v.code = t.code AND v.periode = '2016' AND v.valeur IS NOT NULL
          WHERE t.niveau = 'commune' AND t.code_departement = '78' AND t.population > 0
      ),
      r AS (
          SELECT code, population,
              least(5, floor(5 * (sum(population) OVER (ORDER BY proxy, code) - population / 2) / sum(population) OVER ()) + 1)::INTEGER AS quintile
          FROM p
      )
      SELECT r.quintile, sum(m.numerateur) AS numerateur, sum(m.denominateur) AS denominateur, sum(r.population) AS population
      FROM r
      JOIN read_parquet(${mart('taux-mortalite-brute')}) AS m ON m.niveau = 'commune' AND m.code = r.code AND m.periode = '2013-2018'
      WHERE m.numerateur IS NOT NULL AND m.denominateur IS NOT NULL
      GROUP BY 1
      ORDER BY 1`);
    expect(quintiles.map((x) => x.quintile)).toEqual([1, 2, 3, 4, 5]);
    expect(r.gradient!.quintiles.map((x) => [x.quintile, x.numerateur, x.denominateur, x.populationUtilisee])).toEqual(quintiles.map((x) => [x.quintile, x.numerateur, x.denominateur, x.population]));
    const taux = quintiles.map((x) => crudeRate(x.numerateur, x.denominateur, { multiplier: 1000 }));
    expect(r.gradient!.quintiles.map((x) => [x.valeur, x.icBas, x.icHaut])).toEqual(taux.map((t) => [t.value, t.lower, t.upper]));
    const sii = siiRii(quintiles.map((x) => x.population), taux.map((t) => t.value!));
    const ci = concentrationIndexGrouped(quintiles.map((x) => x.population), taux.map((t) => t.value!));
    expect(r.gradient!.sii).toMatchObject({ valeur: sii.sii, rii: sii.rii, intercept: sii.intercept });
    expect(r.gradient!.indiceConcentration?.valeur).toBe(ci.concentrationIndex);
  });

  it('reports FDep as unavailable: the lake has no commune share of bacheliers nor of ouvriers', async () => {
    const m = lireJson<{ versions: Record<string, { variables: Array<{ id: string }> }> }>(path.join(lakeDir, 'lake', 'comparateur', 'manifest.json'));
    const variables = Object.values(m.versions).flatMap((v) => v.variables.map((x) => x.id));
    expect(variables).toEqual(expect.arrayContaining(['mediane-niveau-vie', 'chomeurs-15-64-ans', 'actifs-15-64-ans']));
    expect(variables.filter((v) => /bac|diplom|ouvrier/.test(v))).toEqual([]);
    const r = await runtime.db.session((s) => inegalitesTerritoire(s, args()));
    expect(r.fdep).toEqual({
      disponible: false,
      manquants: ['part des bacheliers parmi les 15 ans ou plus non scolarisés (recensement)', 'part des ouvriers parmi les actifs de 15-64 ans (recensement)'],
    });
  });

  it('refuses a commune, naming the parameter', async () => {
    const erreur = await runtime.db.session((s) => inegalitesTerritoire(s, { ...args(), niveau: 'commune', code: '78646' })).catch((e: unknown) => e);
    expect(erreur).toBeInstanceOf(ParametreInvalideError);
    expect((erreur as ParametreInvalideError).parametre).toBe('niveau');
  });
});

describe('shape of the indicator marts', () => {
  it('writes each indicator’s file sorted by level, code and period, one row per key (the API reads a territory as one range)', async () => {
    const ids = Object.keys(manifeste.marts.indicateurs);
    expect(ids.length).toBe(INDICATEURS.length);
    for (const id of ids) {
      const [r] = await q<{ n: number; desordre: number; doublons: number; autres: number }>(
        `WITH a AS (SELECT indicateur, niveau, code, periode, file_row_number AS rang FROM read_parquet(${mart(id)}, file_row_number = true))
         SELECT count(*)::INTEGER AS n,
                count(*) FILTER (WHERE rang <> rang_trie)::INTEGER AS desordre,
                (count(*) - count(DISTINCT (niveau, code, periode)))::INTEGER AS doublons,
                count(*) FILTER (WHERE indicateur <> '${id}')::INTEGER AS autres
         FROM (SELECT *, row_number() OVER (ORDER BY niveau, code, periode) - 1 AS rang_trie FROM a)`,
      );
      expect(r!.n, id).toBeGreaterThan(0);
      expect([r!.desordre, r!.doublons, r!.autres], id).toEqual([0, 0, 0]);
    }
  });
});
