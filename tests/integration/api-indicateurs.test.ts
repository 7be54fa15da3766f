import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../functions/src/core/api/service.ts';
import { INDICATEURS } from '../../functions/src/core/indicateurs/registry.ts';
import type {
  CatalogueReponse,
  CommunesIndicateurReponse,
  CommunesReponse,
  ErreurReponse,
  FicheIndicateurReponse,
  ProfilReponse,
  SeriesReponse,
  ValeurIndicateur,
  ValeursReponse,
} from '../../functions/src/core/model/api-types.ts';
import { COMPARAISONS, LIBELLES_STATUT } from '../../functions/src/core/model/libelles.ts';
import { normaliserRecherche } from '../../functions/src/core/model/niveaux.ts';
import type { Runtime } from '../../functions/src/core/runtime.ts';
import { runtimeLacPartage } from '../helpers/lac.ts';
import { appelGet, lireJson } from '../helpers/api.ts';

// The indicator endpoints on the lake prepared from data/ (real extracts → engine → marts → API).
let ctx: Awaited<ReturnType<typeof runtimeLacPartage>>;
let runtime: Runtime;
let api: ReturnType<typeof createApi>;

const appel = (url: string) => appelGet(api, url);
const get = <T>(url: string): Promise<T> => lireJson<T>(api, url);

/** A `;` CSV with a BOM and quoted cells, as the API writes it. */
function lireCsv(texte: string): string[][] {
  expect(texte.charCodeAt(0)).toBe(0xfeff);
  const lignes: string[][] = [];
  let ligne: string[] = [];
  let cellule = '';
  let guillemets = false;
  for (let i = 1; i < texte.length; i++) {
    const c = texte[i]!;
    if (guillemets) {
      if (c === '"' && texte[i + 1] === '"') (cellule += '"'), i++;
      else if (c === '"') guillemets = false;
      else cellule += c;
    } else if (c === '"') guillemets = true;
    else if (c === ';') ligne.push(cellule), (cellule = '');
    else if (c === '\r' && texte[i + 1] === '\n') {
      ligne.push(cellule);
      lignes.push(ligne);
      (ligne = []), (cellule = ''), i++;
    } else cellule += c;
  }
  return lignes;
}

/** A CSV number back to a JS number (decimal comma, no thousands separator). */
const nombre = (s: string) => (s === '' ? null : Number(s.replace(',', '.')));

const COLONNES_NUMERIQUES: Record<string, keyof ValeurIndicateur> = {
  valeur: 'valeur',
  'IC bas': 'ic_bas',
  'IC haut': 'ic_haut',
  numérateur: 'numerateur',
  dénominateur: 'denominateur',
  couverture: 'couverture',
  'valeur département': 'valeur_departement',
  'p département': 'p_departement',
  'valeur région': 'valeur_region',
  'p région': 'p_region',
  'valeur France': 'valeur_france',
  'p France': 'p_france',
};

beforeAll(async () => {
  ctx = await runtimeLacPartage(inject('lacPartage').lakeDir);
  runtime = ctx.runtime;
  api = createApi(runtime, { journal: () => {} });
});
afterAll(async () => ctx.nettoyer());

const IDS_FIXES = ['population-municipale', 'taux-mortalite-brute', 'niveau-vie-median', 'taux-pauvrete', 'rapport-interdecile', 'taux-chomage'];

