import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type Session } from '../../functions/src/core/duckdb/duckdb.ts';
import { appliquerSecret, preparerMargesSecret } from '../../functions/src/core/indicateurs/moteur.ts';
import { attaquer, attaquerAvecBornes, valeursPossibles } from '../helpers/attaque-secret.ts';

// Secrecy of health counts on overlapping geographies (methods.md §9): the engine's own
// suppression (appliquerSecret) run on a small synthetic geography, an edge case the real CLS
// registry of data/ does not hold: a CLS made of an EPCI plus one small commune. Published
// together, the CLS's and the EPCI's death totals would differ by that commune's masked count.
//
//   département D = {A1, A2, A3, B1, B2} (France: the same communes)
//   EPCI E1 = {A1, A2, A3}, CLS C = E1 + B1
//   deaths: A1 50, A2 30, A3 20, B1 5 (masked: 1 to 10), B2 40

const DECES_CLS: Record<string, number> = { A1: 50, A2: 30, A3: 20, B1: 5, B2: 40 };
const TERRITOIRES_CLS: Record<string, string[]> = {
  'epci/E1': ['A1', 'A2', 'A3'],
  'cls/C': ['A1', 'A2', 'A3', 'B1'],
  'departement/D': ['A1', 'A2', 'A3', 'B1', 'B2'],
  'france/FR': ['A1', 'A2', 'A3', 'B1', 'B2'],
};

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-secret-secondaire-'));
  db = await openDb({ workDir: dir, threads: 1, memoryLimit: null });
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function preparer(s: Session, DECES: Record<string, number>, TERRITOIRES: Record<string, string[]>): Promise<void> {
  await s.run(`CREATE OR REPLACE TEMP TABLE defs (indicateur VARCHAR, secret VARCHAR, seuil INTEGER)`);
  await s.append('defs', [['deces', 'sante', 11]]);
  // the bricks only tell which indicators the batch holds, and that no count sits at département level
  await s.run(`CREATE OR REPLACE TEMP TABLE briques AS
      SELECT 'deces' AS indicateur, 'commune' AS niveau, false AS publie, 'A1' AS code, 'D' AS code_departement, '2013-2018' AS periode,
          'ok' AS statut, 1.0 AS numerateur, 1.0 AS denominateur`);
  await s.run(`CREATE OR REPLACE TEMP TABLE appartenance_dep (code_departement VARCHAR, niveau VARCHAR, code VARCHAR)`);
  await s.run(`CREATE OR REPLACE TEMP TABLE appartenance_scindees (cle VARCHAR, niveau VARCHAR, code VARCHAR, pmun DOUBLE)`);
  await s.run(`CREATE OR REPLACE TEMP TABLE appartenance (code_commune VARCHAR, niveau VARCHAR, code VARCHAR)`);
  const lignes: string[][] = Object.keys(DECES).map((c) => [c, 'commune', c]);
  for (const [t, communes] of Object.entries(TERRITOIRES)) for (const c of communes) lignes.push([c, t.split('/')[0]!, t.split('/')[1]!]);
  await s.append('appartenance', lignes);
  await preparerMargesSecret(s);
  await s.run(`CREATE OR REPLACE TEMP TABLE resultats (
      indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR, statut VARCHAR, valeur DOUBLE, numerateur DOUBLE, numerateur_brut DOUBLE,
      ic_bas DOUBLE, ic_haut DOUBLE, variance DOUBLE, methode_ic VARCHAR, fiabilite VARCHAR, secret VARCHAR, methode VARCHAR)`);
  const rows: Array<Array<string | number>> = Object.entries(DECES).map(([c, n]) => ['commune', c, n]);
  for (const [t, communes] of Object.entries(TERRITOIRES)) rows.push([t.split('/')[0]!, t.split('/')[1]!, communes.reduce((x, c) => x + DECES[c]!, 0)]);
  for (const [niveau, code, n] of rows) {
    await s.run(
      `INSERT INTO resultats VALUES ('deces', $niveau, $code, '2013-2018', 'ok', $n / 1000.0, $n, $n, 0, 1, NULL, CASE WHEN $n < 10 THEN 'Exact' ELSE 'Byar' END, CASE WHEN $n < 20 THEN 'petits_effectifs' END, 'sante', 'taux')`,
      { niveau: niveau as string, code: code as string, n: n as number },
    );
  }
  await s.run('CREATE OR REPLACE TEMP TABLE masques_sante (indicateur VARCHAR, niveau VARCHAR, code VARCHAR, periode VARCHAR)');
  await s.run('CREATE OR REPLACE TEMP TABLE masques_lies (indicateur VARCHAR, source VARCHAR)');
}

