import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config.ts';
import { sqlPath } from '../core/duckdb/duckdb.ts';
import { calculerMarts } from '../core/marts/compute.ts';
import { createRuntime } from '../core/runtime.ts';
import { tableau } from './tableau.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `npm run bench -- compute`: the full national recompute (every commune, EPCI, département,
 * région, France, CLS perimeter, indicator and millésime) from a lake prepared from data/ by a
 * separate process, so that the peak memory printed is the recompute's own. Printed: time per
 * stage, peak RSS, the ratio to DuckDB's bare scan of the same Parquet (every column of every
 * input row read once), and the floor of that ratio: the bare scan plus the writing alone of the
 * same output, with no computation. Figures, never assertions.
 */
export async function benchCompute(args: string[]): Promise<void> {
  const tours = Math.max(1, Number(args.find((a) => a.startsWith('--tours='))?.split('=')[1] ?? 1));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'st-bench-compute-'));
  const env = { ...process.env, STORAGE_MODE: 'fs', LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') };
  try {
    // the lake of `npm start` (data/ with its catalogue), prepared by another process
    const script = `
      import { preparerLac } from ${JSON.stringify(path.join(REPO, 'functions/src/cli/prepare.ts'))};
      import { loadConfig } from ${JSON.stringify(path.join(REPO, 'functions/src/core/config.ts'))};
      import { createRuntime } from ${JSON.stringify(path.join(REPO, 'functions/src/core/runtime.ts'))};
      const rt = await createRuntime(loadConfig(process.env));
      try { await preparerLac(rt, { dataDir: ${JSON.stringify(path.join(REPO, 'data'))} }); } finally { await rt.close(); }`;
    const prep = spawnSync(process.execPath, ['--import', path.join(REPO, 'functions/src/register.ts'), '--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (prep.status !== 0) throw new Error(`Préparation du lac impossible : ${prep.stderr.slice(-500)}`);
    const runtime = await createRuntime(loadConfig(env));
    try {
      const rssAvant = process.resourceUsage().maxRSS / 1024;
      // Two recomputes per round: complete (the harmonisation of every measure version to the
      // current COG included), then indicators only (harmonised measures reused, as after a change
      // of the registry, of the CLS registry or of published values: harmonisations depend only on
      // their source version and the COG, and are kept by fingerprint).
      const modes = [
        { nom: 'complet', libelle: 'recalcul complet (harmonisations comprises)', options: { force: true } },
        { nom: 'indicateurs', libelle: 'recalcul des indicateurs (mesures harmonisées en cache)', options: { forceIndicateurs: true } },
      ] as const;
      const derniers: Record<string, { total: number; manifeste: Awaited<ReturnType<typeof calculerMarts>>['manifeste'] }> = {};
      for (let tour = 1; tour <= tours; tour++) {
        for (const mode of modes) {
          const t0 = performance.now();
          const { manifeste } = await calculerMarts(runtime, mode.options);
          const total = performance.now() - t0;
          derniers[mode.nom] = { total, manifeste };
          const moteur = manifeste.moteur.etapes.reduce((s, e) => s + e.ms, 0);
          const lignes = [
            [mode.nom === 'complet' ? 'harmonisation au COG courant, territoires, écriture' : 'territoires, écriture', ms(total - moteur)],
            ...manifeste.moteur.etapes.map((e) => [`moteur : ${e.etape}`, ms(e.ms)]),
            ['total', ms(total)],
          ];
          console.log(
            `Tour ${tour}/${tours}, ${mode.libelle} : ${fr(manifeste.moteur.lignes)} lignes écrites et ${fr(manifeste.moteur.secretsCommunes ?? 0)} lignes de communes en secret Insee gardées en listes (ADR 0012), ${Object.keys(manifeste.marts.indicateurs).length} indicateurs, ${manifeste.moteur.cls} périmètres CLS`,
          );
          console.log(tableau(['étape', 'durée'], lignes));
        }
      }
      // Bare scan: every column of every Parquet each recompute reads. Complete: lake inputs of
      // the harmonisation, published values, estimates, CLS registry (and the harmonised measures
      // it writes then reads); indicators: the harmonised measures instead of their sources.
      const { manifeste } = derniers.complet!;
      const fichiers = await fichiersEntree(runtime, manifeste);
      const scan = async (liste: string[]) => {
        const t1 = performance.now();
        await runtime.db.session(async (s) => {
          for (const f of liste) await s.all(`SELECT max(COLUMNS(*)) FROM read_parquet(${sqlPath(f)}, hive_partitioning = false)`);
        });
        return performance.now() - t1;
      };
      const sourcesHarmonisees = new Set(await Promise.all(Object.values(manifeste.harmonisations).map((h) => runtime.storage.localPath(h.sourceParquet))));
      const scanComplet = await scan(fichiers);
      const scanIndicateurs = await scan(fichiers.filter((f) => !sourcesHarmonisees.has(f)));
      const complet = derniers.complet!.total;
      const indicateurs = derniers.indicateurs!.total;
      console.log(`Lecture brute DuckDB des mêmes Parquet : ${ms(scanComplet)} (${fichiers.length} fichiers, recalcul complet) ; ${ms(scanIndicateurs)} (${fichiers.length - sourcesHarmonisees.size} fichiers, indicateurs)`);
      // What writing the output alone costs: the recompute's rows read back from the marts into
      // memory, then written as the engine writes them (no computation at all): each indicator's
      // file sorted, and, for the complete recompute, the harmonised measures.
      const sorties = await Promise.all(Object.values(manifeste.marts.indicateurs).map((i) => runtime.storage.localPath(i.cle)));
      const harmonisees = await Promise.all(Object.values(manifeste.harmonisations).map((h) => runtime.storage.localPath(h.cle)));
      const ecriture = await ecrireSeul(runtime, sorties, (table) => `SELECT * FROM ${table} ORDER BY niveau, code, periode`, 'COMPRESSION zstd, ROW_GROUP_SIZE 20000');
      const ecritureHarmonisees = await ecrireSeul(runtime, harmonisees, (table) => `SELECT * FROM ${table}`, 'COMPRESSION zstd');
      const lignesHarmonisees = Object.values(manifeste.harmonisations).reduce((n, h) => n + h.lignes, 0);
      console.log(`Écriture seule des ${fr(manifeste.moteur.lignes)} lignes de sortie (tri et Parquet, comme le moteur, depuis une table en mémoire) : ${ms(ecriture)}, soit ${rapport(ecriture / scanIndicateurs)} fois la lecture brute des entrées des indicateurs`);
      console.log(`Écriture seule des ${fr(lignesHarmonisees)} lignes des mesures harmonisées (recalcul complet) : ${ms(ecritureHarmonisees)}`);
      // The least any recompute of these marts can cost: read its inputs once and write its output
      // once, with no statistic at all. The ratio of a recompute can only be above this floor.
      console.log(
        `Plancher sans aucun calcul (lecture brute des entrées + écriture seule des sorties) : rapport ${rapport((scanIndicateurs + ecriture) / scanIndicateurs)} pour les indicateurs, ${rapport((scanComplet + ecriture + ecritureHarmonisees) / scanComplet)} pour le recalcul complet`,
      );
      console.log(tableau(
        ['recalcul (dernier tour)', 'durée', 'rapport à la lecture brute (cible ≤ 5)', 'cible ≤ 20 s sur 2 cœurs'],
        [
          ['complet', ms(complet), rapport(complet / scanComplet), complet <= 20_000 ? 'atteinte' : 'non atteinte'],
          ['indicateurs', ms(indicateurs), rapport(indicateurs / scanIndicateurs), indicateurs <= 20_000 ? 'atteinte' : 'non atteinte'],
        ],
      ));
      console.log(`Mémoire : pic RSS ${fr(Math.round(process.resourceUsage().maxRSS / 1024))} Mio (${fr(Math.round(rssAvant))} Mio avant le recalcul) ; DuckDB limité à ${runtime.config.duckdb.memoryLimit ?? 'défaut'}`);
    } finally {
      await runtime.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Time to write these Parquet files again from memory (each loaded first, not timed), as `requete` orders them. */
async function ecrireSeul(runtime: Awaited<ReturnType<typeof createRuntime>>, fichiers: string[], requete: (table: string) => string, options: string): Promise<number> {
  const dossier = await mkdtemp(path.join(os.tmpdir(), 'st-bench-ecriture-'));
  let total = 0;
  try {
    await runtime.db.session(async (s) => {
      for (const [i, f] of fichiers.entries()) {
        await s.run(`CREATE OR REPLACE TEMP TABLE ecrite AS SELECT * FROM read_parquet(${sqlPath(f)}, hive_partitioning = false)`);
        const t = performance.now();
        await s.run(`COPY (${requete('ecrite')}) TO ${sqlPath(path.join(dossier, `${i}.parquet`))} (FORMAT parquet, ${options})`);
        total += performance.now() - t;
      }
      await s.run('DROP TABLE IF EXISTS ecrite');
    });
  } finally {
    await rm(dossier, { recursive: true, force: true });
  }
  return total;
}

async function fichiersEntree(runtime: Awaited<ReturnType<typeof createRuntime>>, manifeste: Awaited<ReturnType<typeof calculerMarts>>['manifeste']): Promise<string[]> {
  const cles = new Set<string>([manifeste.entrees.populations.cleParquet]);
  for (const h of Object.values(manifeste.harmonisations)) {
    cles.add(h.sourceParquet);
    cles.add(h.cle);
  }
  for (const o of await runtime.storage.list('lake/')) {
    if (/^lake\/(filosofi-disp|filosofi-xls|cepidc-long|geoclip|observatoire-long|ors-indicateurs|estimations-population|registre-cls)\/.*\.parquet$/.test(o.key)) cles.add(o.key);
  }
  return Promise.all([...cles].sort().map((c) => runtime.storage.localPath(c)));
}

function ms(x: number): string {
  return `${fr(Math.round(x))} ms`;
}

function rapport(x: number): string {
  return new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
}

function fr(n: number): string {
  return new Intl.NumberFormat('fr-FR').format(n);
}
