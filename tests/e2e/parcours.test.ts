import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProfilReponse, SeriesReponse, TerritoireReponse } from '../../functions/src/core/model/api-types.ts';
import { comparaison, EXEMPLE_FICTIF, formatValeur, intervalle, libelleApproximation, RAISONS_STATUT, remarques, sourcesConnues, sourceValeur } from '../../web/src/lib/profil.ts';
import { formatNombre } from '../../functions/src/core/model/format.ts';
import { preparerLac } from '../../functions/src/cli/prepare.ts';
import { loadConfig } from '../../functions/src/core/config.ts';
import { createRuntime, type Runtime } from '../../functions/src/core/runtime.ts';
import type { SourcesReponse } from '../../functions/src/core/model/api-types.ts';
import { startLocalServer, type LocalServer } from '../../functions/src/server/local-server.ts';

/**
 * The user's path through the real thing: the built web app (web/build, see global-setup.ts)
 * served by the real local server, whose API reads a lake prepared from the project's data/.
 * Chromium is Debian's (apt-get install chromium).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SORTIE = path.join(REPO, 'tests', 'output');

let dir: string;
let runtime: Runtime;
let server: LocalServer;
let browser: Browser;
let page: Page;
let erreursPage: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-e2e-'));
  runtime = await createRuntime(
    loadConfig({ STORAGE_MODE: 'fs', LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') }),
  );
  await preparerLac(runtime, { dataDir: path.join(REPO, 'data') });
  server = await startLocalServer({ runtime, host: '127.0.0.1', port: 0, webRoot: path.join(REPO, 'web', 'build') });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  await mkdir(SORTIE, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await runtime?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'fr-FR' });
  erreursPage = [];
  page.on('pageerror', (e) => erreursPage.push(e.message));
});

afterEach(async () => {
  await page.close();
});

async function api<T>(chemin: string): Promise<T> {
  const r = await fetch(server.url + chemin);
  expect(r.status, chemin).toBe(200);
  return (await r.json()) as T;
}

describe('parcours', () => {
  it('searches without accents, opens the commune and shows its population with its source', async () => {
    // The API is the reference: the page must show exactly its value, French-formatted.
    const attendu = await api<TerritoireReponse>('/api/territoires/commune/42218');
    expect(attendu.libelle).toBe('Saint-Étienne');
    expect(attendu.population.valeur).toBeGreaterThan(100_000);

    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await expect(page.title()).resolves.toBe('Santé territoires');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');

    const champ = page.getByLabel('Rechercher un territoire');
    await champ.pressSequentially('saint etienne', { delay: 20 });
    const lien = page.getByRole('link', { name: 'Saint-Étienne', exact: true });
    await lien.waitFor();
    const resultat = page.locator('li', { has: lien });
    expect(await resultat.textContent()).toContain(formatNombre(attendu.population.valeur));

    await lien.click();
    await page.waitForURL('**/territoires/commune/42218');
    await page.getByRole('heading', { level: 1, name: /Saint-Étienne/ }).waitFor();
    expect(await page.getByTestId('population').textContent()).toBe(formatNombre(attendu.population.valeur));
    const source = (await page.getByTestId('source-population').textContent()) ?? '';
    expect(source).toContain(`Source : ${attendu.population.source.producteur}`);
    expect(source).toContain(`millésime ${attendu.population.source.millesime}`);
    expect(erreursPage).toEqual([]);
  });

  it('stays on the territory clicked while a search was still pending (the pending search does not bring the user back)', async () => {
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    const champ = page.getByLabel('Rechercher un territoire');
    await champ.fill('saint etienne');
    const lien = page.getByRole('link', { name: 'Saint-Étienne', exact: true });
    await lien.waitFor();
    // the territory answers slowly (latency injected at the network edge): the navigation is
    // still under way when the pending search's delay ends
    await page.route('**/api/territoires/commune/42218', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    // one more character: a search is now pending (250 ms); the result is clicked at once
    await champ.press('e');
    await lien.click();
    await page.getByRole('heading', { level: 1, name: /Saint-Étienne/ }).waitFor();
    // longer than the pending delay: still there
    await page.waitForTimeout(600);
    expect(new URL(page.url()).pathname).toBe('/territoires/commune/42218');
    expect(erreursPage).toEqual([]);
  });

  it("shows an EPCI's communes as a bar chart and a table, and saves a screenshot", async () => {
    const resultats = await api<{ resultats: Array<{ niveau: string; code: string; libelle: string }> }>(
      '/api/territoires?q=saint%20etienne%20metropole',
    );
    const epci = resultats.resultats.find((r) => r.niveau === 'epci');
    expect(epci?.libelle).toBe('Saint-Étienne Métropole');
    const attendu = await api<TerritoireReponse>(`/api/territoires/epci/${epci!.code}`);
    const communes = await api<{ total: number }>(`/api/territoires/epci/${epci!.code}/communes?limite=1`);
    expect(communes.total).toBeGreaterThan(25);

    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await page.getByLabel('Rechercher un territoire').fill('saint etienne metropole');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('link', { name: 'Saint-Étienne Métropole', exact: true }).click();
    await page.waitForURL(`**/territoires/epci/${epci!.code}`);

    expect(await page.getByTestId('population').textContent()).toBe(formatNombre(attendu.population.valeur));
    expect(await page.getByTestId('source-population').textContent()).toMatch(/^Source : Insee, .*millésime \d{4}/);
    // Breadcrumb of parents, as links.
    const fil = page.getByRole('navigation', { name: "Fil d'Ariane" });
    for (const parent of attendu.parents) {
      await expect(fil.getByRole('link', { name: new RegExp(parent.libelle) }).count()).resolves.toBe(1);
    }

    // The chart: top 25 bars, French tick labels, an accessible name.
    const svg = page.locator('figure svg[aria-label]');
    await svg.locator('rect').first().waitFor();
    expect(await svg.locator('rect').count()).toBe(25);
    expect(await svg.getAttribute('aria-label')).toContain(
      `25 communes les plus peuplées sur ${formatNombre(communes.total)}`,
    );
    const ticks = await svg.locator('[aria-label="x-axis tick label"] text').allTextContents();
    expect(ticks).toContain(`100\u202f000`);

    // The table alternative: every commune of the EPCI.
    const tableau = page.locator('section[aria-labelledby="titre-communes"] table');
    expect(await tableau.locator('caption').textContent()).toContain('Saint-Étienne Métropole');
    expect(await tableau.locator('tbody tr').count()).toBe(communes.total);
    expect(await tableau.locator('tbody tr').first().textContent()).toContain('Saint-Étienne');

    await page.screenshot({ path: path.join(SORTIE, 'territoire-epci.png'), fullPage: true });
    expect(erreursPage).toEqual([]);
  });

  it("lists a CLS perimeter's member communes from a deep link", async () => {
    const attendu = await api<TerritoireReponse>('/api/territoires/cls/CLS-78-VGP');
    const communes = await api<{ total: number; communes: Array<{ libelle: string }> }>('/api/territoires/cls/CLS-78-VGP/communes?limite=1000');
    expect(communes.total).toBeGreaterThan(5);
    await page.goto(`${server.url}/territoires/cls/CLS-78-VGP`, { waitUntil: 'networkidle' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(attendu.libelle);
    expect(await page.getByTestId('population').textContent()).toBe(formatNombre(attendu.population.valeur));
    const tableau = page.locator('section[aria-labelledby="titre-communes"] table');
    expect(await tableau.locator('tbody tr').count()).toBe(communes.total);
    expect(await tableau.locator('tbody tr').first().textContent()).toContain(communes.communes[0]!.libelle);
    expect(erreursPage).toEqual([]);
  });

  it('shows the indicators of an EPCI by portrait and theme, with intervals, approximations and comparisons, as the API gives them', async () => {
    const profil = await api<ProfilReponse>('/api/territoires/epci/200046977/profil');
    const tous = profil.portraits.flatMap((p) => p.themes.flatMap((t) => t.indicateurs));
    const chomage = tous.find((i) => i.indicateur === 'taux-chomage')!;
    const pauvrete = tous.find((i) => i.indicateur === 'taux-pauvrete')!;
    expect(chomage.valeur).toEqual(expect.any(Number));
    expect(pauvrete.approximation).not.toBeNull();

    await page.goto(`${server.url}/territoires/epci/200046977`, { waitUntil: 'networkidle' });
    const section = page.locator('section[aria-labelledby="titre-indicateurs"]');
    await section.locator('h3').first().waitFor();
    expect(await section.locator('h3').allTextContents()).toEqual(profil.portraits.map((p) => p.libelle));
    // every indicator with a value or a reason is a row, in the API's order; the others are named below
    const lignes = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-indicateur')));
    expect(lignes).toEqual(tous.filter((i) => i.statut !== 'non_disponible').map((i) => i.indicateur));
    const indisponibles = tous.filter((i) => i.statut === 'non_disponible');
    expect(indisponibles.length).toBeGreaterThan(0);
    expect((await section.locator('.indisponibles').allTextContents()).join(' ')).toContain(indisponibles[0]!.libelleCourt);

    // the unemployment rate: value, interval, and the three comparisons worded from the API's flags
    const ligne = section.locator('tr[data-indicateur="taux-chomage"]');
    expect(await ligne.getByTestId('valeur').textContent()).toBe(formatValeur(chomage.valeur, chomage));
    expect(await ligne.textContent()).toContain(intervalle(chomage)!);
    for (const [cle, drapeau] of [['departement', chomage.drapeau_departement], ['region', chomage.drapeau_region], ['france', chomage.drapeau_france]] as const) {
      expect(await ligne.getByTestId(`comparaison-${cle}`).textContent(), cle).toBe(comparaison(drapeau)!.texte);
    }
    // its source, named as GET /api/sources describes the dataset
    const sources = sourcesConnues(await api<SourcesReponse>('/api/sources'));
    expect(await ligne.getByTestId('source').textContent()).toBe(sourceValeur(chomage, sources));
    expect(sourceValeur(chomage, sources)).toContain('(Insee), millésime');
    // an approximated reference value says so too (the France median, averaged over communes)
    const mediane = tous.find((i) => i.indicateur === 'niveau-vie-median')!;
    expect(mediane.approximation_france).not.toBeNull();
    expect(await section.locator('tr[data-indicateur="niveau-vie-median"]').getByTestId('approximation-france').textContent()).toBe(libelleApproximation(mediane.approximation_france!));
    // an approximated perimeter value says so
    expect(await section.locator('tr[data-indicateur="taux-pauvrete"]').textContent()).toContain(remarques(pauvrete)[0]!);
    // the CSV of the same profile
    const href = await section.getByTestId('profil-csv').getAttribute('href');
    expect(href).toBe('/api/territoires/epci/200046977/profil?format=csv');
    const csv = await fetch(server.url + href!);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // the periods of one indicator, for the territory and its references: a chart and its table
    const series = await api<SeriesReponse>('/api/territoires/epci/200046977/series?indicateur=taux-pauvrete');
    const bouton = section.locator('tr[data-indicateur="taux-pauvrete"] button');
    expect(await bouton.getAttribute('aria-expanded')).toBe('false');
    await bouton.click();
    expect(await bouton.getAttribute('aria-expanded')).toBe('true');
    const evolution = section.getByTestId('evolution');
    await evolution.locator('svg[aria-label^="Évolution"]').waitFor();
    expect(await evolution.locator('svg[aria-label^="Évolution"] [aria-label="line"] path').count()).toBe(series.series.length);
    const periodes = series.series[0]!.valeurs.map((v) => v.periode);
    expect(await evolution.locator('tbody th').allTextContents()).toEqual(periodes);
    const derniere = series.series[0]!.valeurs.at(-1)!;
    expect(await evolution.locator('tbody tr').last().locator('td').first().textContent()).toBe(formatValeur(derniere.valeur, pauvrete));
    await page.screenshot({ path: path.join(SORTIE, 'territoire-indicateurs.png'), fullPage: true });
    await bouton.click();
    expect(await evolution.count()).toBe(0);
    expect(erreursPage).toEqual([]);
  });

  it('marks a synthetic example and compares it with nothing; on a phone the tables scroll in their frame, not the page', async () => {
    const profil = await api<ProfilReponse>('/api/territoires/region/84/profil');
    const exemples = profil.portraits.flatMap((p) => p.themes.flatMap((t) => t.indicateurs)).filter((i) => i.synthetique && i.valeur !== null);
    expect(exemples.length).toBeGreaterThan(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/territoires/region/84`, { waitUntil: 'networkidle' });
    for (const i of exemples) {
      const ligne = page.locator(`tr[data-indicateur="${i.indicateur}"]`);
      await ligne.waitFor();
      expect(await ligne.getByTestId('exemple-fictif').textContent(), i.indicateur).toBe('exemple fictif');
      expect(await ligne.textContent()).toContain(EXEMPLE_FICTIF);
      expect(await ligne.locator('[data-testid^="comparaison-"]').count(), i.indicateur).toBe(0);
    }
    const largeurs = await page.evaluate(() => {
      const cadre = document.querySelector('section[aria-labelledby="titre-indicateurs"] .tableau') as HTMLElement;
      const colonnes = [...cadre.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect().width);
      return { page: document.documentElement.scrollWidth, fenetre: window.innerWidth, cadre: cadre.clientWidth, contenu: cadre.scrollWidth, plusEtroite: Math.min(...colonnes) };
    });
    expect(largeurs.page).toBeLessThanOrEqual(largeurs.fenetre);
    expect(largeurs.contenu).toBeGreaterThan(largeurs.cadre);
    expect(largeurs.plusEtroite).toBeGreaterThan(60);
    await page.screenshot({ path: path.join(SORTIE, 'territoire-telephone.png') });
    expect(erreursPage).toEqual([]);
  });

  it("says why a commune's value is not shown (INSEE secrecy), never a number", async () => {
    const profil = await api<ProfilReponse>('/api/territoires/commune/01001/profil');
    const pauvrete = profil.portraits.flatMap((p) => p.themes.flatMap((t) => t.indicateurs)).find((i) => i.indicateur === 'taux-pauvrete')!;
    expect([pauvrete.statut, pauvrete.valeur]).toEqual(['secret', null]);
    await page.goto(`${server.url}/territoires/commune/01001`, { waitUntil: 'networkidle' });
    const ligne = page.locator('tr[data-indicateur="taux-pauvrete"]');
    await ligne.waitFor();
    expect(await ligne.getByTestId('raison').textContent()).toBe(RAISONS_STATUT.secret);
    expect(await ligne.getByTestId('valeur').count()).toBe(0);
    expect(await ligne.locator('[data-testid^="comparaison-"]').count()).toBe(0);
    expect(erreursPage).toEqual([]);
  });

  it('lists the sources of the data, from the footer link', async () => {
    const { sources } = await api<SourcesReponse>('/api/sources');
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await page.getByRole('link', { name: 'Sources des données' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sources des données' }).waitFor();
    expect(await page.getByRole('heading', { level: 2 }).count()).toBe(sources.length);
    const pop = page.getByRole('region', { name: 'Populations légales des communes' });
    expect(await pop.locator('tbody tr').first().textContent()).toContain('donnees_communes.csv');
    expect(await pop.locator('tbody tr').first().textContent()).toContain('34\u202f900');
    expect(erreursPage).toEqual([]);
  });

  it('shows "Territoire introuvable" for a deep link to an unknown territory', async () => {
    const reponse = await page.goto(`${server.url}/territoires/departement/00`, { waitUntil: 'networkidle' });
    expect(reponse?.status()).toBe(200); // the SPA fallback page
    await page.getByRole('heading', { level: 1, name: 'Territoire introuvable' }).waitFor();
    expect(await page.getByRole('link', { name: 'Rechercher un autre territoire' }).count()).toBe(1);
    expect(erreursPage).toEqual([]);
  });

  it("shows the API's French message for an invalid code", async () => {
    const r = await fetch(`${server.url}/api/territoires/epci/abc`);
    expect(r.status).toBe(400);
    const { erreur } = (await r.json()) as { erreur: { message: string } };

    await page.goto(`${server.url}/territoires/epci/abc`, { waitUntil: 'networkidle' });
    await page.getByRole('heading', { level: 1, name: 'Requête invalide' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(erreur.message);
    expect(erreursPage).toEqual([]);
  });

  it('says so when the API cannot be reached', async () => {
    // The only injected failure: the network edge (requests to /api are dropped by the browser).
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.goto(`${server.url}/territoires/epci/244200770`, { waitUntil: 'networkidle' });
    await page.getByRole('heading', { level: 1, name: 'Service injoignable' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('injoignable');
  });

  it('keeps the territory when only its indicators cannot be loaded, and says why', async () => {
    // injected failure at the network edge: the profile request alone is dropped
    await page.route('**/api/territoires/epci/244200770/profil', (route) => route.abort('connectionrefused'));
    await page.goto(`${server.url}/territoires/epci/244200770`, { waitUntil: 'networkidle' });
    await page.getByTestId('population').waitFor();
    const alerte = page.locator('section[aria-labelledby="titre-indicateurs"] [role="alert"]');
    await alerte.waitFor();
    expect(await alerte.textContent()).toContain("Les indicateurs n'ont pas pu être chargés\u00a0: Le service de données est injoignable");
    expect(await page.locator('section[aria-labelledby="titre-communes"] tbody tr').count()).toBeGreaterThan(0);
    expect(erreursPage).toEqual([]);
  });

  it('offers a skip link to the main content as the first focusable element', async () => {
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => ({
      texte: document.activeElement?.textContent?.trim(),
      href: document.activeElement?.getAttribute('href'),
    }));
    expect(focus).toEqual({ texte: 'Aller au contenu', href: '#contenu' });
  });
});
