import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import type { ErreurReponse } from '../../functions/src/core/model/api-types.ts';
import { calculerMarts, martsAJour } from '../../functions/src/core/marts/compute.ts';
import { appelGet } from '../helpers/api.ts';
import { empreinteDossier, runtimeLacPartage, runtimeTemporaire } from '../helpers/lac.ts';

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
    expect(erreur.message).toBe('Les données calculées sont illisibles : le service est indisponible jusqu’à leur prochain calcul.');
    // neither a local path nor a lake key leaves the server
    expect(r.body).not.toContain(lac.dir);
    expect(r.body).not.toContain('marts/');
  }
  expect(journal.length).toBe(ROUTES.length);
  // the operator's log names the mart, the remedy and the cause
  for (const e of journal) expect(e).toMatchObject({ niveau: 'error', code: 'marts_illisibles', cle, remede: expect.stringContaining('npm run compute'), cause: expect.stringMatching(cause) });
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

describe('a failure that names no mart (injected at the storage edge)', () => {
  it('stays an internal error (500, logged with its cause), not « illisibles »; the next request is served', async () => {
    const localPath = lac.runtime.storage.localPath.bind(lac.runtime.storage);
    let pannes = 1;
    lac.runtime.storage.localPath = async (cle: string) => {
      if (pannes-- > 0) throw new Error('read ECONNRESET');
      return localPath(cle);
    };
    const journal: Array<Record<string, unknown>> = [];
    const api = createApi(lac.runtime, { journal: (e) => journal.push(e) });
    const r = await appelGet(api, ROUTES[1]!);
    expect(r.status).toBe(500);
    expect((JSON.parse(r.body) as ErreurReponse).erreur.code).toBe('erreur_interne');
    expect(journal).toMatchObject([{ niveau: 'error', code: 'erreur_interne', message: 'read ECONNRESET' }]);
    expect((await appelGet(api, ROUTES[1]!)).status).toBe(200);
  });
});

describe('the next compute', () => {
  it('makes again the files damaged since they were written (without --force), and the API serves again', async () => {
    // the whole shared lake (inputs and marts): the compute reads the inputs
    await rm(path.join(lac.lakeDir, 'marts'), { recursive: true });
    await cp(inject('lacPartage').lakeDir, lac.lakeDir, { recursive: true });
    // a copy has other mtimes, hence other local ETags: the manifest takes the copy's, as if written here
    const etag = async (cle: string) => (await lac.runtime.storage.head(cle))!.etag;
    const m = manifeste.marts;
    for (const f of [m.territoires, m.perimetresCls!, m.secretsCommunes!, ...Object.values(m.indicateurs), ...Object.values(manifeste.harmonisations)]) f.etag = await etag(f.cle);
    await writeFile(path.join(lac.lakeDir, 'marts', 'manifest.json'), JSON.stringify(manifeste));
    expect(await martsAJour(lac.runtime)).toBe(true);
    const indicateur = manifeste.marts.indicateurs['taux-pauvrete']!.cle;
    const [harmonisee] = Object.values(manifeste.harmonisations).filter((h) => h.dataset === 'filosofi-disp');
    await truncate(path.join(lac.lakeDir, indicateur), 1000);
    await truncate(path.join(lac.lakeDir, harmonisee!.cle), 1000);
    const entrees = await empreinteDossier(path.join(lac.lakeDir, 'lake'));
    expect(await martsAJour(lac.runtime)).toBe(false);
    const api = createApi(lac.runtime, { journal: () => {} });
    expect((await appelGet(api, ROUTES[1]!)).status).toBe(503);

    const r = await calculerMarts(lac.runtime);
    expect(r.statut).toBe('calcule');
    // the damaged harmonisation made again (the others reused), the inputs untouched
    const refaite = r.manifeste.harmonisations[Object.keys(manifeste.harmonisations).find((k) => manifeste.harmonisations[k] === harmonisee)!]!;
    expect(refaite.lignes).toBe(harmonisee!.lignes);
    expect(refaite.etag).not.toBe(harmonisee!.etag);
    const autres = Object.entries(manifeste.harmonisations).filter(([, h]) => h !== harmonisee);
    for (const [k, h] of autres) expect(r.manifeste.harmonisations[k]!.etag, k).toBe(h.etag);
    expect(await empreinteDossier(path.join(lac.lakeDir, 'lake'))).toEqual(entrees);
    expect(await martsAJour(lac.runtime)).toBe(true);
    const valeurs = await appelGet(api, ROUTES[1]!);
    expect(valeurs.status).toBe(200);
    // the same answer as on the shared lake (values to 1e-9: parallel sums may change the last bits)
    const partage = await runtimeLacPartage(inject('lacPartage').lakeDir);
    try {
      type V = { valeurs: Array<{ code: string; statut: string; valeur: number | null }> };
      const attendu = JSON.parse((await appelGet(createApi(partage.runtime, { journal: () => {} }), ROUTES[1]!)).body) as V;
      const obtenu = JSON.parse(valeurs.body) as V;
      expect(obtenu.valeurs.map((v) => [v.code, v.statut])).toEqual(attendu.valeurs.map((v) => [v.code, v.statut]));
      obtenu.valeurs.forEach((v, i) => expect(Math.abs((v.valeur ?? 0) - (attendu.valeurs[i]!.valeur ?? 0)), v.code).toBeLessThan(1e-9));
    } finally {
      await partage.nettoyer();
    }
  });
});
