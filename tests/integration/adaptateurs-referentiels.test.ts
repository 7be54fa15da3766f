import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatInconnuError, SourceSchemaError } from '../../functions/src/core/errors.ts';
import { ingererExtrait, type IngestResultat } from '../../functions/src/core/lake/ingest.ts';
import { lireManifesteDataset } from '../../functions/src/core/lake/manifeste.ts';
import { lireZip } from '../../functions/src/core/sources/lecture/zip.ts';
import { DATA } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// The real files handled by the reference and workbook adapters, ingested into a temporary lake;
// then bad extracts derived from them: each rejected with a message naming the file, the sheet
// or entry, the line and the column, and the lake left byte-identical.

const FICHIERS: Array<[string, string | null]> = [
  ['insee/cog/commune2019.csv', '2019'],
  ['insee/cog/commune_2021.csv', '2021'],
  ['insee/cog/departement2021.csv', '2021'],
  ['insee/cog/region2021.csv', '2021'],
  ['insee/cog/2024/v_commune_2024.csv', '2024'],
  ['insee/cog/2026/communes.csv', '2026'],
  ['insee/cog/2026/departements.csv', '2026'],
  ['insee/cog/2026/regions.csv', '2026'],
  ['insee/cog/2026/arrondissements.csv', '2026'],
  ['insee/cog/mvtcommune2019.csv', null],
  ['insee/cog/EPCI_2020.csv', '2020'],
  ['dgcl/epcicom.xlsx', null],
  ['insee/cog/table-appartenance-geo-communes-22.xlsx', null],
  ['drees/apl/APL_mg_2021.xlsx', '2021'],
  ['insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx', null],
  ['insee/comparateur/base_cc_comparateur_csv.zip', null],
];

const lire = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------------------------
// Building bad extracts from the real ones.

function ecrireZip(fichiers: Array<{ nom: string; donnees: Uint8Array }>): Uint8Array {
  const parts: Uint8Array[] = [];
  const centraux: Uint8Array[] = [];
  let offset = 0;
  for (const f of fichiers) {
    const comp = deflateRawSync(f.donnees, { level: 1 });
    const nom = enc(f.nom);
    const crc = crc32(f.donnees) >>> 0;
    const local = new Uint8Array(30 + nom.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(8, 8, true);
    l.setUint16(12, (2022 - 1980) << 9 | (1 << 5) | 12, true); // 2022-01-12, as INSEE's archive
    l.setUint32(14, crc, true);
    l.setUint32(18, comp.length, true);
    l.setUint32(22, f.donnees.length, true);
    l.setUint16(26, nom.length, true);
    local.set(nom, 30);
    const central = new Uint8Array(46 + nom.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, 8, true);
    c.setUint16(14, (2022 - 1980) << 9 | (1 << 5) | 12, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, comp.length, true);
    c.setUint32(24, f.donnees.length, true);
    c.setUint16(28, nom.length, true);
    c.setUint32(42, offset, true);
    central.set(nom, 46);
    parts.push(local, comp);
    centraux.push(central);
    offset += local.length + comp.length;
  }
  const fin = new Uint8Array(22);
  const e = new DataView(fin.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, fichiers.length, true);
  e.setUint16(10, fichiers.length, true);
  e.setUint32(12, centraux.reduce((s, x) => s + x.length, 0), true);
  e.setUint32(16, offset, true);
  const tout = [...parts, ...centraux, fin];
  const out = new Uint8Array(tout.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const p of tout) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The archive with some entries rewritten (`null`: entry dropped). */
function reecrire(bytes: Uint8Array, f: (nom: string, contenu: () => string) => string | null | undefined): Uint8Array {
  const sortie: Array<{ nom: string; donnees: Uint8Array }> = [];
  for (const e of lireZip(bytes, 'test.zip')) {
    const r = f(e.nom, () => dec(e.lire()));
    if (r === null) continue;
    sortie.push({ nom: e.nom, donnees: r === undefined ? e.lire() : enc(r) });
  }
  return ecrireZip(sortie);
}

/** Part of a workbook holding sheet `nom` (workbook.xml → its relationships). */
function partieFeuille(bytes: Uint8Array, nom: string): string {
  const entrees = new Map(lireZip(bytes, 'test.xlsx').map((e) => [e.nom, e]));
  const classeur = dec(entrees.get('xl/workbook.xml')!.lire());
  const rid = new RegExp(`<sheet name="${nom}"[^>]*r:id="(rId\\d+)"`).exec(classeur)![1]!;
  const rels = dec(entrees.get('xl/_rels/workbook.xml.rels')!.lire());
  const rel = [...rels.matchAll(/<Relationship [^>]*>/g)].map((m) => m[0]).find((r) => r.includes(`Id="${rid}"`))!;
  const cible = /Target="([^"]+)"/.exec(rel)![1]!;
  return cible.startsWith('/') ? cible.slice(1) : `xl/${cible}`;
}