/** What would be published with the primary masks only (counts 1 to 10): every total, every other count. */
function primairesSeules(DECES: Record<string, number>, TERRITOIRES: Record<string, string[]>): Map<string, number | null> {
  return new Map<string, number | null>([
    ...Object.entries(DECES).map(([c, n]) => [`commune/${c}`, n > 0 && n < 11 ? null : n] as const),
    ...Object.entries(TERRITOIRES).map(([t, cs]) => [t, cs.reduce((x, c) => x + DECES[c]!, 0)] as const),
  ]);
}

/** What is published after secrecy: each territory's count, or null when masked. */
async function publies(s: Session): Promise<Map<string, number | null>> {
  const r = await s.all<{ cle: string; numerateur: number | null }>(`SELECT niveau || '/' || code AS cle, numerateur FROM resultats ORDER BY cle`);
  return new Map(r.map((x) => [x.cle, x.numerateur]));
}

describe('secondary suppression on nested territories (methods.md §9)', () => {
  it('leaves no masked count recoverable by differencing a CLS and the EPCI it extends, nor a territory and its communes', async () => {
    const DECES = DECES_CLS;
    const TERRITOIRES = TERRITOIRES_CLS;
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      const paires = await s.all<{ p: string }>(`SELECT niveau1 || '/' || code1 || ' ⊃ ' || niveau2 || '/' || code2 AS p FROM paires_emboitees ORDER BY p`);
      // France and D hold the same communes: not nested; C extends E1; both lie in D and France
      expect(paires.map((x) => x.p)).toEqual(['cls/C ⊃ epci/E1', 'departement/D ⊃ cls/C', 'departement/D ⊃ epci/E1', 'france/FR ⊃ cls/C', 'france/FR ⊃ epci/E1']);

      await appliquerSecret(s);
      const p = await publies(s);
      const statuts = await s.all<{ cle: string; statut: string; methode_ic: string | null; fiabilite: string | null }>(
        `SELECT niveau || '/' || code AS cle, statut, methode_ic, fiabilite FROM resultats WHERE statut LIKE 'masque%' ORDER BY cle`,
      );
      expect(statuts.map((x) => `${x.cle} ${x.statut}`)).toEqual([
        'cls/C masque_secondaire',
        'commune/A2 masque_secondaire',
        'commune/A3 masque_secondaire',
        'commune/B1 masque',
        'commune/B2 masque_secondaire',
      ]);
      // nothing on a masked row tells its count apart
      expect(statuts.every((x) => x.methode_ic === null && x.fiabilite === null)).toBe(true);

      expect(retrouvables(p, TERRITOIRES, [])).toEqual([]);
      // the EPCI, the département and France keep their totals
      expect([p.get('epci/E1'), p.get('departement/D'), p.get('france/FR')]).toEqual([100, 145, 145]);
    });
  });
});

/**
 * The attack, exhaustively: for every published territory, every pair of nested published
 * territories, and every derived set given (a total computed from published totals), the total
 * minus the published communes must never leave exactly one masked commune.
 */
function retrouvables(p: Map<string, number | null>, TERRITOIRES: Record<string, string[]>, derives: Array<{ nom: string; total: number | null; communes: string[] }>): string[] {
  const ensembles: Array<{ nom: string; total: number | null; communes: string[] }> = [...Object.entries(TERRITOIRES).map(([t, communes]) => ({ nom: t, total: p.get(t)!, communes })), ...derives];
  for (const [ta, ca] of Object.entries(TERRITOIRES)) {
    for (const [tb, cb] of Object.entries(TERRITOIRES)) {
      if (ta === tb || !cb.every((c) => ca.includes(c)) || cb.length === ca.length) continue;
      const ecart = p.get(ta) === null || p.get(tb) === null ? null : p.get(ta)! - p.get(tb)!;
      ensembles.push({ nom: `${ta} − ${tb}`, total: ecart, communes: ca.filter((c) => !cb.includes(c)) });
    }
  }
  const retrouves: string[] = [];
  for (const e of ensembles) {
    if (e.total === null) continue;
    const masquees = e.communes.filter((c) => p.get(`commune/${c}`) === null);
    if (masquees.length !== 1) continue;
    const reste = e.total - e.communes.filter((c) => p.get(`commune/${c}`) !== null).reduce((x, c) => x + p.get(`commune/${c}`)!, 0);
    retrouves.push(`${e.nom} → ${masquees[0]} = ${reste}`);
  }
  return retrouves;
}

