import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import type { ErreurReponse } from '../../functions/src/core/model/api-types.ts';
import { appelGet } from '../helpers/api.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// A mart the manifest names but that cannot be read (truncated, damaged, deleted): every route
// answers 503 naming the mart and the remedy, logs the cause, never a 500 nor a local path; and
// the API recovers on its own once the file is good again. The marts are a copy of the shared
// lake's (real data); the damage is made by the test (no real file is damaged).
let lac: Awaited<ReturnType<typeof runtimeTemporaire>>;
let manifeste: ManifesteMarts;

beforeEach(async () => {
  lac = await runtimeTemporaire();
  await cp(path.join(inject('lacPartage').lakeDir, 'marts'), path.join(lac.lakeDir, 'marts'), { recursive: true });
  manifeste = JSON.parse(await readFile(path.join(lac.lakeDir, 'marts', 'manifest.json'), 'utf8')) as ManifesteMarts;
});
afterEach(async () => {
  await lac.nettoyer();
});

const ROUTES = [
  '/api/territoires/commune/01001/profil',
  '/api/indicateurs/taux-pauvrete/valeurs?niveau=commune',
  '/api/indicateurs',
  '/api/territoires?q=lyon',
  '/api/territoires/epci/200046977/communes?indicateur=taux-pauvrete&format=csv',
];

async function verifierIllisible(cle: string, cause: RegExp): Promise<void> {
  const journal: Array<Record<string, unknown>> = [];
  const api = createApi(lac.runtime, { journal: (e) => journal.push(e) });
  for (const url of ROUTES) {
    const r = await appelGet(api, url);
    expect(r.status, url).toBe(503);
    const { erreur } = JSON.parse(r.body) as ErreurReponse;
    expect(erreur.code).toBe('marts_illisibles');
    expect(erreur.message).toBe(`Les données calculées sont illisibles (${cle}) : le service reprendra après un nouveau calcul complet (npm run compute -- --force).`);
    // no local path leaves the server
    expect(r.body).not.toContain(lac.dir);
  }
  expect(journal.length).toBe(ROUTES.length);
  for (const e of journal) expect(e).toMatchObject({ niveau: 'error', code: 'marts_illisibles', cle, cause: expect.stringMatching(cause) });
}

describe('a mart named by the manifest that cannot be read', () => {
  it('the INSEE-secret lists truncated: 503 naming them, then served again once the file is good', async () => {
    const cle = manifeste.marts.secretsCommunes!.cle;
    const fichier = path.join(lac.lakeDir, cle);
    const bon = await readFile(fichier);
    await truncate(fichier, Math.floor(bon.length / 2));
    const avant = await empreinteDossier(lac.lakeDir);
    await verifierIllisible(cle, /magic bytes|parquet/i);
    // the API wrote nothing
    expect(await empreinteDossier(lac.lakeDir)).toEqual(avant);
    // the same API serves again once the file is good (no restart: the failed load is retried)
    const api = createApi(lac.runtime, { journal: () => {} });
    expect((await appelGet(api, ROUTES[0]!)).status).toBe(503);
    await writeFile(fichier, bon);
    const r = await appelGet(api, ROUTES[1]!);
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { valeurs: Array<{ statut: string }> }).valeurs.some((v) => v.statut === 'secret')).toBe(true);
  });

  it('an indicator mart damaged (its footer overwritten): 503 naming it', async () => {
    const cle = manifeste.marts.indicateurs['niveau-vie-median']!.cle;
    const fichier = path.join(lac.lakeDir, cle);
    const octets = await readFile(fichier);
    octets.fill(0x7a, octets.length - 64);
    await writeFile(fichier, octets);
    await verifierIllisible(cle, /./);
  });

  it('the territories mart deleted: 503 naming it', async () => {
    const cle = manifeste.marts.territoires.cle;
    await rm(path.join(lac.lakeDir, cle));
    await verifierIllisible(cle, /absent/);
  });

  it('the CLS perimeters mart replaced by text (not Parquet at all): 503 naming it', async () => {
    const cle = manifeste.marts.perimetresCls!.cle;
    await writeFile(path.join(lac.lakeDir, cle), 'code;libelle\nCLS;x\n');
    await verifierIllisible(cle, /./);
  });
});
