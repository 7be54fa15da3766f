import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiReponse } from '../../functions/src/core/api/router.ts';
import { createApi } from '../../functions/src/core/api/service.ts';
import { startLocalServer, type LocalServer } from '../../functions/src/server/local-server.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';

// Random and hostile requests through the API router (no HTTP, for speed), then a few hundred
// over real HTTP to the local server. Deterministic: the seed (FUZZ_SEED to change it) is printed
// in every failure message, with the request.
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let api: ReturnType<typeof createApi>;
let server: LocalServer;
const journal: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  api = createApi(ctx.runtime, { journal: (e) => journal.push(e) });
  server = await startLocalServer({ runtime: ctx.runtime, host: '127.0.0.1', port: 0, webRoot: null });
});
afterAll(async () => {
  await server.close();
  await ctx.nettoyer();
});

/** Park–Miller generator: the same requests for the same seed. */
function generateur(seed: number) {
  let etat = seed % 2147483647 || 1;
  const rnd = (n: number) => ((etat = (etat * 48271) % 2147483647), etat % n);
  const un = <T>(t: readonly T[]): T => t[rnd(t.length)]!;
  return { rnd, un };
}

const HOSTILES = [
  "' OR 1=1 --",
  "'; DROP TABLE territoires; --",
  ';DROP TABLE territoires',
  '") UNION SELECT * FROM read_csv(\'/etc/passwd\') --',
  '$code',
  '{{fichier}}',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '/etc/passwd',
  '\u0000',
  '%00',
  'a\u0000b',
  '\u202eevil\u202c',
  '\u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '💩',
  '👨‍👩‍👧‍👦',
  'e\u0301\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '9'.repeat(40),
  '-1',
  '-99999999999',
  '1e308',
  'NaN',
  'Infinity',
  '0x1F',
  '',
  ' ',
  '%',
  '%ZZ',
  '%E0%A4%A',
  'x'.repeat(5000),
  'é'.repeat(300),
  '<script>alert(1)</script>',
  '${7*7}',
  'null',
  'undefined',
  '[]',
  '{"a":1}',
  'CLS-78-VGP',
  'CLS-78-VGP.v1',
  'CLS-78-VGP.v9999',
  'cls-78-vgp',
];
const IDS = ['population-municipale', 'taux-mortalite-brute', 'niveau-vie-median', 'taux-pauvrete', 'rapport-interdecile', 'taux-chomage', 'esperance-vie-naissance-femmes', 'inconnu', 'TAUX-PAUVRETE'];
const NIVEAUX = ['commune', 'epci', 'departement', 'region', 'france', 'cls', 'Commune', 'canton', ''];
const CODES: Record<string, readonly string[]> = {
  commune: ['42218', '2A004', '01001', '97101', '99999', '4221'],
  epci: ['200046977', '244200770', '123456789'],
  departement: ['2A', '42', '971', '976', '00', '20'],
  region: ['84', '94', '01', '2A'],
  france: ['FR', 'fr', 'XX'],
  cls: ['CLS-78-VGP', 'CLS-78-VGP.v1', 'cls-1', 'CLS-00-INCONNU', 'CLS-78-VGP.v9', 'CLS-2A-AJACCIO-QPV', 'CLS-78-VGP.v', 'CLS'],
};
/** Values of the headers the API reads (If-None-Match, Accept-Encoding): valid, odd and hostile. */
const ENTETES = ['gzip', 'br', 'gzip, deflate, br, zstd', 'identity;q=0', '*', 'gzip;q=abc', '*', 'W/"x"', '"', '"'.repeat(3000), 'a,'.repeat(3000)];
const SOUS = ['profil', 'series', 'communes', 'valeurs', 'inegalites', 'PROFIL', 'profil/x', ''];
const CLES = ['niveau', 'periode', 'format', 'indicateur', 'departement', 'region', 'q', 'limite', 'tri', 'ordre', 'decalage', 'date', 'code', 'x', '', '__proto__', 'constructor'];
const VALEURS: Record<string, readonly string[]> = {
  niveau: ['departement', 'region', 'france', 'commune', 'cls', 'canton'],
  periode: ['2013-2018', '2019', '2021', '2023', '1789', '2019-'],
  format: ['json', 'csv', 'CSV', 'xml'],
  indicateur: IDS,
  departement: ['2A', '42', '999', '2C'],
  region: ['84', '94', '2A'],
  q: ['saint etienne', 'ly', 'a'],
  limite: ['5', '0', '51', '-3'],
  tri: ['code', 'libelle', 'valeur'],
  ordre: ['asc', 'desc', 'up'],
  decalage: ['0', '10', '99999999'],
};