/** Replaces cells of a sheet: a number, a text (inline string), or nothing (`null`). */
function avecCellules(bytes: Uint8Array, feuille: string, cellules: Record<string, number | string | null>): Uint8Array {
  const partie = partieFeuille(bytes, feuille);
  return reecrire(bytes, (nom, contenu) => {
    if (nom !== partie) return undefined;
    let xml = contenu();
    for (const [ref, valeur] of Object.entries(cellules)) {
      const re = new RegExp(`<c r="${ref}"(?:\\s[^>]*?)?(?:/>|>[\\s\\S]*?</c>)`);
      if (!re.test(xml)) throw new Error(`cellule ${ref} absente de ${feuille}`);
      const nouvelle =
        valeur === null ? '' : typeof valeur === 'number' ? `<c r="${ref}"><v>${valeur}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${valeur}</t></is></c>`;
      xml = xml.replace(re, nouvelle);
    }
    return xml;
  });
}

const renommerFeuille = (bytes: Uint8Array, avant: string, apres: string) =>
  reecrire(bytes, (nom, contenu) => (nom === 'xl/workbook.xml' ? contenu().replace(`<sheet name="${avant}"`, `<sheet name="${apres}"`) : undefined));

/** A CSV with line `n` (1-based) rewritten. */
function avecLigne(relatif: string, n: number, f: (l: string, lignes: string[]) => string): Uint8Array {
  const lignes = dec(lire(relatif)).split('\r\n');
  return enc(lignes.map((l, i) => (i === n - 1 ? f(l, lignes) : l)).join('\r\n'));
}
const champ = (l: string, sep: string, i: number, v: string) => l.split(sep).map((x, j) => (j === i ? v : x)).join(sep);

/** The comparateur archive with its data CSV rewritten. */
const comparateurAvec = (f: (csv: string) => string) =>
  reecrire(lire('insee/comparateur/base_cc_comparateur_csv.zip'), (nom, contenu) => (nom === 'base_cc_comparateur.CSV' ? f(contenu()) : undefined));

// ---------------------------------------------------------------------------------------------

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
let avant: Record<string, string>;
const resultats = new Map<string, IngestResultat>();
const durees = new Map<string, number>();

beforeAll(async () => {
  ctx = await runtimeTemporaire();
  for (const [relatif, millesime] of FICHIERS) {
    const debut = performance.now();
    resultats.set(relatif, await ingererExtrait(ctx.runtime, { fichier: path.basename(relatif), bytes: lire(relatif), millesime }));
    durees.set(relatif, Math.round(performance.now() - debut));
  }
  avant = await empreinteDossier(ctx.lakeDir);
});
afterAll(async () => ctx.nettoyer());

const parquet = async (relatif: string) => `read_parquet('${await ctx.runtime.storage.localPath(resultats.get(relatif)!.version.cleParquet)}', hive_partitioning = false)`;

