import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPath } from '../../functions/src/core/duckdb/duckdb.ts';
import { FormatInconnuError, SourceSchemaError } from '../../functions/src/core/errors.ts';
import { ingererExtrait, type IngestResultat } from '../../functions/src/core/lake/ingest.ts';
import { lireManifesteDataset } from '../../functions/src/core/lake/manifeste.ts';
import { DATA } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// Every real extract handled by the measure adapters (and the Filosofi DISP files shipped with
// them) ingested into a temporary lake; then bad extracts derived from those files, each rejected
// with a message naming file, line and column, the lake left byte-identical.

const FILO = 'insee/filosofi';
/** Real files, with the millésime the catalogue must give when the file does not carry it. */
const REELS: Array<[string, string | null]> = [
  [`${FILO}/cc_filosofi_2019_COM.CSV`, null],
  [`${FILO}/cc_filosofi_2020_COM.csv`, null],
  [`${FILO}/cc_filosofi_2021_COM.csv`, null],
  [`${FILO}/FILO2014_DISP_COM.csv`, null],
  [`${FILO}/FILO2015_DISP_COM.csv`, null],
  [`${FILO}/FILO2016_DISP_COM.csv`, null],
  [`${FILO}/FILO2019_DISP_COM.csv`, null],
  [`${FILO}/FILO2019_DISP_EPCI.csv`, null],
  [`${FILO}/FILO2019_DISP_DEP.csv`, null],
  [`${FILO}/FILO2019_DISP_REG.csv`, null],
  [`${FILO}/FILO2019_DISP_METROPOLE.csv`, null],
  ['insee/statistiques-locales/esperance_de_vie_departement.csv', null],
  ['cartosante/zonage-raw.csv', '2026'], // "Zonage infirmiers" carries no year: data/catalogue.json must give it
  ['observatoire-territoires/insee_rp_evol_1968_region_2018.csv', null],
  ['cepidc/toutes_causes.csv', null],
  ['cepidc/mortalite_2023_standardise_all.csv', null],
];

const octets = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const texte = (relatif: string) => readFileSync(path.join(DATA, relatif), 'utf-8');
const enc = (s: string) => new TextEncoder().encode(s);

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
let avant: Record<string, string>;
const resultats = new Map<string, IngestResultat>();

beforeAll(async () => {
  ctx = await runtimeTemporaire();
  const mesures: string[] = [];
  for (const [relatif, millesime] of REELS) {
    const t0 = performance.now();
    const r = await ingererExtrait(ctx.runtime, { fichier: path.basename(relatif), bytes: octets(relatif), millesime });
    mesures.push(`${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${r.dataset.padEnd(18)} ${`${r.millesime}/${r.version.partie}`.padEnd(60)} ${String(r.version.lignesDataset).padStart(8)} valeurs  ${relatif}`);
    resultats.set(relatif, r);
  }
  console.log(`Ingestion des fichiers réels (lac temporaire, première ingestion) :\n${mesures.join('\n')}`);
  avant = await empreinteDossier(ctx.lakeDir);
});
afterAll(async () => ctx?.nettoyer());