describe('secondary suppression across a département border (an EPCI straddling two départements)', () => {
  //   département D2 = {P1, P2, M1, P4, M2, P3}, département D3 = {Q1, Q2}; France = all
  //   EPCI E2 = {P1, P2, M1} and E5 = {P4, M2} (inside D2), E3 = {P3, Q1} (across the border), E4 = {Q2}
  //   deaths: P1 40, P2 25, M1 3, P4 35, M2 4, P3 6 (M1, M2, P3 masked), Q1 30, Q2 50
  // No published territory nor nested pair leaves P3 alone, but D2's total minus E2's and E5's does.
  const DECES: Record<string, number> = { P1: 40, P2: 25, M1: 3, P4: 35, M2: 4, P3: 6, Q1: 30, Q2: 50 };
  const TERRITOIRES: Record<string, string[]> = {
    'epci/E2': ['P1', 'P2', 'M1'],
    'epci/E5': ['P4', 'M2'],
    'epci/E3': ['P3', 'Q1'],
    'epci/E4': ['Q2'],
    'departement/D2': ['P1', 'P2', 'M1', 'P4', 'M2', 'P3'],
    'departement/D3': ['Q1', 'Q2'],
    'france/FR': ['P1', 'P2', 'M1', 'P4', 'M2', 'P3', 'Q1', 'Q2'],
  };

  it('protects the part of a département outside the EPCI wholly inside it', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      await appliquerSecret(s);
      const p = await publies(s);
      const derive = (dep: string, dedans: string[]) => ({
        nom: `${dep} − ${dedans.join(' − ')}`,
        total: [dep, ...dedans].some((t) => p.get(t) === null) ? null : p.get(dep)! - dedans.reduce((x, t) => x + p.get(t)!, 0),
        communes: TERRITOIRES[dep]!.filter((c) => !dedans.some((t) => TERRITOIRES[t]!.includes(c))),
      });
      expect(retrouvables(p, TERRITOIRES, [derive('departement/D2', ['epci/E2', 'epci/E5']), derive('departement/D3', ['epci/E4'])])).toEqual([]);
      // what it took: the smallest EPCI inside D2, and its smallest commune (else that total would be the sum of its communes)
      const masques = await s.all<{ cle: string }>(`SELECT niveau || '/' || code AS cle FROM resultats WHERE statut LIKE 'masque%' ORDER BY cle`);
      expect(masques.map((x) => x.cle)).toEqual(expect.arrayContaining(['commune/P3']));
      // (on so small a geography, the départements' own secondary masks then take most communes)
      expect([p.get('departement/D2'), p.get('departement/D3'), p.get('france/FR')]).toEqual([113, 80, 193]);
    });
  });
});