function requete(g: ReturnType<typeof generateur>, methodes: readonly string[]): { methode: string; chemin: string; requete: string } {
  const { rnd, un } = g;
  const methode = rnd(10) < 8 ? 'GET' : un(methodes);
  const hostile = () => (rnd(2) === 0 ? encodeURIComponent(un(HOSTILES)) : un(HOSTILES));
  const segment = (valides: readonly string[]) => (rnd(10) < 7 ? un(valides) : hostile());
  let chemin: string;
  const forme = rnd(10);
  if (forme < 3) {
    chemin = `/api/indicateurs/${segment(IDS)}${rnd(3) === 0 ? '' : `/${segment(['valeurs', 'valeurs', 'autre'])}`}`;
  } else if (forme < 8) {
    const niveau = segment(NIVEAUX);
    chemin = `/api/territoires/${niveau}/${segment(CODES[niveau] ?? CODES.commune!)}${rnd(4) === 0 ? '' : `/${segment(SOUS)}`}`;
  } else if (forme < 9) {
    chemin = un(['/api/cls/couverture', '/api/cls/epci-non-couverts', `/api/cls/${hostile()}`, '/api/indicateurs', '/api/territoires', '/api/sources', '/api', '/', '/api/', '//api//indicateurs', '/api/indicateurs/']);
  } else {
    chemin = `/${Array.from({ length: 1 + rnd(6) }, () => hostile()).join('/')}`;
  }
  const params: string[] = [];
  for (let k = rnd(5); k > 0; k--) {
    const cle = rnd(8) === 0 ? hostile() : un(CLES);
    const valeur = rnd(4) === 0 ? hostile() : un(VALEURS[cle] ?? HOSTILES);
    params.push(`${rnd(6) === 0 ? cle : encodeURIComponent(cle)}=${rnd(3) === 0 ? valeur : encodeURIComponent(valeur)}`);
    if (rnd(12) === 0) params.push(params.at(-1)!); // repeated parameter
  }
  return { methode, chemin, requete: params.join('&') };
}

/** Every answer: no 5xx; a 4xx is a French JSON error naming the parameter when one is at fault. */
function verifier(r: { status: number; headers: Record<string, string>; body: string }, methode: string, contexte: string): void {
  expect(r.status, contexte).toBeLessThan(500);
  expect(r.status, contexte).toBeGreaterThanOrEqual(200);
  if (methode === 'HEAD') return;
  if (r.status === 304) {
    // only a cached profile, for a client naming its ETag
    expect(r.headers.etag, contexte).toMatch(/^"[\w-]+"$/);
    expect(r.body, contexte).toBe('');
    return;
  }
  if (r.status === 200) {
    expect(r.headers['content-type'], contexte).toMatch(/^(application\/json|text\/csv); charset=utf-8$/);
    return;
  }
  expect(r.headers['content-type'], contexte).toBe('application/json; charset=utf-8');
  const { erreur } = JSON.parse(r.body) as { erreur: { code: string; message: string; parametre?: string } };
  expect(erreur.code, contexte).toMatch(/^[a-z_]+$/);
  // French: accented words or French function words, never a stack or an engine message
  expect(erreur.message, contexte).toMatch(/[éèàç]|\b(?:de|du|le|la|les|pour|inconnue?|invalide|manquant)\b/i);
  expect(erreur.message, contexte).not.toMatch(/duckdb|parquet|Error:|at \w+ \(|\/tmp\/|\.lake/i);
  if (erreur.code === 'parametre_invalide') expect(erreur.parametre, contexte).toEqual(expect.any(String));
}

describe('fuzzing the API', () => {
  it('10 000 random and hostile requests through the router: no 5xx, French errors', async () => {
    const g = generateur(SEED);
    const h = generateur(SEED + 2);
    const statuts = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const req = requete(g, ['HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'get', 'G\u00c9T', '', 'X'.repeat(200)]);
      // request headers from their own generator (the paths stay those of the seed)
      const entetes = { 'if-none-match': h.rnd(3) === 0 ? undefined : h.un([...ENTETES, ...HOSTILES]), 'accept-encoding': h.rnd(3) === 0 ? undefined : h.un([...ENTETES, ...HOSTILES]) };
      const contexte = `FUZZ_SEED=${SEED}, requête n°${i} : ${req.methode.slice(0, 20)} ${req.chemin.slice(0, 200)}?${req.requete.slice(0, 200)} ${JSON.stringify(entetes).slice(0, 200)}`;
      const r: ApiReponse = await api({ ...req, entetes });
      statuts.set(r.status, (statuts.get(r.status) ?? 0) + 1);
      // a failure shows what the API logged for this request
      const logue = journal.filter((e) => e.correlationId === r.headers['x-correlation-id']);
      verifier(r, req.methode, logue.length === 0 ? contexte : `${contexte} ; journal : ${JSON.stringify(logue).slice(0, 2000)}`);
    }
    expect(journal.filter((e) => e.niveau === 'error'), `FUZZ_SEED=${SEED}`).toEqual([]);
    // the generator reaches real answers too, not only refusals
    expect(statuts.get(200) ?? 0, `FUZZ_SEED=${SEED} ${JSON.stringify([...statuts])}`).toBeGreaterThan(200);
    expect(statuts.get(400) ?? 0).toBeGreaterThan(1000);
    expect(statuts.get(404) ?? 0).toBeGreaterThan(500);
  }, 300_000);

  it('300 of them over real HTTP to the local server', async () => {
    const g = generateur(SEED + 1);
    for (let i = 0; i < 300; i++) {
      const req = requete(g, ['HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      const contexte = `FUZZ_SEED=${SEED}+1, requête HTTP n°${i} : ${req.methode} ${req.chemin.slice(0, 200)}?${req.requete.slice(0, 200)}`;
      let url: string;
      try {
        url = new URL(`${server.url}${req.chemin}${req.requete ? `?${req.requete}` : ''}`).href;
      } catch {
        continue; // not a URL a client could send
      }
      const r = await fetch(url, { method: req.methode, body: ['POST', 'PUT', 'PATCH'].includes(req.methode) ? 'x' : undefined });
      const body = await r.text();
      // paths outside /api are the static site (not built here: a plain 404)
      if (!new URL(url).pathname.startsWith('/api')) {
        expect(r.status, contexte).toBeLessThan(500);
        continue;
      }
      verifier({ status: r.status, headers: Object.fromEntries(r.headers), body }, req.methode, contexte);
    }
  }, 120_000);
});