describe('ingestion of the real reference files and workbooks', () => {
  it('publishes every file in its dataset, millésime and part', () => {
    expect(FICHIERS.map(([f]) => [f, resultats.get(f)!.statut, resultats.get(f)!.dataset, resultats.get(f)!.millesime, resultats.get(f)!.version.partie])).toEqual([
      ['insee/cog/commune2019.csv', 'publie', 'cog-communes', '2019', 'communes'],
      ['insee/cog/commune_2021.csv', 'publie', 'cog-communes', '2021', 'communes'],
      ['insee/cog/departement2021.csv', 'publie', 'cog-communes', '2021', 'departements'],
      ['insee/cog/region2021.csv', 'publie', 'cog-communes', '2021', 'regions'],
      ['insee/cog/2024/v_commune_2024.csv', 'publie', 'cog-communes', '2024', 'communes'],
      ['insee/cog/2026/communes.csv', 'publie', 'cog-communes', '2026', 'communes'],
      ['insee/cog/2026/departements.csv', 'publie', 'cog-communes', '2026', 'departements'],
      ['insee/cog/2026/regions.csv', 'publie', 'cog-communes', '2026', 'regions'],
      ['insee/cog/2026/arrondissements.csv', 'publie', 'cog-communes', '2026', 'arrondissements'],
      ['insee/cog/mvtcommune2019.csv', 'publie', 'cog-mouvements', '2019', null],
      ['insee/cog/EPCI_2020.csv', 'publie', 'epci-composition-insee', '2020', null],
      ['dgcl/epcicom.xlsx', 'publie', 'epci-composition-dgcl', '2025', null],
      ['insee/cog/table-appartenance-geo-communes-22.xlsx', 'publie', 'table-appartenance', '2022', null],
      ['drees/apl/APL_mg_2021.xlsx', 'publie', 'apl-drees', '2021', null],
      ['insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx', 'publie', 'estimations-population', '2021', null],
      ['insee/comparateur/base_cc_comparateur_csv.zip', 'publie', 'comparateur', '2022', null],
    ]);
    // Rows of each dataset (measures: one per value).
    expect(FICHIERS.map(([f]) => resultats.get(f)!.version.lignesDataset)).toEqual([
      37_932, 37_742, 101, 18, 37_544, 37_496, 101, 18, 333, 13_157, 34_968, 34_871, 35_000, 174_985, 283_485, 1_120_320,
    ]);
    // One staging row per line of the source (measures are unpivoted by DuckDB): nothing rejected.
    expect(FICHIERS.filter(([f]) => resultats.get(f)!.version.lignesRejetees !== 0)).toEqual([]);
    expect(FICHIERS.map(([f]) => resultats.get(f)!.version.lignesLues)).toEqual([
      37_932, 37_742, 101, 18, 37_544, 37_496, 101, 18, 333, 13_157, 34_968, 34_871, 35_000, 34_997, 4_727, 35_010,
    ]);
    for (const [f] of FICHIERS) expect([f, durees.get(f)! < 30_000]).toEqual([f, true]);
  });

  it('writes manifests: COG parts per millésime, provenance, variables and levels of the measure datasets', async () => {
    const cog = (await lireManifesteDataset(ctx.runtime.storage, 'cog-communes'))!;
    expect(Object.keys(cog.versions).sort()).toEqual([
      '2019/communes', '2021/communes', '2021/departements', '2021/regions', '2024/communes',
      '2026/arrondissements', '2026/communes', '2026/departements', '2026/regions',
    ]);
    expect(cog.provenance.producteur).toBe('Insee');
    expect(cog.versions['2026/communes']).toMatchObject({ cogSource: 2026, lignesLues: 37_496, lignesRejetees: 0, encodage: 'utf-8', fichier: 'communes.csv' });
    const dgcl = (await lireManifesteDataset(ctx.runtime.storage, 'epci-composition-dgcl'))!;
    expect(dgcl.provenance.producteur).toMatch(/DGCL/);
    expect(dgcl.versions['2025']).toMatchObject({ cogSource: 2025, encodage: null, lignesLues: 34_871 });
    expect(dgcl.versions['2025']!.cleRaw).toMatch(/^raw\/epci-composition-dgcl\/2025\/[0-9a-f]{64}\.xlsx$/);
    const apl = (await lireManifesteDataset(ctx.runtime.storage, 'apl-drees'))!;
    expect(apl.versions['2021']).toMatchObject({ cogSource: 2022, niveaux: ['arrondissement-municipal', 'commune'] });
    expect(apl.versions['2021']!.variables!.map((v) => v.id)).toContain('apl-medecins-generalistes');
    const estim = (await lireManifesteDataset(ctx.runtime.storage, 'estimations-population'))!;
    expect(estim.versions['2021']).toMatchObject({ cogSource: 2021, niveaux: ['departement', 'france', 'france-metropolitaine'] });
    const comp = (await lireManifesteDataset(ctx.runtime.storage, 'comparateur'))!;
    const ids = comp.versions['2022']!.variables!.map((v) => v.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(comp.versions['2022']!.cleRaw).toMatch(/\.zip$/);
  });

  it('normalises codes as text, sentinels as NULL with a flag, values with their statut', async () => {
    const db = ctx.runtime.db;
    const [epci] = await db.all<{ n: number; sans: number }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE sans_epci AND code_epci IS NULL)::INTEGER AS sans FROM ${await parquet('insee/cog/EPCI_2020.csv')}`,
    );
    expect(epci).toEqual({ n: 34_968, sans: 4 });
    const [app] = await db.all<{ sans: number; arm: number; arr: number }>(
      `SELECT count(*) FILTER (WHERE sans_epci)::INTEGER AS sans, count(*) FILTER (WHERE type_commune = 'ARM')::INTEGER AS arm, count(*) FILTER (WHERE code_arrondissement IS NULL)::INTEGER AS arr FROM ${await parquet('insee/cog/table-appartenance-geo-communes-22.xlsx')}`,
    );
    expect(app).toEqual({ sans: 4, arm: 45, arr: 17 });
    const [dgcl] = await db.all<{ pmun: number; epci: number }>(
      `SELECT sum(population_municipale)::BIGINT::DOUBLE AS pmun, count(DISTINCT code_epci)::INTEGER AS epci FROM ${await parquet('dgcl/epcicom.xlsx')}`,
    );
    expect(dgcl).toEqual({ pmun: 68_010_643, epci: 1_255 });
    const types = await db.all<{ type_commune: string; n: number }>(
      `SELECT type_commune, count(*)::INTEGER AS n FROM ${await parquet('insee/cog/2026/communes.csv')} GROUP BY ALL ORDER BY type_commune`,
    );
    expect(types).toEqual([
      { type_commune: 'ARM', n: 45 },
      { type_commune: 'COM', n: 34_875 },
      { type_commune: 'COMA', n: 471 },
      { type_commune: 'COMD', n: 2_105 },
    ]);
    const apl = await db.all<{ statut: string; n: number }>(
      `SELECT statut, count(*)::INTEGER AS n FROM ${await parquet('drees/apl/APL_mg_2021.xlsx')} GROUP BY ALL ORDER BY statut`,
    );
    expect(apl).toEqual([
      { statut: 'absent', n: 115 },
      { statut: 'ok', n: 174_870 },
    ]);
    const comp = await db.all<{ variable: string; periode: string; colonne_source: string }>(
      `SELECT DISTINCT variable, periode, colonne_source FROM ${await parquet('insee/comparateur/base_cc_comparateur_csv.zip')} WHERE variable IN ('population', 'naissances') ORDER BY colonne_source`,
    );
    expect(comp).toEqual([
      { variable: 'naissances', periode: '2013-2018', colonne_source: 'NAIS1318' },
      { variable: 'naissances', periode: '2020', colonne_source: 'NAISD20' },
      { variable: 'population', periode: '2013', colonne_source: 'P13_POP' },
      { variable: 'population', periode: '2018', colonne_source: 'P18_POP' },
    ]);
    const correze = await db.all<{ statut: string; valeur: number | null }>(
      `SELECT statut, valeur FROM ${await parquet('insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx')} WHERE code = '19' AND periode = '2021' AND age = '65-69' ORDER BY sexe`,
    );
    expect(correze).toEqual([
      { statut: 'non_disponible', valeur: null },
      { statut: 'ok', valeur: 9_366 },
      { statut: 'ok', valeur: 8_535 },
    ]);
  });

  it('treats the same files again as a no-op, even under other names', async () => {
    for (const [relatif, millesime] of FICHIERS) {
      const r = await ingererExtrait(ctx.runtime, { fichier: `copie-${path.basename(relatif)}`, bytes: lire(relatif), millesime });
      expect([relatif, r.statut]).toEqual([relatif, 'inchange']);
    }
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });
});

// ---------------------------------------------------------------------------------------------

const COG21 = 'insee/cog/commune_2021.csv';
const LIGNE_COMD_01015 = dec(lire(COG21)).split('\r\n').findIndex((l) => l.startsWith('COMD,01015,')) + 1;
const DGCL = 'dgcl/epcicom.xlsx';
const APL = 'drees/apl/APL_mg_2021.xlsx';
const ESTIM = 'insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx';
const TABLE = 'insee/cog/table-appartenance-geo-communes-22.xlsx';
const COMP = 'insee/comparateur/base_cc_comparateur_csv.zip';

type Cas = [nom: string, fichier: string, bytes: () => Uint8Array, millesime: string | null, message: RegExp];

const CAS: Cas[] = [
  // COG
  ['COG: a duplicated (TYPECOM, COM)', COG21, () => avecLigne(COG21, 3, (_l, ls) => ls[1]!), '2021', /^commune_2021\.csv, ligne 3, colonne 2 \(COM\) : commune « 01001 » de type COM en double \(déjà ligne 2\)$/],
  [
    'COG: a COMD whose COMPARENT does not exist',
    COG21,
    () => avecLigne(COG21, LIGNE_COMD_01015, (l) => champ(l, ',', 11, '01999')),
    '2021',
    new RegExp(`^commune_2021\\.csv, ligne ${LIGNE_COMD_01015}, colonne 12 \\(COMPARENT\\) : la commune parente « 01999 » de « 01015 » \\(COMD\\) n’est pas une commune \\(COM\\) de ce fichier$`),
  ],
  ['COG (quoted 2024): a bad région code', 'insee/cog/2024/v_commune_2024.csv', () => avecLigne('insee/cog/2024/v_commune_2024.csv', 5, (l) => champ(l, ',', 2, '"8A"')), '2024', /^v_commune_2024\.csv, ligne 5, colonne 3 \(REG\) : code région invalide « 8A »$/],
  ['COG: a commune with a parent', COG21, () => avecLigne(COG21, 2, (l) => champ(l, ',', 11, '01002')), '2021', /^commune_2021\.csv, ligne 2, colonne 12 \(COMPARENT\) : une commune \(COM\) n’a pas de commune parente/],
  ['COG: no millésime', 'insee/cog/commune2019.csv', () => lire('insee/cog/commune2019.csv'), null, /^commune2019\.csv : millésime absent/],
  // EPCI (INSEE)
  ['EPCI INSEE: a commune in two EPCI', 'insee/cog/EPCI_2020.csv', () => avecLigne('insee/cog/EPCI_2020.csv', 9, (l) => champ(l, ';', 0, '01001')), '2020', /^EPCI_2020\.csv, ligne 9, colonne 1 \(CODGEO\) : commune « 01001 » en double \(déjà ligne 2\) : une commune appartient à un seul EPCI$/],
  ['EPCI INSEE: an 8-digit EPCI code', 'insee/cog/EPCI_2020.csv', () => avecLigne('insee/cog/EPCI_2020.csv', 4, (l) => champ(l, ';', 2, '20006919')), '2020', /^EPCI_2020\.csv, ligne 4, colonne 3 \(EPCI\) : code EPCI invalide « 20006919 »/],
  // DGCL
  ['DGCL: a member in two EPCI', DGCL, () => avecCellules(lire(DGCL), 'Epcicom2025', { J16: '01304' }), null, /^epcicom\.xlsx, ligne 16, colonne 10 \(insee\) : feuille « Epcicom2025 » : commune « 01304 » membre de deux EPCI : 200029999 \(ligne 2\) et 200040350$/],
  [
    'DGCL: nb_membres ≠ number of member rows',
    DGCL,
    () => avecCellules(lire(DGCL), 'Epcicom2025', Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`F${i + 2}`, 13]))),
    null,
    /^epcicom\.xlsx, ligne 2, colonne 6 \(nb_membres\) : feuille « Epcicom2025 » : l’EPCI 200029999 annonce 13 membres mais 14 lignes de communes le composent$/,
  ],
  ['DGCL: total_pop_mun ≠ Σ pmun', DGCL, () => avecCellules(lire(DGCL), 'Epcicom2025', { N5: 1804 }), null, /^epcicom\.xlsx, ligne 2, colonne 8 \(total_pop_mun\) : feuille « Epcicom2025 » : l’EPCI 200029999 annonce une population municipale de 14873, la somme de ses communes \(pmun_2025\) est 14874$/],
  ['DGCL: text in a population cell', DGCL, () => avecCellules(lire(DGCL), 'Epcicom2025', { N7: '1 766' }), null, /^epcicom\.xlsx, ligne 7, colonne 14 \(pmun_2025\) : feuille « Epcicom2025 » : entier positif attendu, « 1 766 » trouvé$/],
  ['DGCL: population columns of two years', DGCL, () => avecCellules(lire(DGCL), 'Epcicom2025', { N1: 'pmun_2024' }), null, /^epcicom\.xlsx, ligne 1, colonne 14 \(pmun_2024\) : feuille « Epcicom2025 » : colonnes de population de deux années différentes \(2025 et 2024\)$/],
  ['DGCL: a SIREN of 8 digits', DGCL, () => avecCellules(lire(DGCL), 'Epcicom2025', { B3: 20002999 }), null, /^epcicom\.xlsx, ligne 3, colonne 2 \(siren\) : feuille « Epcicom2025 » : SIREN de l’EPCI invalide « 20002999 »$/],
  // Table d'appartenance
  ['table: an XLSX without the ARM sheet', TABLE, () => renommerFeuille(lire(TABLE), 'ARM', 'ARM_ancien'), null, /^table-appartenance-geo-communes-22\.xlsx : feuille « ARM » absente ; feuilles présentes : « COM », « ARM_ancien », « Zones_supra_communales », « Variables », « Documentation »$/],
  ['table: an 8-digit EPCI', TABLE, () => avecCellules(lire(TABLE), 'COM', { E7: '20006919' }), null, /^table-appartenance-geo-communes-22\.xlsx, ligne 7, colonne 5 \(EPCI\) : feuille « COM » : code EPCI \(SIREN ou ZZZZZZZZZ\) invalide « 20006919 »$/],
  ['table: a commune code stored as a number', TABLE, () => avecCellules(lire(TABLE), 'COM', { A8: 1002 }), null, /^table-appartenance-geo-communes-22\.xlsx, ligne 8, colonne 1 \(CODGEO\) : feuille « COM » : code stocké comme nombre \(1002\)/],
  ['table: an arrondissement of an unknown commune', TABLE, () => avecCellules(lire(TABLE), 'ARM', { R7: '13999' }), null, /^table-appartenance-geo-communes-22\.xlsx, ligne 7, colonne 18 \(COM\) : feuille « ARM » : la commune englobante « 13999 » n’est pas dans la feuille COM$/],
  // APL
  ['APL: a renamed header', APL, () => avecCellules(lire(APL), 'Sheet1', { G1: 'Population pondérée' }), '2021', /^APL_mg_2021\.xlsx, ligne 1, colonne 7 \(Population pondérée\) : feuille « Sheet1 » : colonne inconnue « Population pondérée » d’un classeur APL$/],
  ['APL: text in a value cell', APL, () => avecCellules(lire(APL), 'Sheet1', { D5: 'n.d.' }), '2021', /^APL_mg_2021\.xlsx, ligne 5, colonne 4 \(APL aux médecins généralistes \(sans borne d'âge\)\) : feuille « Sheet1 » : nombre attendu, « n\.d\. » trouvé$/],
  ['APL: a duplicated commune', APL, () => avecCellules(lire(APL), 'Sheet1', { A4: '01001' }), '2021', /^APL_mg_2021\.xlsx, ligne 4, colonne 1 \(Code commune\) : feuille « Sheet1 » : commune « 01001 » en double \(déjà ligne 2\)$/],
  ['APL: a commune without label', APL, () => avecCellules(lire(APL), 'Sheet1', { B3: null }), '2021', /^APL_mg_2021\.xlsx, ligne 3, colonne 2 \(Libellé de la commune\) : feuille « Sheet1 » : libellé vide pour la commune « 01002 »$/],
  ['APL: no millésime', APL, () => lire(APL), null, /^APL_mg_2021\.xlsx : millésime absent/],
  // Estimations de population
  ['estimates: Ensemble ≠ Hommes + Femmes', ESTIM, () => avecCellules(lire(ESTIM), '2021', { AS6: 18_663 }), null, /^estim-pop-dep-sexe-aq-1975-2021\.xlsx, ligne 6, colonne 3 \(C \(ensemble 0-4\)\) : feuille « 2021 » : Ensemble 0-4 \(38718\) différent de Hommes \+ Femmes \(20056 \+ 18663 = 38719\)$/],
  ['estimates: text in a population cell', ESTIM, () => avecCellules(lire(ESTIM), '2020', { D10: '7 600' }), null, /^estim-pop-dep-sexe-aq-1975-2021\.xlsx, ligne 10, colonne 4 \(D \(ensemble 5-9\)\) : feuille « 2020 » : nombre attendu, « 7 600 » trouvé$/],
  ['estimates: bands not contiguous', ESTIM, () => avecCellules(lire(ESTIM), '2015', { E5: '10 à 15 ans' }), null, /^estim-pop-dep-sexe-aq-1975-2021\.xlsx, ligne 5, colonne 3 \(C\) : feuille « 2015 » : tranches d’âge du groupe ensemble non contiguës/],
  [
    'estimates: a band total that does not add up',
    ESTIM,
    // Ensemble and Hommes 0–4 of Ain both +1: Ensemble = Hommes + Femmes holds, the Totals do not.
    () => avecCellules(lire(ESTIM), '2021', { C6: 38_719, X6: 20_057 }),
    null,
    /^estim-pop-dep-sexe-aq-1975-2021\.xlsx, ligne 6, colonne 23 \(W \(ensemble total\)\) : feuille « 2021 » : la somme des tranches d’âge \(662245\) diffère du Total \(662244\)$/,
  ],
  [
    'estimates: France métropolitaine ≠ Σ départements',
    ESTIM,
    // Ain 0–4 +1 in Ensemble, Hommes and both Totals: the row is consistent, the subtotal is not.
    () => avecCellules(lire(ESTIM), '2021', { C6: 38_719, X6: 20_057, W6: 662_245, AR6: 326_234 }),
    null,
    /^estim-pop-dep-sexe-aq-1975-2021\.xlsx, ligne 102, colonne 3 \(C \(ensemble 0-4\)\) : feuille « 2021 » : France métropolitaine \(3464402\) différent de la somme des départements de métropole \(3464403\)$/,
  ],
  // Comparateur
  ['comparateur: a zip with the wrong contents', COMP, () => reecrire(lire(COMP), (nom) => (nom === 'base_cc_comparateur.CSV' ? null : undefined)), null, /^base_cc_comparateur_csv\.zip : archive du comparateur incomplète : aucun fichier de données .* l’archive contient : « meta_base_cc_comparateur\.CSV »$/],
  ['comparateur: a truncated zip', COMP, () => lire(COMP).subarray(0, 2_000_000), null, /^base_cc_comparateur_csv\.zip : archive ZIP invalide : fin du répertoire central introuvable : archive tronquée$/],
  ['comparateur: text in a count', COMP, () => comparateurAvec((t) => t.replace(/\r\n01002;\d+;/, '\r\n01002;abc;')), null, /^base_cc_comparateur_csv\.zip › base_cc_comparateur\.CSV, ligne 3, colonne 2 \(P18_POP\) : nombre attendu, « abc » trouvé$/],
  ['comparateur: an unknown column', COMP, () => comparateurAvec((t) => t.replace(';ETAZ18;', ';ETXX18;')), null, /^base_cc_comparateur_csv\.zip › base_cc_comparateur\.CSV, ligne 1, colonne 26 \(ETXX18\) : variable inconnue « ETXX18 » du comparateur de territoires$/],
  ['comparateur: a commune missing from the metadata', COMP, () => comparateurAvec((t) => t.replace('\r\n01002;', '\r\n01999;')), null, /^base_cc_comparateur_csv\.zip › base_cc_comparateur\.CSV, ligne 3, colonne 1 \(CODGEO\) : commune « 01999 » absente des métadonnées/],
];

describe('bad extracts derived from the real files are rejected, the lake untouched', () => {
  it('has at least 15 of them', () => expect(CAS.length).toBeGreaterThanOrEqual(15));

  it.each(CAS)('%s', async (_nom, relatif, bytes, millesime, message) => {
    const erreur = await ingererExtrait(ctx.runtime, { fichier: path.basename(relatif), bytes: bytes(), millesime }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(erreur).toBeInstanceOf(SourceSchemaError);
    expect(erreur).not.toBeInstanceOf(FormatInconnuError);
    expect((erreur as Error).message).toMatch(message);
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });
});