describe('secrecy checked on everything published together (ADR 0013 revision 3)', () => {
  //   département D1 = {A1, A2, A3, A4, P}, département D2 = {B1, B2, B3, B4, Q1, Q2}; France = all
  //   EPCI E1 = {A1, A2, A3, A4} (inside D1), E2 = {B1, B2, B3, B4} (inside D2), S = {P, Q1, Q2} across the border
  //   deaths: P 6 (masked), the others 20 to 70
  // The shape the third audit found on the real data (Pithon, Aisne): each territory and each
  // nested pair is safe on its own, but S − (D2 − E2) = P as soon as Q1 and Q2 are masked together.
  const DECES: Record<string, number> = { A1: 50, A2: 30, A3: 20, A4: 45, P: 6, Q1: 40, Q2: 35, B1: 60, B2: 25, B3: 45, B4: 70 };
  const TERRITOIRES: Record<string, string[]> = {
    'epci/E1': ['A1', 'A2', 'A3', 'A4'],
    'epci/E2': ['B1', 'B2', 'B3', 'B4'],
    'epci/S': ['P', 'Q1', 'Q2'],
    'departement/D1': ['A1', 'A2', 'A3', 'A4', 'P'],
    'departement/D2': ['B1', 'B2', 'B3', 'B4', 'Q1', 'Q2'],
    'france/FR': Object.keys(DECES),
  };

  it('leaves no masked count from 1 to 10 that any combination of published totals gives back', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      await appliquerSecret(s);
      const p = await publies(s);
      const retrouves = attaquer(p, TERRITOIRES).filter((x) => Number(x.split(' = ')[1]) < 11);
      expect(retrouves).toEqual([]);
      expect(p.get('commune/P')).toBeNull();
    });
  });

  it('holds on the other geographies of this file too', async () => {
    for (const [DECES_G, TERRITOIRES_G] of [
      [DECES_CLS, TERRITOIRES_CLS],
      [DECES, TERRITOIRES],
    ] as const) {
      await db.session(async (s) => {
        await preparer(s, DECES_G, TERRITOIRES_G);
        await appliquerSecret(s);
        expect(attaquer(await publies(s), TERRITOIRES_G).filter((x) => Number(x.split(' = ')[1]) < 11)).toEqual([]);
      });
    }
  });
});

describe('counts pinned by their bounds (masked counts are at least 1)', () => {
  //   département D = France = {A1, A2, B1, B2, B3}; EPCI E1 = {A1, A2}, E2 = {B1, B2, B3}
  //   deaths: A1 1, A2 1 (both masked), B1 11, B2 12, B3 13
  // Each territory holds two masked communes or none: no local rule fires. But E1's total is 2,
  // and two masked counts of at least 1 each adding up to 2 are both 1; with E1 masked, D − E2
  // gives the same.
  const DECES: Record<string, number> = { A1: 1, A2: 1, B1: 11, B2: 12, B3: 13 };
  const TERRITOIRES: Record<string, string[]> = {
    'epci/E1': ['A1', 'A2'],
    'epci/E2': ['B1', 'B2', 'B3'],
    'departement/D': ['A1', 'A2', 'B1', 'B2', 'B3'],
    'france/FR': ['A1', 'A2', 'B1', 'B2', 'B3'],
  };

  it('masks until no enumeration of the published totals pins a count from 1 to 10', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      await appliquerSecret(s);
      const p = await publies(s);
      expect([p.get('commune/A1'), p.get('commune/A2')]).toEqual([null, null]);
      expect(attaquerAvecBornes(p, TERRITOIRES).filter((x) => Number(x.split(' = ')[1]) < 11)).toEqual([]);
    });
  });

  it('is what the enumeration finds without the system-wide check (the attack is real)', () => {
    const p = primairesSeules(DECES, TERRITOIRES);
    expect(attaquerAvecBornes(p, TERRITOIRES)).toEqual(['A1 = 1', 'A2 = 1']);
    expect(attaquer(p, TERRITOIRES)).toEqual([]);
  });
});

describe('no total shows a masked count to be under the threshold (protection interval of the frequency rule)', () => {
  //   département D = France = {A1, A2, A3, B1, B2}; EPCI E1 = {A1, A2, A3}, E2 = {B1, B2}
  //   deaths: A1 1, A2 2 (both masked), A3 25, B1 30, B2 40
  // E1's total minus A3 leaves 3 for A1 and A2: each is 1 or 2, nearly disclosed (the fifth
  // audit's CC Briance-Combade), though neither is recovered exactly.
  const DECES: Record<string, number> = { A1: 1, A2: 2, A3: 25, B1: 30, B2: 40 };
  const TERRITOIRES: Record<string, string[]> = {
    'epci/E1': ['A1', 'A2', 'A3'],
    'epci/E2': ['B1', 'B2'],
    'departement/D': ['A1', 'A2', 'A3', 'B1', 'B2'],
    'france/FR': ['A1', 'A2', 'A3', 'B1', 'B2'],
  };

  it('leaves each masked count of 1 to 10 at least 11 possible values (1 to 11 or more)', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      await appliquerSecret(s);
      const p = await publies(s);
      const possibles = valeursPossibles(p, TERRITOIRES);
      for (const c of ['A1', 'A2']) expect(possibles.get(c)?.size ?? 0, c).toBeGreaterThanOrEqual(11);
    });
  });

  it('is what the enumeration finds without the check (2 possible values each)', () => {
    const p = primairesSeules(DECES, TERRITOIRES);
    const possibles = valeursPossibles(p, TERRITOIRES);
    expect([...possibles.get('A1')!].sort()).toEqual([1, 2]);
    expect(attaquer(p, TERRITOIRES)).toEqual([]);
  });
});

