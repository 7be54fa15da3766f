import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LIBELLES_STATUT } from '../../functions/src/core/model/libelles.ts';
import { createMartsReader, type EtatMarts } from '../../functions/src/core/api/marts-reader.ts';
import { relationMart } from '../../functions/src/core/api/relations-marts.ts';
import { createApi } from '../../functions/src/core/api/service.ts';
import { loadConfig } from '../../functions/src/core/config.ts';
import { sqlPath } from '../../functions/src/core/duckdb/duckdb.ts';
import { calculerMarts } from '../../functions/src/core/marts/compute.ts';
import { createRuntime, type Runtime } from '../../functions/src/core/runtime.ts';
import { appelGet } from '../helpers/api.ts';

// ADR 0012: the engine keeps the INSEE-secret commune rows out of the indicator files, as lists of
// codes, and the API rebuilds them. Proof on the real data (a copy of the shared lake prepared from
// data/): the rows the API rebuilds are the rows the engine writes in full when told to, column by
// column, and every reader (values, profile, series, communes of a territory, inequalities, CSV)
// serves a secret commune as secret (before the recompute: the readers run on the lists).

let dir: string;
let runtime: Runtime;
let compact: EtatMarts;
let api: ReturnType<typeof createApi>;

const appel = (url: string) => appelGet(api, url);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-secrets-'));
  const lakeDir = path.join(dir, 'lake');
  await cp(inject('lacPartage').lakeDir, lakeDir, { recursive: true });
  runtime = await createRuntime(loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: lakeDir, CACHE_DIR: path.join(dir, 'cache') }));
  compact = await createMartsReader(runtime).etat();
  api = createApi(runtime, { journal: () => {} });
}, 120_000);
afterAll(async () => {
  await runtime?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A secret commune of an indicator's latest commune period, from the lists the engine wrote. */
async function communeSecrete(indicateur: string): Promise<{ code: string; periode: string; departement: string }> {
  const [r] = await runtime.db.all<{ code: string; periode: string; departement: string }>(
    `SELECT c.code, s.periode, t.code_departement AS departement
     FROM secrets_indicateurs AS s
     JOIN secrets_codes AS c USING (ensemble)
     JOIN territoires AS t ON t.niveau = 'commune' AND t.code = c.code
     WHERE s.indicateur = $indicateur
     ORDER BY s.periode DESC, t.code_epci NULLS LAST, c.code
     LIMIT 1`,
    { indicateur },
  );
  if (!r) throw new Error(`aucune commune secrète pour ${indicateur}`);
  return r;
}

describe('INSEE-secret commune rows kept as lists (ADR 0012)', () => {
  it('the engine lists the Filosofi secret communes and keeps them out of the indicator files', async () => {
    const m = compact.manifeste;
    expect(m.marts.secretsCommunes).toBeDefined();
    expect(m.marts.secretsCommunes!.lignes).toBeGreaterThan(100_000);
    expect(m.moteur.secretsCommunes).toBe(m.marts.secretsCommunes!.lignes);
    const avec = [...compact.indicateurs.values()].filter((x) => x.secrets).map((x) => x.id);
    expect(avec).toContain('taux-pauvrete');
    expect(avec).toContain('rapport-interdecile');
    expect(avec).not.toContain('taux-mortalite-brute');
    const fichiers = [...compact.indicateurs.values()].map((x) => sqlPath(x.fichier)).join(', ');
    const [{ n }] = (await runtime.db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet([${fichiers}]) WHERE niveau = 'commune' AND statut = 'secret'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('every reader serves a secret commune as secret, with its references (JSON and CSV)', async () => {
    const { code, periode, departement } = await communeSecrete('taux-pauvrete');
    const valeurs = await appel(`/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&periode=${periode}`);
    expect(valeurs.status).toBe(200);
    const ligne = JSON.parse(valeurs.body).valeurs.find((v: { code: string }) => v.code === code);
    expect(ligne).toMatchObject({ statut: 'secret', valeur: null, ic_bas: null, departement_reference: departement });
    expect(ligne.valeur_departement).toEqual(expect.any(Number));

    const csv = await appel(`/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&periode=${periode}&format=csv`);
    expect(csv.status).toBe(200);
    const ligneCsv = csv.body.split('\r\n').find((l) => l.startsWith(`${code};`));
    expect(ligneCsv).toContain(`;${LIBELLES_STATUT.secret};`);

    const series = JSON.parse((await appel(`/api/territoires/commune/${code}/series?indicateur=taux-pauvrete`)).body);
    const propre = series.series.find((s: { role: string }) => s.role === 'territoire');
    expect(propre.valeurs.find((v: { periode: string }) => v.periode === periode)).toMatchObject({ statut: 'secret', valeur: null });

    const profil = await appel(`/api/territoires/commune/${code}/profil`);
    expect(profil.status).toBe(200);
    expect(profil.body).toContain('"statut":"secret"');

    const communes = JSON.parse((await appel(`/api/territoires/departement/${departement}/communes?indicateur=taux-pauvrete&periode=${periode}`)).body);
    expect(communes.communes.find((c: { code: string }) => c.code === code)).toMatchObject({ statut: 'secret', valeur: null });

    const inegalites = JSON.parse((await appel(`/api/territoires/departement/${departement}/inegalites?indicateur=taux-pauvrete&periode=${periode}`)).body);
    expect(inegalites.communes.exclues.secret).toBeGreaterThan(0);
  });

  it('the rows the API rebuilds are, column by column, those the engine writes in full', async () => {
    const avecSecrets = [...compact.indicateurs.values()].filter((x) => x.secrets);
    // rows of the files alone (the API's count adds those the lists stand for)
    const lignesCompactes = Object.values(compact.manifeste.marts.indicateurs).reduce((n, x) => n + x.lignes, 0);
    // the rebuilt rows to files, one indicator at a time (memory: DuckDB is limited to 512 MB)
    const reconstruites = (id: string) => path.join(dir, `reconstruites-${id}.parquet`);
    for (const x of avecSecrets) {
      await runtime.db.run(`COPY (SELECT * FROM ${relationMart(x)} WHERE niveau = 'commune' AND statut = 'secret') TO ${sqlPath(reconstruites(x.id))} (FORMAT parquet)`);
    }
    // the same lake, every indicator recomputed with the rows written in full
    const r = await calculerMarts(runtime, { forceIndicateurs: true, compacterSecrets: false });
    expect(r.statut).toBe('calcule');
    expect(r.manifeste.marts.secretsCommunes!.lignes).toBe(0);
    const explicites = r.manifeste.marts.indicateurs;
    // nothing else changed: the full files hold the compact ones' rows plus the listed ones
    expect(Object.values(explicites).reduce((n, x) => n + x.lignes, 0)).toBe(lignesCompactes + compact.manifeste.marts.secretsCommunes!.lignes);

    let total = 0;
    for (const x of avecSecrets) {
      const fichier = sqlPath(await runtime.storage.localPath(explicites[x.id]!.cle));
      const e = `(SELECT * FROM read_parquet(${fichier}) WHERE niveau = 'commune' AND statut = 'secret')`;
      const colonnes = await runtime.db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${fichier})`);
      expect(colonnes.length).toBeGreaterThan(25);
      // doubles to 1e-9 relative (the engine's sums run in parallel: the last bits may differ between runs)
      const differe = colonnes
        .map(({ column_name: c, column_type: t }) =>
          t === 'DOUBLE' ? `((e.${c} IS NULL) <> (r.${c} IS NULL) OR abs(e.${c} - r.${c}) > 1e-9 * greatest(abs(e.${c}), 1))` : `e.${c} IS DISTINCT FROM r.${c}`,
        )
        .join(' OR ');
      const [bilan] = await runtime.db.all<{ explicites: number; reconstruites: number; ecarts: number; exemple: string | null }>(
        `SELECT
            (SELECT count(*) FROM ${e})::INTEGER AS explicites,
            (SELECT count(*) FROM read_parquet(${sqlPath(reconstruites(x.id))}))::INTEGER AS reconstruites,
            count(*)::INTEGER AS ecarts,
            any_value(coalesce(e.code, r.code) || ' ' || coalesce(e.periode, r.periode)) AS exemple
         FROM ${e} AS e
         FULL JOIN read_parquet(${sqlPath(reconstruites(x.id))}) AS r USING (indicateur, niveau, code, periode)
         WHERE e.indicateur IS NULL OR r.indicateur IS NULL OR ${differe}`,
      );
      expect(bilan!.explicites, x.id).toBeGreaterThan(0);
      expect(bilan!.reconstruites, x.id).toBe(bilan!.explicites);
      expect(bilan!.ecarts, `${x.id} ${bilan!.exemple ?? ''}`).toBe(0);
      // the metadata's row count is the same either way
      expect(explicites[x.id]!.lignes, x.id).toBe(x.lignes);
      total += bilan!.explicites;
    }
    expect(total).toBe(compact.manifeste.marts.secretsCommunes!.lignes);
  }, 300_000);

});