describe('GET /api/indicateurs', () => {
  it('lists every indicator of the registry with its theme and portrait, in registry order', async () => {
    const c = await get<CatalogueReponse>('/api/indicateurs');
    expect(c.indicateurs.map((i) => i.id)).toEqual(INDICATEURS.map((i) => i.definition.id));
    expect(c.portraits.map((p) => p.id)).toEqual(['territoire', 'sante', 'ressources']);
    expect(c.themes.find((t) => t.id === 'etat-sante')).toEqual({ id: 'etat-sante', libelle: 'État de santé', portrait: 'sante' });
    for (const id of IDS_FIXES) expect(c.indicateurs.find((i) => i.id === id), id).toMatchObject({ calcule: true });
    expect(c.indicateurs.find((i) => i.id === 'taux-mortalite-brute')).toMatchObject({ theme: 'etat-sante', libelleTheme: 'État de santé', portrait: 'sante', secret: 'sante', unite: '‰' });
    const csv = lireCsv((await appel('/api/indicateurs?format=csv')).body);
    expect(csv[0]!.slice(0, 3)).toEqual(['indicateur', 'libellé', 'libellé court']);
    expect(csv.slice(1).map((l) => l[0])).toEqual(c.indicateurs.map((i) => i.id));
  });
});

describe('GET /api/indicateurs/{id}', () => {
  it('gives the definition, the periods present in the mart and its row count', async () => {
    const f = await get<FicheIndicateurReponse>('/api/indicateurs/taux-mortalite-brute');
    expect(f).toMatchObject({ id: 'taux-mortalite-brute', methode: 'taux', secret: 'sante', comparable: true, numerateur: expect.any(String) });
    expect(f.periodesDisponibles.commune).toEqual(['2013-2018']);
    expect(f.periodesDisponibles.region).toContain('1968-1975');
    // oldest first, the latest (by end year) last
    expect(f.periodesDisponibles.departement!.at(-1)).toBe('2023');
    // the catalogue's periods are the mart's, at any level (not the ones the definition names)
    const c = await get<CatalogueReponse>('/api/indicateurs');
    const toutes = new Set(Object.values(f.periodesDisponibles).flat());
    const resume = c.indicateurs.find((i) => i.id === 'taux-mortalite-brute')!;
    expect(new Set(resume.periodes)).toEqual(toutes);
    expect(resume.periodes).toContain('1968-1975');
    expect(f.lignes).toBeGreaterThan(30_000);
    expect(f.sources.length).toBeGreaterThan(0);
    expect(JSON.stringify(f)).not.toMatch(/SELECT|read_parquet/i);
  });

  it('404s an unknown id, naming it (truncated)', async () => {
    const r = await appel(`/api/indicateurs/${'x'.repeat(300)}`);
    expect(r.status).toBe(404);
    const { erreur } = JSON.parse(r.body) as ErreurReponse;
    expect(erreur.message).toContain('x'.repeat(60));
    expect(erreur.message).not.toContain('x'.repeat(61));
  });
});