describe('masked communes seen only through their sum (same published totals)', () => {
  //   département D1 = {A1, A2, A3, A4, P1, P2, P3}, D2 = {B1, B2, Q1, Q2, Q3, Q4}; France = all
  //   EPCI E1 = {A1, A2, A3, A4} (inside D1), E2 = {B1, B2} (inside D2), S = {P1, P2, P3, Q1, Q2, Q3, Q4} across the border
  //   deaths: A4 5, P1 1, P2 3, Q3 8, Q4 9 (masked), the others 20 to 70
  // P1 and P2 lie in exactly the same totals (S, D1, France): no total tells them apart, and no
  // single total leaves them little room (A4 and its secondary are in D1, Q3 and Q4 in S), but
  // D1 − E1 − P3 = P1 + P2 = 4, so each is 1 to 3 (the fifth audit's 95154 and 95633, in the Val-d'Oise part of an EPCI
  // straddling the Seine-et-Marne, summed to 6).
  const DECES: Record<string, number> = { A1: 50, A2: 60, A3: 70, A4: 5, P1: 1, P2: 3, P3: 30, B1: 20, B2: 25, Q1: 35, Q2: 40, Q3: 8, Q4: 9 };
  const TERRITOIRES: Record<string, string[]> = {
    'epci/E1': ['A1', 'A2', 'A3', 'A4'],
    'epci/E2': ['B1', 'B2'],
    'epci/S': ['P1', 'P2', 'P3', 'Q1', 'Q2', 'Q3', 'Q4'],
    'departement/D1': ['A1', 'A2', 'A3', 'A4', 'P1', 'P2', 'P3'],
    'departement/D2': ['B1', 'B2', 'Q1', 'Q2', 'Q3', 'Q4'],
    'france/FR': Object.keys(DECES),
  };

  it('lifts their sum with a commune of the same totals, so that each keeps 11 possible values or more', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES, TERRITOIRES);
      await appliquerSecret(s);
      const p = await publies(s);
      expect(p.get('commune/P3')).toBeNull();
      const possibles = valeursPossibles(p, TERRITOIRES, { communes: ['P1', 'P2'], valeurs: 11 });
      for (const c of ['P1', 'P2']) expect(possibles.get(c)?.size ?? 0, c).toBeGreaterThanOrEqual(11);
      // no total was needed
      expect(['epci/E1', 'epci/S', 'departement/D1', 'france/FR'].map((t) => p.get(t) === null)).toEqual([false, false, false, false]);
    });
  });

  it('is what the enumeration finds with the primary masks only (each 1 to 3), though no single total shows it', () => {
    const p = primairesSeules(DECES, TERRITOIRES);
    const possibles = valeursPossibles(p, TERRITOIRES);
    expect([...possibles.get('P1')!].sort()).toEqual([1, 2, 3]);
  });
});

describe('the system-wide check refuses a model that does not add up', () => {
  it('stops, naming the indicator, the period and the territory, when a published total is not the sum of its parts', async () => {
    await db.session(async (s) => {
      await preparer(s, DECES_CLS, TERRITOIRES_CLS);
      // an EPCI total off by one from its communes (a bug upstream, or a count the model misses)
      await s.run(`UPDATE resultats SET numerateur_brut = numerateur_brut + 1, numerateur = numerateur + 1 WHERE niveau = 'epci' AND code = 'E1'`);
      await expect(appliquerSecret(s)).rejects.toThrow(/deces 2013-2018 pour epci\/E1 \(101\) n’est pas la somme de ses parties \(100\)/);
    });
  });
});