describe('the real extracts ingest', () => {
  it('every file is published once, in its dataset, millésime and part', () => {
    expect(REELS.map(([f]) => [f, resultats.get(f)!.statut, resultats.get(f)!.dataset, resultats.get(f)!.millesime, resultats.get(f)!.version.partie])).toEqual([
      [`${FILO}/cc_filosofi_2019_COM.CSV`, 'publie', 'filosofi-cc', '2019', 'commune'],
      [`${FILO}/cc_filosofi_2020_COM.csv`, 'publie', 'filosofi-cc', '2020', 'commune'],
      [`${FILO}/cc_filosofi_2021_COM.csv`, 'publie', 'filosofi-cc', '2021', 'commune'],
      [`${FILO}/FILO2014_DISP_COM.csv`, 'publie', 'filosofi-disp', '2014', 'commune'],
      [`${FILO}/FILO2015_DISP_COM.csv`, 'publie', 'filosofi-disp', '2015', 'commune'],
      [`${FILO}/FILO2016_DISP_COM.csv`, 'publie', 'filosofi-disp', '2016', 'commune'],
      [`${FILO}/FILO2019_DISP_COM.csv`, 'publie', 'filosofi-disp', '2019', 'commune'],
      [`${FILO}/FILO2019_DISP_EPCI.csv`, 'publie', 'filosofi-disp', '2019', 'epci'],
      [`${FILO}/FILO2019_DISP_DEP.csv`, 'publie', 'filosofi-disp', '2019', 'departement'],
      [`${FILO}/FILO2019_DISP_REG.csv`, 'publie', 'filosofi-disp', '2019', 'region'],
      [`${FILO}/FILO2019_DISP_METROPOLE.csv`, 'publie', 'filosofi-disp', '2019', 'france-metropolitaine'],
      ['insee/statistiques-locales/esperance_de_vie_departement.csv', 'publie', 'geoclip', '2023', 'statistiques-locales-departement'],
      ['cartosante/zonage-raw.csv', 'publie', 'geoclip', '2026', 'cartosante-commune'],
      ['observatoire-territoires/insee_rp_evol_1968_region_2018.csv', 'publie', 'observatoire-long', '2018', 'taux-mortalite-region'],
      ['cepidc/toutes_causes.csv', 'publie', 'cepidc-long', '2023', 'taux-standardise-mortalite-2010-2023-toutes-causes'],
      ['cepidc/mortalite_2023_standardise_all.csv', 'publie', 'cepidc-long', '2023', 'taux-standardise-mortalite-2023-18-causes'],
    ]);
  });

  it('manifests: one version per millésime/part, variables and levels listed, no line rejected', async () => {
    const versions = async (dataset: string) => {
      const m = await lireManifesteDataset(ctx.runtime.storage, dataset);
      return Object.entries(m!.versions).map(([cle, v]) => [cle, v.cogSource, v.lignesLues, v.lignesRejetees, v.variables!.length, v.niveaux]);
    };
    expect(await versions('filosofi-cc')).toEqual([
      ['2019/commune', 2021, 34_930, 0, 27, ['arrondissement-municipal', 'commune']],
      ['2020/commune', 2022, 34_929, 0, 27, ['arrondissement-municipal', 'commune']],
      ['2021/commune', 2024, 34_909, 0, 27, ['arrondissement-municipal', 'commune']],
    ]);
    expect(await versions('geoclip')).toEqual([
      ['2023/statistiques-locales-departement', null, 101, 0, 7, ['departement']],
      ['2026/cartosante-commune', null, 34_919, 0, 1, ['arrondissement-municipal', 'commune']],
    ]);
    expect(await versions('observatoire-long')).toEqual([['2018/taux-mortalite-region', null, 180, 0, 1, ['region']]]);
    expect(await versions('cepidc-long')).toEqual([
      ['2023/taux-standardise-mortalite-2010-2023-toutes-causes', null, 1410, 0, 1, ['departement']],
      ['2023/taux-standardise-mortalite-2023-18-causes', null, 5454, 0, 18, ['departement']],
    ]);
    expect(Object.keys((await lireManifesteDataset(ctx.runtime.storage, 'filosofi-disp'))!.versions)).toEqual([
      '2014/commune', '2015/commune', '2016/commune', '2019/commune', '2019/epci', '2019/departement', '2019/region', '2019/france-metropolitaine',
    ]);
    const cc = (await lireManifesteDataset(ctx.runtime.storage, 'filosofi-cc'))!;
    expect(cc.versions['2021/commune']!.variables!.find((v) => v.id === 'taux-pauvrete')).toEqual({ id: 'taux-pauvrete', colonneSource: 'TP6021', libelle: 'Taux de pauvreté (seuil à 60 % du niveau de vie médian)', unite: '%', additive: false });
  });

  it('the Parquet datasets hold every cell, secret cells as rows with a statut and no value', async () => {
    const lire = async (relatif: string, where: string, params: Record<string, string> = {}) =>
      ctx.runtime.db.all<Record<string, unknown>>(
        `SELECT code, variable, periode, sexe, valeur, modalite, statut, colonne_source FROM read_parquet(${sqlPath(await ctx.runtime.storage.localPath(resultats.get(relatif)!.version.cleParquet))}) WHERE ${where} ORDER BY ligne_source, colonne_source`,
        params,
      );
    const cc21 = `${FILO}/cc_filosofi_2021_COM.csv`;
    expect(resultats.get(cc21)!.version.lignesDataset).toBe(34_909 * 27);
    expect(await lire(cc21, "code = '01004' AND variable IN ('mediane-niveau-vie', 'taux-pauvrete-75-ans-ou-plus')")).toEqual([
      { code: '01004', variable: 'mediane-niveau-vie', periode: '2021', sexe: null, valeur: 21660, modalite: null, statut: 'ok', colonne_source: 'MED21' },
      { code: '01004', variable: 'taux-pauvrete-75-ans-ou-plus', periode: '2021', sexe: null, valeur: null, modalite: null, statut: 'secret', colonne_source: 'TP60AGE621' },
    ]);
    const [secrets] = await ctx.runtime.db.all<{ n: number; zero: number }>(
      `SELECT count(*) FILTER (WHERE statut = 'secret')::INTEGER AS n, count(*) FILTER (WHERE statut <> 'ok' AND valeur IS NOT NULL)::INTEGER AS zero FROM read_parquet(${sqlPath(await ctx.runtime.storage.localPath(resultats.get(cc21)!.version.cleParquet))})`,
    );
    expect(secrets).toEqual({ n: 3593 * 3 + 29_545 + 30_500 + 34_166 + 33_438 + 33_209 + 33_592 + 33_763 + 34_322 + 32_729 + 31_619 + 29_549 * 14, zero: 0 });
    expect(await lire('cartosante/zonage-raw.csv', "code IN ('75101', '97801')")).toEqual([
      { code: '75101', variable: 'zonage-infirmiers', periode: '2026', sexe: null, valeur: null, modalite: '3_intermediaire', statut: 'ok', colonne_source: 'CartoSanté : Zonage infirmiers' },
      { code: '97801', variable: 'zonage-infirmiers', periode: '2026', sexe: null, valeur: null, modalite: null, statut: 'non_disponible', colonne_source: 'CartoSanté : Zonage infirmiers' },
    ]);
    expect(await lire('cepidc/mortalite_2023_standardise_all.csv', "code = '2A' AND variable = $v", { v: 'taux-standardise-mortalite-tumeurs' })).toHaveLength(3);
    expect(await lire('observatoire-territoires/insee_rp_evol_1968_region_2018.csv', "code = '94' AND periode = '2013-2018'")).toMatchObject([{ valeur: 9.4, statut: 'ok' }]);
  });

  it('wide files are written in source order, line then column, without a final sort', async () => {
    // The order comes from the sorted staging table streamed through UNPIVOT (no sort of the
    // unpivoted rows): checked on the files as written, by their physical row number.
    for (const relatif of [`${FILO}/cc_filosofi_2021_COM.csv`, `${FILO}/FILO2019_DISP_COM.csv`, `${FILO}/FILO2019_DISP_DEP.csv`]) {
      const v = resultats.get(relatif)!.version;
      const [r] = await ctx.runtime.db.all<{ n: number; desordres: number }>(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE l0 IS NOT NULL AND (ligne_source, k) <= (l0, k0))::INTEGER AS desordres
        FROM (
            SELECT
                ligne_source,
                list_position($colonnes, colonne_source) AS k,
                lag(ligne_source) OVER (ORDER BY file_row_number) AS l0,
                lag(list_position($colonnes, colonne_source)) OVER (ORDER BY file_row_number) AS k0
            FROM read_parquet(${sqlPath(await ctx.runtime.storage.localPath(v.cleParquet))}, file_row_number = true)
        )`,
        { colonnes: listValue(v.variables!.map((x) => x.colonneSource)) },
      );
      expect(r).toEqual({ n: v.lignesDataset, desordres: 0 });
    }
  });

  it('re-ingesting every file is a no-op, whatever its name', async () => {
    for (const [relatif, millesime] of REELS) {
      const r = await ingererExtrait(ctx.runtime, { fichier: `copie-${path.basename(relatif)}`, bytes: octets(relatif), millesime });
      expect(r.statut, relatif).toBe('inchange');
    }
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });
});

// ---- bad extracts derived from the real files --------------------------------------------------

const cc21 = texte(`${FILO}/cc_filosofi_2021_COM.csv`);
const cc19 = texte(`${FILO}/cc_filosofi_2019_COM.CSV`);
const esp = texte('insee/statistiques-locales/esperance_de_vie_departement.csv');
const zon = texte('cartosante/zonage-raw.csv');
const obs = texte('observatoire-territoires/insee_rp_evol_1968_region_2018.csv');
const tc = texte('cepidc/toutes_causes.csv');
const ch = texte('cepidc/mortalite_2023_standardise_all.csv');

/** The text with line `n` (1-based) transformed; the line ending (CRLF or LF) is kept. */
function avecLigne(t: string, n: number, f: (l: string) => string): string {
  const lignes = t.split('\n');
  const l = lignes[n - 1]!;
  const cr = l.endsWith('\r');
  lignes[n - 1] = f(cr ? l.slice(0, -1) : l) + (cr ? '\r' : '');
  return lignes.join('\n');
}
/** Field `i` (0-based) of a line replaced. */
const champ = (sep: string, i: number, v: string) => (l: string) => l.split(sep).map((x, j) => (j === i ? v : x)).join(sep);
const numeroLigne = (t: string, debut: string) => t.split('\n').findIndex((l) => l.replace(/^\uFEFF/, '').startsWith(debut)) + 1;

const L01004 = numeroLigne(cc21, '01004;');
const L_PARIS19 = numeroLigne(cc19, '75101;');
const L_PARIS21 = numeroLigne(cc21, '75101;');
const L_VIRGULE = numeroLigne(ch, '2023,01,Hommes,"4.');

const cas: Array<[string, string, () => string, string | null, RegExp]> = [
  // filosofi-cc
  ['cc: a truncated file (cut inside a line)', 'cc_filosofi_2021_COM.csv', () => cc21.slice(0, 1_000_003).replace(/;[^;\n]*$/, ''), null, /cc_filosofi_2021_COM\.csv, ligne \d+ : 28 champs attendus séparés par « ; », \d+ trouvés/],
  ['cc: a wrong delimiter (tabs)', 'cc_filosofi_2021_COM.csv', () => cc21.replace(/;/g, '\t'), null, /format non reconnu/],
  ['cc: a renamed header (MED21 → MEDIANE21)', 'cc_filosofi_2021_COM.csv', () => cc21.replace('MED21', 'MEDIANE21'), null, /ligne 1, colonne 4 \(MEDIANE21\) : colonne inconnue du format Filosofi comparateur/],
  ['cc: a column of another year (TP6020 in a 2021 file)', 'cc_filosofi_2021_COM.csv', () => cc21.replace('TP6021', 'TP6020'), null, /ligne 1, colonne 6 \(TP6020\) : colonne sans le suffixe d’année « 21 »/],
  ['cc: a missing column (PIMP21 removed everywhere)', 'cc_filosofi_2021_COM.csv', () => cc21.split('\n').map((l) => (l === '' ? l : l.split(';').filter((_, j) => j !== 4).join(';'))).join('\n'), null, /ligne 1, colonne \(PIMP21\) : colonne obligatoire absente/],
  ['cc: an extra named column', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, 1, (l) => `${l};NBLOG21`), null, /ligne 1, colonne 29 \(NBLOG21\) : colonne inconnue/],
  ['cc: an extra value past the last column', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, 7, (l) => `${l};12`), null, /ligne 7, colonne 29 \(champ 29\) : valeur au-delà de la dernière colonne nommée/],
  ['cc: a duplicated commune code', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L01004 + 1, champ(';', 0, '01004')), null, new RegExp(`ligne ${L01004 + 1}, colonne 1 \\(CODGEO\\) : code « 01004 » en double \\(déjà ligne ${L01004}\\)`)],
  ['cc: a code read as a number (1004)', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L01004, champ(';', 0, '1004')), null, new RegExp(`ligne ${L01004}, colonne 1 \\(CODGEO\\) : code géographique invalide « 1004 »`)],
  ['cc: text in a numeric column', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L01004, champ(';', 3, '2l660')), null, new RegExp(`ligne ${L01004}, colonne 4 \\(MED21\\) : nombre attendu, « 2l660 » trouvé`)],
  ['cc: a negative count', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L01004, champ(';', 1, '-6855')), null, new RegExp(`ligne ${L01004}, colonne 2 \\(NBMENFISC21\\) : valeur négative -6855 impossible`)],
  ['cc: a poverty rate above 100 %', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L01004, champ(';', 5, '170,0')), null, new RegExp(`ligne ${L01004}, colonne 6 \\(TP6021\\) : pourcentage supérieur à 100`)],
  ['cc: decimal marks mixed (2021 comma file, one point)', 'cc_filosofi_2021_COM.csv', () => avecLigne(cc21, L_PARIS21, (l) => l.replace(/;(\d+),(\d)/, ';$1.$2')), null, new RegExp(`ligne ${L_PARIS21}, colonne \\d+ \\(\\w+21\\) : séparateurs décimaux mélangés : « [\\d.]+ » utilise le point, alors que la ligne ${L01004}, colonne 5 \\(PIMP21\\) utilise la virgule`)],
  ['cc: decimal marks mixed (2019 point file, one comma)', 'cc_filosofi_2019_COM.CSV', () => avecLigne(cc19, L_PARIS19, (l) => l.replace(/;(\d+)\.(\d)/, ';$1,$2')), null, new RegExp(`ligne ${L_PARIS19}, colonne \\d+ \\(\\w+19\\) : séparateurs décimaux mélangés`)],
  ['cc: a millésime contradicting the columns', 'cc_filosofi_2021_COM.csv', () => cc21, '2022', /ligne 1, colonne 2 \(NBMENFISC21\) : millésime 2022 demandé/],
  ['cc: the meta dictionary instead of the data', 'meta_cc_filosofi_2019_COM.CSV', () => 'COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\r\nNBMENFISC19;Nombre de ménages fiscaux;Nombre de ménages fiscaux;;;NUM;7\r\n', null, /ligne 1, colonne 1 \(COD_VAR\) : dictionnaire des variables Filosofi/],
  ['cc: a header alone', 'cc_filosofi_2021_COM.csv', () => `${cc21.split('\n')[0]}\n`, null, /ligne 2 : aucune ligne de données/],
  // geoclip
  ['géoclip: a file without its preamble', 'esperance_de_vie_departement.csv', () => esp.split('\n').slice(2).join('\n'), null, /esperance_de_vie_departement\.csv, ligne 1, colonne 1 \(Code\) : préambule Géoclip absent/],
  ['géoclip: an unsupported level', 'esperance_de_vie_departement.csv', () => esp.replace('France par département', 'France par zone d’emploi'), null, /ligne 2, colonne 1 \(référentiel\) : niveau géographique non pris en charge : « France par zone d’emploi »/],
  ['géoclip: a column without a year and no millésime given', 'zonage-raw.csv', () => zon, null, /zonage-raw\.csv, ligne 3, colonne 3 \(Zonage infirmiers\) : colonne sans année/],
  ['géoclip: a formula in a label', 'esperance_de_vie_departement.csv', () => avecLigne(esp, 5, champ(';', 1, '=HYPERLINK("http://x")')), null, /ligne 5, colonne 2 \(Libellé\) : libellé commençant par un caractère de formule/],
  ['géoclip: a formula in a zoning class', 'zonage-raw.csv', () => avecLigne(zon, 9, champ(';', 2, '@SUM(A1)')), '2026', /ligne 9, colonne 3 \(Zonage infirmiers\) : modalité commençant par un caractère de formule/],
  ['géoclip: text in a numeric column', 'esperance_de_vie_departement.csv', () => avecLigne(esp, 10, champ(';', 3, '81 ans')), null, /ligne 10, colonne 4 \(Espérance de vie des hommes à la naissance 2023\) : nombre attendu, « 81 ans » trouvé/],
  ['géoclip: a number among zoning classes', 'zonage-raw.csv', () => avecLigne(zon, 100, champ(';', 2, '3')), '2026', /ligne 100, colonne 3 \(Zonage infirmiers\) : valeur numérique « 3 » dans une colonne de modalités/],
  ['géoclip: a negative life expectancy', 'esperance_de_vie_departement.csv', () => avecLigne(esp, 4, champ(';', 2, '-86.2')), null, /ligne 4, colonne 3 \(Espérance de vie des femmes à la naissance 2023\) : valeur négative -86\.2 impossible/],
  ['géoclip: a duplicated code', 'zonage-raw.csv', () => avecLigne(zon, 5, champ(';', 0, '01001')), '2026', /ligne 5, colonne 1 \(Code\) : code « 01001 » en double \(déjà ligne 4\)/],
  ['géoclip: a code that is no département', 'esperance_de_vie_departement.csv', () => avecLigne(esp, 22, champ(';', 0, '20')), null, /ligne 22, colonne 1 \(Code\) : code « 20 » invalide pour le niveau departement/],
  ['géoclip: a missing field', 'esperance_de_vie_departement.csv', () => avecLigne(esp, 50, (l) => l.split(';').slice(0, 8).join(';')), null, /ligne 50 : 9 champs attendus séparés par « ; », 8 trouvés/],
  // observatoire-long
  ['observatoire: an empty line in the middle', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 50, () => ';;;'), null, /ligne 50 : ligne vide au milieu du fichier/],
  ['observatoire: a decimal point instead of a comma', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 2, champ(';', 3, '8.80')), null, /ligne 2, colonne 4 \(tx_morta\) : nombre invalide « 8\.80 » \(le séparateur décimal de ce fichier est la virgule\)/],
  ['observatoire: a negative rate', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 3, champ(';', 3, '-6,60')), null, /ligne 3, colonne 4 \(tx_morta\) : valeur négative -6\.6 impossible/],
  ['observatoire: an invalid period', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 4, champ(';', 2, '1982/1990')), null, /ligne 4, colonne 3 \(an\) : période invalide « 1982\/1990 »/],
  ['observatoire: a duplicated territory × period', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 3, champ(';', 2, '1968-1975')), null, /ligne 3, colonne 1 \(codgeo\) : territoire « 01 » et période « 1968-1975 » en double \(déjà ligne 2\)/],
  ['observatoire: a formula in a label', 'insee_rp_evol_1968_region_2018.csv', () => avecLigne(obs, 12, champ(';', 1, '+cmd')), null, /ligne 12, colonne 2 \(libgeo\) : libellé commençant par un caractère de formule/],
  // cepidc-long
  ['cépidc: an unknown sex', 'toutes_causes.csv', () => avecLigne(tc, 40, (l) => l.replace('Tous sexes', 'Inconnu')), null, /toutes_causes\.csv, ligne 40, colonne 3 \(sexe\) : sexe inconnu « Inconnu »/],
  ['cépidc: a cause with a comma left unquoted', 'mortalite_2023_standardise_all.csv', () => avecLigne(ch, L_VIRGULE, (l) => l.replace(/"/g, '')), null, new RegExp(`ligne ${L_VIRGULE} : 6 champs attendus séparés par « , », 7 trouvés`)],
  ['cépidc: a wrong delimiter (semicolons)', 'toutes_causes.csv', () => tc.replace(/,/g, ';'), null, /format non reconnu/],
  ['cépidc: a duplicated row', 'toutes_causes.csv', () => avecLigne(tc, 3, () => tc.split('\n')[1]!), null, /ligne 3, colonne 2 \(departement\) : année 2010, département « 01 », sexe « Tous sexes » et cause en double \(déjà ligne 2\)/],
  ['cépidc: text in the value', 'toutes_causes.csv', () => avecLigne(tc, 7, champ(',', 5, 'NaN')), null, /ligne 7, colonne 6 \(valeur\) : nombre attendu, « NaN » trouvé/],
  ['cépidc: a negative rate', 'toutes_causes.csv', () => avecLigne(tc, 8, champ(',', 5, '-977.5')), null, /ligne 8, colonne 6 \(valeur\) : valeur négative -977\.5 impossible/],
  ['cépidc: an unknown indicator', 'toutes_causes.csv', () => avecLigne(tc, 9, champ(',', 4, 'Taux comparatif')), null, /ligne 9, colonne 5 \(indicateur\) : indicateur inconnu « Taux comparatif »/],
  ['cépidc: a formula in a cause', 'toutes_causes.csv', () => avecLigne(tc, 10, champ(',', 3, '=1+1')), null, /ligne 10, colonne 4 \(cause\) : libellé de cause commençant par un caractère de formule/],
  ['cépidc: an unknown département code', 'toutes_causes.csv', () => avecLigne(tc, 11, champ(',', 1, '99')), null, /ligne 11, colonne 2 \(departement\) : code département invalide « 99 »/],
  ['cépidc: a millésime contradicting the years', 'toutes_causes.csv', () => tc, '2022', /colonne 1 \(annee\) : millésime 2022 demandé, mais l’année la plus récente du fichier est 2023/],
];

describe('bad extracts are rejected, the lake untouched', () => {
  it.each(cas)('%s', async (_nom, fichier, contenu, millesime, message) => {
    const erreur = await ingererExtrait(ctx.runtime, { fichier, bytes: enc(contenu()), millesime }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(erreur).toBeInstanceOf(erreur instanceof FormatInconnuError ? FormatInconnuError : SourceSchemaError);
    expect((erreur as Error).message.startsWith(`${fichier}`)).toBe(true);
    expect((erreur as Error).message).toMatch(message);
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });

  it('a derived CépiDc file without leading zeros ingests, codes restored', async () => {
    const ctx2 = await runtimeTemporaire();
    try {
      const sansZero = tc.replace(/^(\d{4}),0(\d),/gm, '$1,$2,');
      expect(sansZero).toContain('\n2010,1,Tous sexes');
      const r = await ingererExtrait(ctx2.runtime, { fichier: 'toutes_causes.csv', bytes: enc(sansZero), millesime: null });
      const codes = await ctx2.runtime.db.all<{ code: string }>(
        `SELECT DISTINCT code FROM read_parquet(${sqlPath(await ctx2.runtime.storage.localPath(r.version.cleParquet))}) WHERE code < '10' ORDER BY code`,
      );
      expect(codes.map((c) => c.code)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09']);
    } finally {
      await ctx2.nettoyer();
    }
  });
});