describe('GET /api/indicateurs/{id}/valeurs', () => {
  it('population-municipale equals the territories mart at every level', async () => {
    await get('/api/indicateurs');
    const mart = await runtime.db.all<{ niveau: string; code: string; population: number | null }>('SELECT niveau, code, population FROM territoires ORDER BY niveau, code');
    for (const niveau of ['commune', 'epci', 'departement', 'region', 'france']) {
      const r = await get<ValeursReponse>(`/api/indicateurs/population-municipale/valeurs?niveau=${niveau}`);
      expect(r.periode, niveau).toBe('2023');
      const attendu = new Map(mart.filter((m) => m.niveau === niveau).map((m) => [m.code, m.population]));
      const servi = new Map(r.valeurs.map((v) => [v.code, v.valeur]));
      // every served code is a territory; a territory without a row has no population (Mayotte)
      expect([...servi.keys()].filter((c) => !attendu.has(c)), niveau).toEqual([]);
      for (const [code, population] of attendu) expect(servi.get(code) ?? null, `${niveau} ${code}`).toBe(population);
    }
    // and the communes of a département add up to it
    const communes = await get<ValeursReponse>('/api/indicateurs/population-municipale/valeurs?niveau=commune&departement=2A');
    const dep = await get<ValeursReponse>('/api/indicateurs/population-municipale/valeurs?niveau=departement&region=94');
    expect(communes.valeurs.reduce((s, v) => s + (v.valeur ?? 0), 0)).toBe(dep.valeurs.find((v) => v.code === '2A')!.valeur);
    expect(dep.valeurs.map((v) => v.code)).toEqual(['2A', '2B']);
  });

  it('taux-mortalite-brute 2013-2018 by commune and département, with intervals and comparisons', async () => {
    const c = await get<ValeursReponse>('/api/indicateurs/taux-mortalite-brute/valeurs?niveau=commune&periode=2013-2018');
    expect(c.valeurs.length).toBeGreaterThan(34_000);
    const ajaccio = c.valeurs.find((v) => v.code === '2A004')!;
    expect(ajaccio).toMatchObject({ libelle: 'Ajaccio', statut: 'ok', departement_reference: '2A', region_reference: '94', methode_ic: expect.any(String) });
    expect(ajaccio.ic_bas!).toBeLessThan(ajaccio.valeur!);
    expect(ajaccio.ic_haut!).toBeGreaterThan(ajaccio.valeur!);
    const d = await get<ValeursReponse>('/api/indicateurs/taux-mortalite-brute/valeurs?niveau=departement&periode=2013-2018');
    expect(d.periodes).toEqual(['2013-2018', '2023']);
    expect(d.valeurs.find((v) => v.code === '2A')!.valeur).toBeCloseTo(ajaccio.valeur_departement!, 10);
    // the default period is the latest compared with France: 2013-2018, not the département-only published 2023
    expect((await get<ValeursReponse>('/api/indicateurs/taux-mortalite-brute/valeurs?niveau=departement')).periode).toBe('2013-2018');
    // and it is what a département's profile shows, compared like its EPCI's
    const profil = await get<ProfilReponse>('/api/territoires/departement/2A/profil');
    const mortalite = profil.portraits.flatMap((p) => p.themes.flatMap((t) => t.indicateurs)).find((i) => i.indicateur === 'taux-mortalite-brute')!;
    expect(mortalite).toMatchObject({ periode: '2013-2018', region_reference: '94' });
    expect(mortalite.valeur_france).not.toBeNull();
    // a period of values compared with nothing stays the default where there is no other (life expectancy, 2023)
    expect((await get<ValeursReponse>('/api/indicateurs/esperance-vie-naissance-femmes/valeurs?niveau=departement')).periode).toBe('2023');
  });

  it.each(['niveau-vie-median', 'taux-pauvrete', 'rapport-interdecile', 'taux-chomage'])('%s is served at every level it has, by default the latest period with values', async (id) => {
    const f = await get<FicheIndicateurReponse>(`/api/indicateurs/${id}`);
    for (const niveau of ['commune', 'epci', 'departement', 'region'] as const) {
      if (!f.periodesDisponibles[niveau]) continue;
      const r = await get<ValeursReponse>(`/api/indicateurs/${id}/valeurs?niveau=${niveau}`);
      expect(r.periodes, `${id} ${niveau}`).toEqual(f.periodesDisponibles[niveau]);
      expect(r.valeurs.filter((v) => v.valeur !== null).length, `${id} ${niveau}`).toBeGreaterThan(0);
      // no later period holds a value
      for (const p of r.periodes.slice(r.periodes.indexOf(r.periode!) + 1)) {
        const plus = await get<ValeursReponse>(`/api/indicateurs/${id}/valeurs?niveau=${niveau}&periode=${p}`);
        expect(plus.valeurs.filter((v) => v.valeur !== null), `${id} ${niveau} ${p}`).toEqual([]);
      }
    }
    expect(Object.keys(f.periodesDisponibles)).toEqual(expect.arrayContaining(['commune', 'departement']));
  });

  it('CSV: BOM, `;`, decimal comma, French headers; parsed back it equals the JSON', async () => {
    const json = await get<ValeursReponse>('/api/indicateurs/taux-mortalite-brute/valeurs?niveau=departement&periode=2013-2018');
    const r = await appel('/api/indicateurs/taux-mortalite-brute/valeurs?niveau=departement&periode=2013-2018&format=csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="taux-mortalite-brute-departement-2013-2018.csv"');
    expect(r.body).toMatch(/;\d+,\d+;/);
    expect(r.body).not.toMatch(/higher_worse|lower_better|similar|not_computable|;ok;|;calcule;/);
    expect(r.body).toMatch(/;plus élevé · défavorable;/);
    const [entete, ...lignes] = lireCsv(r.body);
    expect(entete!.slice(0, 4)).toEqual(['code', 'libellé', 'valeur', 'IC bas']);
    expect(lignes.length).toBe(json.valeurs.length);
    lignes.forEach((l, i) => {
      const v = json.valeurs[i]!;
      expect(l[0]).toBe(v.code);
      expect(l[1]).toBe(v.libelle ?? '');
      // codes worded in French for spreadsheets; the JSON keeps the codes
      expect(l[entete!.indexOf('statut')]).toBe(LIBELLES_STATUT[v.statut]);
      expect(l[entete!.indexOf('comparaison France')]).toBe(v.drapeau_france === null ? '' : COMPARAISONS[v.drapeau_france].texte);
      for (const [colonne, cle] of Object.entries(COLONNES_NUMERIQUES)) expect(nombre(l[entete!.indexOf(colonne)]!), `${v.code} ${colonne}`).toBe(v[cle]);
    });
  });

  it('filters by département or région', async () => {
    const r = await get<ValeursReponse>('/api/indicateurs/taux-chomage/valeurs?niveau=commune&departement=2B');
    expect(r.filtre).toEqual({ departement: '2B' });
    expect(r.valeurs.length).toBeGreaterThan(200);
    expect(r.valeurs.every((v) => v.code.startsWith('2B'))).toBe(true);
  });
});

describe('GET /api/territoires/{niveau}/{code}/profil', () => {
  const cas = [
    ['commune', '42218', 'Saint-Étienne'],
    ['epci', '200046977', 'Métropole de Lyon'],
    ['departement', '2A', 'Corse-du-Sud'],
    ['france', 'FR', 'France'],
  ] as const;

  it('says which reference values are approximations, as the reference rows themselves do', async () => {
    const p = await get<ProfilReponse>('/api/territoires/epci/200046977/profil');
    const tous = p.portraits.flatMap((x) => x.themes.flatMap((t) => t.indicateurs));
    let approchees = 0;
    for (const i of tous.filter((x) => x.periode !== null && x.valeur_france !== null)) {
      const france = await get<ValeursReponse>(`/api/indicateurs/${i.indicateur}/valeurs?niveau=france&periode=${encodeURIComponent(i.periode!)}`);
      const dep = await get<ValeursReponse>(`/api/indicateurs/${i.indicateur}/valeurs?niveau=departement&periode=${encodeURIComponent(i.periode!)}`);
      const refFrance = france.valeurs[0]!;
      const refDep = dep.valeurs.find((v) => v.code === i.departement_reference)!;
      expect({ id: i.indicateur, valeur: i.valeur_france, approximation: i.approximation_france }).toEqual({ id: i.indicateur, valeur: refFrance.valeur, approximation: refFrance.approximation });
      expect({ id: i.indicateur, approximation: i.approximation_departement }).toEqual({ id: i.indicateur, approximation: refDep.valeur === null ? null : refDep.approximation });
      if (i.approximation_france !== null) approchees += 1;
    }
    // the median of France is not published in data/ (only France métropolitaine): averaged over communes, flagged
    expect(tous.find((i) => i.indicateur === 'niveau-vie-median')!.approximation_france).toBe('moyenne-ponderee-personnes');
    expect(tous.find((i) => i.indicateur === 'taux-chomage')!.approximation_france).toBeNull();
    expect(approchees).toBeGreaterThan(1);
  });

  it.each(cas)('%s %s: every indicator once, grouped by portrait then theme, latest period', async (niveau, code, libelle) => {
    const p = await get<ProfilReponse>(`/api/territoires/${niveau}/${code}/profil`);
    expect(p.territoire).toMatchObject({ niveau, code, libelle });
    expect(p.territoire.population).toBeGreaterThan(100_000);
    expect(p.portraits.map((x) => x.id)).toEqual(['territoire', 'sante', 'ressources']);
    const tous = p.portraits.flatMap((x) => x.themes.flatMap((t) => t.indicateurs));
    expect(tous.map((i) => i.indicateur).sort()).toEqual(INDICATEURS.map((i) => i.definition.id).sort());
    for (const t of p.portraits.flatMap((x) => x.themes)) expect(t.indicateurs.every((i) => INDICATEURS.find((d) => d.definition.id === i.indicateur)!.definition.theme === t.id)).toBe(true);
    const pop = tous.find((i) => i.indicateur === 'population-municipale')!;
    expect(pop).toMatchObject({ periode: '2023', valeur: p.territoire.population });
    // indicators without values at this level are listed, not dropped
    for (const i of tous) if (i.periode === null) expect(i).toMatchObject({ statut: 'non_disponible', valeur: null });
    // each value is the one of the values endpoint for that indicator and period
    for (const i of tous.filter((x) => x.periode !== null && ['taux-pauvrete', 'taux-mortalite-brute', 'niveau-vie-median'].includes(x.indicateur))) {
      const v = await get<ValeursReponse>(`/api/indicateurs/${i.indicateur}/valeurs?niveau=${niveau}&periode=${i.periode}`);
      const { code: _c, libelle: _l, ...attendu } = v.valeurs.find((x) => x.code === code)!;
      expect(i, i.indicateur).toMatchObject(attendu);
    }
  });

  it('compares with the département, région and France (values, flags, p-values)', async () => {
    const p = await get<ProfilReponse>('/api/territoires/commune/42218/profil');
    const mortalite = p.portraits.find((x) => x.id === 'sante')!.themes[0]!.indicateurs.find((i) => i.indicateur === 'taux-mortalite-brute')!;
    expect(mortalite).toMatchObject({ periode: '2013-2018', statut: 'ok', departement_reference: '42', region_reference: '84' });
    for (const k of ['valeur_departement', 'valeur_region', 'valeur_france', 'p_france'] as const) expect(mortalite[k], k).toEqual(expect.any(Number));
    expect(mortalite.drapeau_france).toMatch(/^(similar|higher_worse|higher_better|lower_better|lower_worse|higher|lower|not_computable)$/);
  });

  it('is cached (x-cache), in JSON and in CSV', async () => {
    const a = await appel('/api/territoires/departement/2B/profil');
    const b = await appel('/api/territoires/departement/2B/profil');
    expect([a.headers['x-cache'], b.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(b.body).toBe(a.body);
    const csv = await appel('/api/territoires/departement/2B/profil?format=csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="profil-departement-2B.csv"');
    const [entete, ...lignes] = lireCsv(csv.body);
    expect(entete!.slice(0, 6)).toEqual(['portrait', 'thème', 'indicateur', 'libellé', 'unité', 'période']);
    const json = JSON.parse(a.body) as ProfilReponse;
    const tous = json.portraits.flatMap((x) => x.themes.flatMap((t) => t.indicateurs));
    expect(lignes.map((l) => l[2])).toEqual(tous.map((i) => i.indicateur));
    lignes.forEach((l, i) => expect(nombre(l[entete!.indexOf('valeur')]!)).toBe(tous[i]!.valeur));
  });

  it('404s an unknown territory and is never cached as such', async () => {
    for (let k = 0; k < 2; k++) expect((await appel('/api/territoires/commune/99999/profil')).status).toBe(404);
  });
});

describe('GET /api/territoires/{niveau}/{code}/series', () => {
  it('gives every period of the territory and of its references', async () => {
    const s = await get<SeriesReponse>('/api/territoires/epci/200046977/series?indicateur=taux-pauvrete');
    expect(s.series.map((x) => [x.role, x.niveau, x.code])).toEqual([
      ['territoire', 'epci', '200046977'],
      ['departement', 'departement', '69'],
      ['region', 'region', '84'],
      ['france', 'france', 'FR'],
    ]);
    expect(s.series[1]!.libelle).toBe('Rhône');
    for (const x of s.series) expect(x.valeurs.length, x.code).toBeGreaterThan(0);
    const periodes = s.series[0]!.valeurs.map((v) => v.periode);
    expect(periodes).toEqual([...periodes].sort());
    const csv = lireCsv((await appel('/api/territoires/epci/200046977/series?indicateur=taux-pauvrete&format=csv')).body);
    expect(csv[0]!.slice(0, 5)).toEqual(['rôle', 'niveau', 'code', 'libellé', 'période']);
    expect(csv.length - 1).toBe(s.series.reduce((n, x) => n + x.valeurs.length, 0));
  });

  it('a région has no département reference; France has none', async () => {
    expect((await get<SeriesReponse>('/api/territoires/region/84/series?indicateur=taux-mortalite-brute')).series.map((x) => x.role)).toEqual(['territoire', 'france']);
    expect((await get<SeriesReponse>('/api/territoires/france/FR/series?indicateur=taux-mortalite-brute')).series.map((x) => x.role)).toEqual(['territoire']);
  });
});

describe('GET /api/territoires/{niveau}/{code}/communes?indicateur=', () => {
  it('lists every member commune with its value, for maps', async () => {
    const r = await get<CommunesIndicateurReponse>('/api/territoires/epci/200046977/communes?indicateur=niveau-vie-median');
    const sans = await get<CommunesReponse>('/api/territoires/epci/200046977/communes');
    expect(r.total).toBe(sans.total);
    expect(r.communes.map((c) => c.code).sort()).toEqual(sans.communes.map((c) => c.code).sort());
    expect(r.periode).toBe(r.periodes.at(-1));
    expect(r.communes.filter((c) => c.valeur !== null).length).toBeGreaterThan(40);
    const csv = await appel(`/api/territoires/epci/200046977/communes?indicateur=niveau-vie-median&periode=${r.periode}&format=csv`);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="communes-epci-200046977-niveau-vie-median-${r.periode}.csv"`);
    expect(lireCsv(csv.body).length - 1).toBe(r.total);
  });

  it('keeps its behaviour without indicateur, and offers CSV', async () => {
    const r = await get<CommunesReponse>('/api/territoires/departement/2A/communes?tri=libelle&limite=3');
    expect(r.communes.map((c) => c.libelle)).toEqual(['Afa', 'Ajaccio', 'Alata']);
    const csv = lireCsv((await appel('/api/territoires/departement/2A/communes?tri=libelle&limite=3&format=csv')).body);
    expect(csv).toEqual([['code', 'libellé', 'population', 'statut'], ...r.communes.map((c) => [c.code, c.libelle, String(c.population), c.statut])]);
  });
});

describe('statistical secrecy on every output of a health indicator', () => {
  const id = 'taux-mortalite-brute';
  const chiffres = (v: Partial<ValeurIndicateur>) => [v.valeur, v.numerateur, v.ic_bas, v.ic_haut].some((x) => x !== null && x !== undefined);

  it('no masked row carries a number; no numerator of 1 to 10 is ever served (JSON and CSV)', async () => {
    const secret = INDICATEURS.find((i) => i.definition.id === id)!.definition.secret;
    expect(secret).toBe('sante');
    const lignes: Array<Partial<ValeurIndicateur> & { ou: string }> = [];
    const csvs: Array<{ ou: string; texte: string }> = [];
    const f = await get<FicheIndicateurReponse>(`/api/indicateurs/${id}`);
    const masquees = new Set<string>();
    for (const [niveau, periodes] of Object.entries(f.periodesDisponibles)) {
      for (const periode of periodes!) {
        const url = `/api/indicateurs/${id}/valeurs?niveau=${niveau}&periode=${periode}`;
        const r = await get<ValeursReponse>(url);
        for (const v of r.valeurs) {
          lignes.push({ ...v, ou: `${url} ${v.code}` });
          if (niveau === 'commune' && v.statut.startsWith('masque')) masquees.add(v.code);
        }
        csvs.push({ ou: url, texte: (await appel(`${url}&format=csv`)).body });
      }
    }
    expect(masquees.size).toBeGreaterThan(1000);
    // profiles, series and maps of territories holding masked communes
    const echantillon = [...masquees].filter((_, i) => i % 400 === 0);
    for (const code of echantillon) {
      const p = await get<ProfilReponse>(`/api/territoires/commune/${code}/profil`);
      for (const i of p.portraits.flatMap((x) => x.themes.flatMap((t) => t.indicateurs))) if (i.indicateur === id) lignes.push({ ...i, ou: `profil ${code}` });
      csvs.push({ ou: `profil ${code}`, texte: (await appel(`/api/territoires/commune/${code}/profil?format=csv`)).body });
      const s = await get<SeriesReponse>(`/api/territoires/commune/${code}/series?indicateur=${id}`);
      for (const x of s.series) for (const v of x.valeurs) lignes.push({ ...v, ou: `series ${code} ${x.code}` });
      csvs.push({ ou: `series ${code}`, texte: (await appel(`/api/territoires/commune/${code}/series?indicateur=${id}&format=csv`)).body });
    }
    for (const dep of new Set(echantillon.map((c) => (c.startsWith('97') ? c.slice(0, 3) : c.slice(0, 2))))) {
      const url = `/api/territoires/departement/${dep}/communes?indicateur=${id}`;
      for (const v of (await get<CommunesIndicateurReponse>(url)).communes) lignes.push({ ...v, ou: `${url} ${v.code}` });
      csvs.push({ ou: url, texte: (await appel(`${url}&format=csv`)).body });
    }

    // the marts hold secondary masks; none is published as such (the statut would bound the count)
    expect(lignes.filter((l) => l.statut === 'masque_secondaire').map((l) => l.ou)).toEqual([]);
    expect(lignes.some((l) => l.statut === 'masque')).toBe(true);
    for (const { ou, texte } of csvs) expect(texte.includes('masque_secondaire'), ou).toBe(false);
    for (const l of lignes) {
      if (l.statut!.startsWith('masque') || l.statut === 'secret') expect(chiffres(l), l.ou).toBe(false);
      if (l.numerateur !== null && l.numerateur !== undefined) expect(l.numerateur > 0 && l.numerateur <= 10, l.ou).toBe(false);
    }
    for (const { ou, texte } of csvs) {
      const [entete, ...rows] = lireCsv(texte);
      const iStatut = entete!.indexOf('statut');
      const iIndicateur = entete!.indexOf('indicateur');
      for (const r of rows) {
        if (iIndicateur >= 0 && r[iIndicateur] !== id) continue;
        const v = Object.fromEntries(Object.entries(COLONNES_NUMERIQUES).map(([c, k]) => [k, nombre(r[entete!.indexOf(c)]!)])) as Partial<ValeurIndicateur>;
        if (/^(masque|secret)/.test(r[iStatut]!)) expect(chiffres(v), `${ou} ${r[0]}`).toBe(false);
        if (v.numerateur !== null && v.numerateur !== undefined) expect(v.numerateur > 0 && v.numerateur <= 10, `${ou} ${r[0]}`).toBe(false);
      }
    }
  }, 120_000);
});

describe('garbage parameters on every new endpoint', () => {
  it.each([
    ['/api/indicateurs?x=1', 400, 'x'],
    ['/api/indicateurs?format=xml', 400, 'format'],
    ['/api/indicateurs/taux-pauvrete?niveau=commune', 400, 'niveau'],
    ['/api/indicateurs/inconnu', 404, undefined],
    ['/api/indicateurs/inconnu/valeurs?niveau=commune', 404, undefined],
    ['/api/indicateurs/taux-pauvrete/autre', 404, undefined],
    ['/api/indicateurs/taux-pauvrete/valeurs', 400, 'niveau'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=canton', 400, 'niveau'],
    ['/api/indicateurs/esperance-vie-naissance-femmes/valeurs?niveau=commune', 400, 'niveau'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&periode=1789', 400, 'periode'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&periode=', 400, 'periode'],
    ["/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&periode=2019'%20OR%201=1--", 400, 'periode'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&departement=999', 400, 'departement'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&region=2A', 400, 'region'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&region=84&departement=42', 400, 'region'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=region&departement=42', 400, 'departement'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=france&region=84', 400, 'region'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&format=pdf', 400, 'format'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&niveau=epci', 400, 'niveau'],
    ['/api/indicateurs/taux-pauvrete/valeurs?niveau=commune&tri=code', 400, 'tri'],
    ['/api/territoires/commune/42218/profil?indicateur=x', 400, 'indicateur'],
    ['/api/territoires/commune/42218/profil?format=csv;', 400, 'format'],
    ['/api/territoires/commune/4221/profil', 400, 'code'],
    ['/api/territoires/canton/42218/profil', 400, 'niveau'],
    ['/api/territoires/commune/99999/profil', 404, undefined],
    ['/api/territoires/cls/cls-78-vgp/profil', 400, 'code'],
    ['/api/territoires/cls/CLS-00-INCONNU/profil', 404, undefined],
    ['/api/territoires/commune/42218/profil/x', 404, undefined],
    ['/api/territoires/commune/42218/series', 400, 'indicateur'],
    ['/api/territoires/commune/42218/series?indicateur=', 400, 'indicateur'],
    ['/api/territoires/commune/42218/series?indicateur=inconnu', 400, 'indicateur'],
    ['/api/territoires/commune/42218/series?indicateur=esperance-vie-naissance-femmes', 400, 'indicateur'],
    ['/api/territoires/commune/42218/series?indicateur=taux-pauvrete&periode=2019', 400, 'periode'],
    ['/api/territoires/commune/99999/series?indicateur=taux-pauvrete', 404, undefined],
    ['/api/territoires/epci/200046977/communes?indicateur=inconnu', 400, 'indicateur'],
    ['/api/territoires/epci/200046977/communes?indicateur=esperance-vie-naissance-femmes', 400, 'indicateur'],
    ['/api/territoires/epci/200046977/communes?indicateur=taux-pauvrete&periode=1900', 400, 'periode'],
    ['/api/territoires/epci/200046977/communes?indicateur=taux-pauvrete&tri=code', 400, 'tri'],
    ['/api/territoires/epci/200046977/communes?indicateur=taux-pauvrete&format=xlsx', 400, 'format'],
    ['/api/territoires/epci/200046977/communes?inconnu=1', 400, 'inconnu'],
    ['/api/territoires/epci/123456789/communes?indicateur=taux-pauvrete', 404, undefined],
    ['/api/territoires/commune/42218?x=1', 400, 'x'],
  ] as const)('%s → %i (%s)', async (url, status, parametre) => {
    const r = await appel(url);
    expect(r.status, r.body).toBe(status);
    const { erreur } = JSON.parse(r.body) as ErreurReponse;
    expect(erreur.parametre).toBe(parametre);
    if (parametre) expect(normaliserRecherche(erreur.message)).toContain(parametre);
    expect(erreur.message).toMatch(/[a-zé]{4,}/);
  });
});
