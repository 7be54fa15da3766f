import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { entreeSource, type ExtraitLu, type SourceAdapter } from '../../functions/src/core/sources/adapter.ts';
import { aplDrees, colonneApl } from '../../functions/src/core/sources/apl-drees/adapter.ts';
import { cogCommunes } from '../../functions/src/core/sources/cog-communes/adapter.ts';
import { comparateur } from '../../functions/src/core/sources/comparateur/adapter.ts';
import { epciCompositionInsee } from '../../functions/src/core/sources/epci-composition/adapter.ts';
import { epciCompositionDgcl } from '../../functions/src/core/sources/epci-composition/dgcl.ts';
import { estimationsPopulation, trancheAge } from '../../functions/src/core/sources/estimations-population/adapter.ts';
import { ADAPTATEURS_REFERENTIELS } from '../../functions/src/core/sources/groupe-referentiels.ts';
import { detecterFormat } from '../../functions/src/core/sources/registry.ts';
import { tableAppartenance } from '../../functions/src/core/sources/table-appartenance/adapter.ts';
import { DATA } from '../helpers/chemins.ts';

// Each adapter on the real files of data/. The facts asserted on CSV files are recomputed here
// by a direct split of the text (no CSV reader); those on the workbooks and the ZIP were
// established independently with Python (zipfile + xml.etree, and `unzip -p`) when the adapters
// were written, and are written out below.

const lire = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const texte = (relatif: string) => readFileSync(path.join(DATA, relatif), 'utf-8').replace(/^\uFEFF/, '');
const entree = (relatif: string) => entreeSource(path.basename(relatif), lire(relatif));
const lireAvec = (a: SourceAdapter, relatif: string, millesime: string | null = null) => a.lire(entree(relatif), millesime);

function erreurDe(f: () => unknown): SourceSchemaError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SourceSchemaError);
    return e as SourceSchemaError;
  }
  throw new Error('aucune erreur levée');
}

/** Staging rows of a table extract as objects keyed by column name. */
function objets(x: ExtraitLu): Array<Record<string, string | number | null>> {
  return x.lignes.map((l) => Object.fromEntries(x.colonnes.map((c, i) => [c.nom, l[i] ?? null])));
}

interface Valeur {
  ligne: number;
  niveau: string;
  code: string;
  libelle: string | null;
  periode: string;
  sexe: string | null;
  age: string | null;
  variable: string;
  colonne: string;
  valeur: number | null;
  statut: string;
}
const STATUTS = ['ok', 'secret', 'absent', 'non_disponible'];

/** Values of a measure extract (long or wide staging) with their variable id and source column. */
function valeurs(x: ExtraitLu): Valeur[] {
  // The variables and source columns are bound as list parameters of the normalisation SQL.
  const p = x.parametres!;
  const variables = p.variables!.map((v, i): [number, string, string] => [i, v, p.colonnes![i]!]);
  const cle = (l: Array<string | number | null>) => ({
    ligne: l[0] as number,
    niveau: l[1] as string,
    code: l[2] as string,
    libelle: l[3] as string | null,
    periode: l[4] as string,
    sexe: l[5] as string | null,
    age: l[6] as string | null,
  });
  if (x.colonnes[7]!.nom === 'i') {
    return x.lignes.map((l) => ({ ...cle(l), variable: variables[l[7] as number]![1], colonne: variables[l[7] as number]![2], valeur: l[8] as number | null, statut: STATUTS[l[9] as number]! }));
  }
  // Wide staging: what the generated SQL does, in plain code (the integration test runs the SQL).
  const annexe = (nom: string) => x.annexes?.find((a) => a.nom === nom)?.lignes;
  // Per-column periods (comparateur) are bound as the list parameter `$periodes`.
  const periodes = new Map((p.periodes ?? []).map((periode, i) => [p.colonnes![i]!, periode]));
  const presentes = annexe('staging_presentes') && new Set(annexe('staging_presentes')!.map((p) => `${p[0]}|${p[1]}`));
  const cellules = annexe('staging_cellules') && new Map(annexe('staging_cellules')!.map((c) => [`${c[0]}|${c[2]}`, c]));
  return x.lignes.flatMap((l) =>
    variables.flatMap(([i, variable, colonne]) => {
      if (presentes && !presentes.has(`${l[4]}|${i}`)) return [];
      const c = cellules?.get(`${l[6]}|${colonne}`);
      if (cellules && c === undefined) return [];
      return [
        {
          ...cle(l),
          periode: periodes.get(colonne) ?? (l[4] as string),
          sexe: c ? (c[3] as string) : (l[5] as string | null),
          age: c ? (c[4] as string) : (l[6] as string | null),
          variable,
          colonne,
          valeur: l[7 + 2 * i] as number | null,
          statut: STATUTS[l[8 + 2 * i] as number]!,
        },
      ];
    }),
  );
}

const compter = <T,>(xs: T[], f: (x: T) => string) => xs.reduce<Record<string, number>>((acc, x) => ((acc[f(x)] = (acc[f(x)] ?? 0) + 1), acc), {});

function memo<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

// ---------------------------------------------------------------------------------------------
// Detection by content: each adapter claims its files and nothing else of data/.

const FICHIERS = readdirSync(DATA, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && !/\.(md|json)$/i.test(e.name) && !e.name.startsWith('.'))
  .map((e) => path.relative(DATA, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
  .sort();

const ATTENDUS: Record<string, string> = {
  'insee/cog/commune2019.csv': 'cog-communes',
  'insee/cog/commune_2021.csv': 'cog-communes',
  'insee/cog/departement2021.csv': 'cog-communes',
  'insee/cog/region2021.csv': 'cog-communes',
  'insee/cog/2024/v_commune_2024.csv': 'cog-communes',
  'insee/cog/2026/communes.csv': 'cog-communes',
  'insee/cog/2026/departements.csv': 'cog-communes',
  'insee/cog/2026/regions.csv': 'cog-communes',
  'insee/cog/2026/arrondissements.csv': 'cog-communes',
  'insee/cog/EPCI_2020.csv': 'epci-composition-insee',
  'dgcl/epcicom.xlsx': 'epci-composition-dgcl',
  'insee/cog/table-appartenance-geo-communes-22.xlsx': 'table-appartenance',
  'drees/apl/APL_mg_2021.xlsx': 'apl-drees',
  'insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx': 'estimations-population',
  'insee/comparateur/base_cc_comparateur_csv.zip': 'comparateur',
  'insee/cog/mvtcommune2019.csv': 'cog-mouvements',
  'insee/filosofi/filo-revenu-pauvrete-menage-2015.zip': 'filosofi-xls',
};

describe('detection by content on every real file of data/', () => {
  const entrees = memo(() => new Map(FICHIERS.map((f) => [f, entree(f)])));

  it('ships every file this change handles', () => {
    for (const f of Object.keys(ATTENDUS)) expect(FICHIERS).toContain(f);
  });

  it.each(ADAPTATEURS_REFERENTIELS.map((a) => [a.id, a] as const))('%s claims its files and no other file of data/', (id, a) => {
    for (const f of FICHIERS) {
      expect([f, a.reconnaitre(entrees().get(f)!)]).toEqual([f, ATTENDUS[f] === id]);
    }
  });

  it('detects one format for each file of data/ (no ambiguity with the other adapters), whatever the file name', () => {
    for (const f of Object.keys(ATTENDUS)) {
      expect([f, detecterFormat(entreeSource('sans-nom.bin', lire(f))).id]).toEqual([f, ATTENDUS[f]]);
    }
  });

  it('never throws in reconnaitre on junk (empty, text, broken ZIP, ZIP of nothing)', () => {
    const pk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x08, 0x00, 0x00]);
    for (const bytes of [new Uint8Array(), new TextEncoder().encode('a;b\n1;2\n'), pk, lire('dgcl/epcicom.xlsx').subarray(0, 5000)]) {
      for (const a of ADAPTATEURS_REFERENTIELS) expect(a.reconnaitre(entreeSource('x', bytes))).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// COG

/** Direct split of a COG file (no comma inside fields in these files; quotes removed). */
function decouperCog(relatif: string): string[][] {
  return texte(relatif)
    .split('\r\n')
    .filter((l) => l !== '')
    .slice(1)
    .map((l) => l.replace(/"/g, '').split(','));
}

describe('cog-communes on the real COG files', () => {
  it.each([
    ['insee/cog/commune2019.csv', '2019', { COM: 34_970, COMD: 2_365, COMA: 552, ARM: 45 }],
    ['insee/cog/commune_2021.csv', '2021', { COM: 34_965, COMD: 2_215, COMA: 517, ARM: 45 }],
    ['insee/cog/2024/v_commune_2024.csv', '2024', { COM: 34_935, COMD: 2_081, COMA: 483, ARM: 45 }],
    ['insee/cog/2026/communes.csv', '2026', { COM: 34_875, COMD: 2_105, COMA: 471, ARM: 45 }],
  ] as const)('%s: every type kept, counts as a direct split gives them', (relatif, millesime, attendus) => {
    const x = lireAvec(cogCommunes, relatif, millesime);
    const brut = decouperCog(relatif);
    expect([x.millesime, x.partie, x.cogSource, x.lignesLues]).toEqual([millesime, 'communes', Number(millesime), brut.length]);
    const rows = objets(x);
    expect(compter(rows, (r) => r.typecom as string)).toEqual(compter(brut, (r) => r[0]!));
    expect(compter(rows, (r) => r.typecom as string)).toEqual(attendus);
    // Codes stay text, in the file's order.
    expect(rows.map((r) => r.com)).toEqual(brut.map((r) => r[1]));
    expect(rows[0]!.com).toBe('01001');
  });

  it('reads the 2019 layout (no CTCD, lowercase quoted headers): a COMD sharing the code of its commune nouvelle', () => {
    const rows = objets(lireAvec(cogCommunes, 'insee/cog/commune2019.csv', '2019'));
    const arboys = rows.filter((r) => r.com === '01015');
    expect(arboys.map((r) => [r.typecom, r.libelle, r.comparent, r.ctcd])).toEqual([
      ['COM', 'Arboys en Bugey', null, null],
      ['COMD', 'Arbignieu', '01015', null],
    ]);
  });

  it('2021: a COMA attached to a commune of another département, ARM pointing to their commune', () => {
    const rows = objets(lireAvec(cogCommunes, 'insee/cog/commune_2021.csv', '2021'));
    expect(rows.find((r) => r.com === '02285')).toMatchObject({ typecom: 'COMA', comparent: '59545', dep: null });
    expect(rows.filter((r) => r.typecom === 'ARM').map((r) => r.comparent)).toEqual([...Array(16).fill('13055'), ...Array(9).fill('69123'), ...Array(20).fill('75056')]);
    expect(rows.find((r) => r.com === '2A004' && r.typecom === 'COM')).toMatchObject({ dep: '2A', reg: '94', ctcd: '20R' });
  });

  it('reads INSEE’s fully quoted 2024 file exactly as its unquoted copy', () => {
    const quote = lire('insee/cog/2024/v_commune_2024.csv');
    const sansGuillemets = new TextEncoder().encode(new TextDecoder().decode(quote).replace(/"/g, ''));
    const a = cogCommunes.lire(entreeSource('v_commune_2024.csv', quote), '2024');
    const b = cogCommunes.lire(entreeSource('communes.csv', sansGuillemets), '2024');
    expect(b.lignes).toEqual(a.lignes);
    expect(a.lignes.length).toBe(37_544);
  });

  it.each([
    ['insee/cog/departement2021.csv', '2021', 'departements', 101],
    ['insee/cog/2026/departements.csv', '2026', 'departements', 101],
    ['insee/cog/region2021.csv', '2021', 'regions', 18],
    ['insee/cog/2026/regions.csv', '2026', 'regions', 18],
    ['insee/cog/2026/arrondissements.csv', '2026', 'arrondissements', 333],
  ] as const)('%s (millésime %s) is the part « %s »', (relatif, millesime, partie, n) => {
    const x = lireAvec(cogCommunes, relatif, millesime);
    expect([x.millesime, x.partie, x.lignes.length]).toEqual([millesime, partie, n]);
    expect(x.lignes.length).toBe(decouperCog(relatif).length);
  });

  it('keeps the overseas and Corsican codes as text; Mayotte’s chef-lieu changed between 2021 and 2026', () => {
    const d21 = objets(lireAvec(cogCommunes, 'insee/cog/departement2021.csv', '2021'));
    const d26 = objets(lireAvec(cogCommunes, 'insee/cog/2026/departements.csv', '2026'));
    expect(d21.map((d) => d.dep)).toContain('2A');
    expect(d21.find((d) => d.dep === '976')!.cheflieu).toBe('97608');
    expect(d26.find((d) => d.dep === '976')!.cheflieu).toBe('97611');
    const arr = objets(lireAvec(cogCommunes, 'insee/cog/2026/arrondissements.csv', '2026'));
    expect(arr.find((a) => a.arr === '9743')).toMatchObject({ dep: '974', reg: '04' });
  });

  it('refuses a file without millésime, and names the cell of a bad value', () => {
    expect(erreurDe(() => lireAvec(cogCommunes, 'insee/cog/commune_2021.csv', null)).message).toMatch(/^commune_2021\.csv : millésime absent : les fichiers du COG ne portent pas leur année/);
    const t = texte('insee/cog/2026/communes.csv').replace('\r\nCOM,01002,', '\r\nCOMX,01002,');
    expect(erreurDe(() => cogCommunes.lire(entreeSource('communes.csv', new TextEncoder().encode(t)), '2026')).message).toBe(
      'communes.csv, ligne 3, colonne 1 (TYPECOM) : type de commune invalide « COMX » (attendus : COM, COMA, COMD, ARM)',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// EPCI

describe('epci-composition-insee on EPCI_2020.csv', () => {
  const x = memo(() => lireAvec(epciCompositionInsee, 'insee/cog/EPCI_2020.csv', '2020'));

  it('reads every commune, the four island communes without EPCI flagged, not as an EPCI', () => {
    const brut = texte('insee/cog/EPCI_2020.csv').split('\r\n').slice(1).map((l) => l.split(';'));
    const rows = objets(x());
    expect([x().millesime, x().cogSource, rows.length]).toEqual(['2020', 2020, brut.length]);
    expect(rows.length).toBe(34_968);
    expect(rows.filter((r) => r.epci === 'ZZZZZZZZZ').map((r) => r.code_commune)).toEqual(['22016', '29083', '29155', '85113']);
    expect(new Set(brut.map((r) => r[2])).size).toBe(1_256); // 1 255 EPCI + ZZZZZZZZZ
    expect(rows.find((r) => r.code_commune === '2A004')).toMatchObject({ epci: '242010056', code_departement: '2A', code_region: '94' });
    expect(rows.filter((r) => ['75056', '69123', '13055'].includes(r.code_commune as string))).toHaveLength(3);
  });

  it('needs the millésime (the file does not carry it)', () => {
    expect(erreurDe(() => lireAvec(epciCompositionInsee, 'insee/cog/EPCI_2020.csv', null)).message).toMatch(/^EPCI_2020\.csv : millésime absent/);
  });
});

describe('epci-composition-dgcl on epcicom.xlsx (sheet Epcicom2025)', () => {
  const x = memo(() => lireAvec(epciCompositionDgcl, 'dgcl/epcicom.xlsx'));

  it('reads 34 871 members of 1 255 EPCI, the trailing empty row accepted, millésime 2025 from the sheet', () => {
    const rows = objets(x());
    expect([x().millesime, x().cogSource, x().lignesLues, rows.length]).toEqual(['2025', 2025, 34_871, 34_871]);
    expect(new Set(rows.map((r) => r.epci)).size).toBe(1_255);
    expect(rows.reduce((s, r) => s + (r.pmun as number), 0)).toBe(68_010_643);
    expect(rows.every((r) => r.annee_population === 2025)).toBe(true);
  });

  it('turns the SIREN stored as a number back into 9-character text', () => {
    const rows = objets(x());
    expect(rows[0]).toEqual({
      ligne: 2,
      code_commune: '01304',
      libelle_commune: "Pont-d'Ain",
      siren_commune: '210103040',
      code_departement: '01',
      code_region: null,
      epci: '200029999',
      libelle_epci: "CC Rives de l'Ain - Pays du Cerdon",
      nature_juridique: 'CC',
      mode_financement: 'FPU',
      code_departement_epci: '01',
      pmun: 2862,
      ptot: 2912,
      annee_population: 2025,
    });
    expect(rows.every((r) => typeof r.epci === 'string' && /^\d{9}$/.test(r.epci as string))).toBe(true);
  });

  it('gives the members of known EPCI (CC de la Vallée de la Bruche, CC Faucigny-Glières, Métropole de Lyon)', () => {
    const rows = objets(x());
    const bruche = rows.filter((r) => r.epci === '246700306');
    expect(bruche).toHaveLength(26);
    expect(bruche.reduce((s, r) => s + (r.pmun as number), 0)).toBe(20_517);
    expect(bruche.find((r) => r.code_commune === '67020')).toMatchObject({ libelle_commune: 'Barembach', pmun: 829 });
    const faucigny = rows.filter((r) => r.epci === '200000172');
    expect([faucigny.length, faucigny.reduce((s, r) => s + (r.pmun as number), 0)]).toEqual([7, 28_363]);
    expect(rows.filter((r) => r.epci === '200046977').every((r) => r.nature_juridique === 'MET69')).toBe(true);
    expect(rows.filter((r) => r.epci === '200046977')).toHaveLength(58);
    expect(rows.find((r) => r.code_commune === '97101')).toMatchObject({ code_departement: '971', code_departement_epci: '971' });
  });
});

// ---------------------------------------------------------------------------------------------
// Table d'appartenance

describe('table-appartenance on table-appartenance-geo-communes-22.xlsx', () => {
  const x = memo(() => lireAvec(tableAppartenance, 'insee/cog/table-appartenance-geo-communes-22.xlsx'));

  it('reads the COM and ARM sheets from row 7, millésime 2022 from the title', () => {
    const rows = objets(x());
    expect([x().millesime, x().cogSource, x().partie ?? null]).toEqual(['2022', 2022, null]);
    expect(compter(rows, (r) => r.feuille as string)).toEqual({ COM: 34_955, ARM: 45 });
    expect(rows[0]).toMatchObject({ ligne: 7, feuille: 'COM', codgeo: '01001', libgeo: "L'Abergement-Clémenciat", epci: '200069193', ze2020: '8405', bv2012: '01093' });
    expect(rows.find((r) => r.codgeo === '75101')).toMatchObject({ ligne: 32, feuille: 'ARM', com: '75056', epci: '200054781' });
  });

  it('keeps the zoning columns found on row 6 and the sentinels the SQL maps to NULL', () => {
    expect(x().colonnes.map((c) => c.nom).slice(11)).toEqual(['ze2020', 'uu2020', 'tuu2017', 'tduu2017', 'aav2020', 'taav2017', 'tdaav2017', 'cateaav2020', 'bv2012']);
    const rows = objets(x());
    expect(rows.filter((r) => r.epci === 'ZZZZZZZZZ').map((r) => [r.codgeo, r.nature_epci])).toEqual([
      ['22016', 'ZZ'],
      ['29083', 'ZZ'],
      ['29155', 'ZZ'],
      ['85113', 'ZZ'],
    ]);
    expect(rows.filter((r) => r.arr === 'ZZZZ')).toHaveLength(17); // Mayotte
    expect(x().normalisationSql).toMatch(/CASE WHEN epci = 'ZZZZZZZZZ' THEN NULL ELSE epci END AS code_epci/);
  });

  it('takes an override equal to the title, refuses a different one', () => {
    expect(lireAvec(tableAppartenance, 'insee/cog/table-appartenance-geo-communes-22.xlsx', '2022').millesime).toBe('2022');
    expect(erreurDe(() => lireAvec(tableAppartenance, 'insee/cog/table-appartenance-geo-communes-22.xlsx', '2023')).message).toMatch(
      /^table-appartenance-geo-communes-22\.xlsx, ligne 1, colonne 1 \(A\) : feuille « COM » : millésime 2023 demandé, mais le titre annonce la géographie 2022$/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// APL

describe('apl-drees on APL_mg_2021.xlsx (single-year layout)', () => {
  const x = memo(() => lireAvec(aplDrees, 'drees/apl/APL_mg_2021.xlsx', '2021'));
  const v = memo(() => valeurs(x()));

  it('reads 34 997 communes × 5 variables, COG 2022, variables with their unit and additivity', () => {
    expect([x().millesime, x().cogSource, x().lignesLues, v().length]).toEqual(['2021', 2022, 34_997, 174_985]);
    expect(x().variables!.map((d) => [d.id, d.unite, d.additive])).toEqual([
      ['population-totale', 'habitants', true],
      ['apl-medecins-generalistes', 'consultations/visites accessibles par an et par habitant standardisé', false],
      ['apl-medecins-generalistes-65-ans-et-moins', 'consultations/visites accessibles par an et par habitant standardisé', false],
      ['apl-medecins-generalistes-62-ans-et-moins', 'consultations/visites accessibles par an et par habitant standardisé', false],
      ['population-standardisee-apl', 'habitants standardisés', true],
    ]);
    expect(x().niveaux).toEqual(['arrondissement-municipal', 'commune']);
    expect(v().every((r) => r.periode === '2021')).toBe(true);
  });

  it('gives the 23 communes without values the statut absent (not 0); 0 stays a real APL', () => {
    const absents = v().filter((r) => r.statut === 'absent');
    expect(absents).toHaveLength(23 * 5);
    expect(absents.every((r) => r.valeur === null)).toBe(true);
    expect([...new Set(absents.map((r) => r.code))]).toEqual(['55039', '55050', '55139', '55189', '55239', '55307', ...Array.from({ length: 17 }, (_, i) => `976${String(i + 1).padStart(2, '0')}`)]);
    expect(v().filter((r) => r.variable === 'apl-medecins-generalistes' && r.valeur === 0 && r.statut === 'ok')).toHaveLength(504);
  });

  it('accepts the 45 PLM arrondissements with an empty label; sums and a known value', () => {
    const arr = v().filter((r) => r.niveau === 'arrondissement-municipal' && r.variable === 'population-totale');
    expect(arr).toHaveLength(45);
    expect(arr.every((r) => r.libelle === null)).toBe(true);
    expect(v().filter((r) => r.variable === 'population-totale').reduce((s, r) => s + (r.valeur ?? 0), 0)).toBe(66_988_403);
    expect(v().find((r) => r.code === '05085' && r.variable === 'apl-medecins-generalistes')).toMatchObject({ libelle: 'Montgenèvre', valeur: 28.957, ligne: 1781 });
  });

  it('needs the millésime: the year is not in this layout', () => {
    expect(erreurDe(() => lireAvec(aplDrees, 'drees/apl/APL_mg_2021.xlsx', null)).message).toMatch(/^APL_mg_2021\.xlsx : millésime absent : ce classeur APL/);
  });
});

// A tiny XLSX writer (inline strings, deflate), for the synthetic multi-year APL workbook.
type CelluleTest = string | number | null;
const enc = (s: string) => new TextEncoder().encode(s);
function ecrireZip(fichiers: Array<{ nom: string; donnees: Uint8Array }>): Uint8Array {
  const parts: Uint8Array[] = [];
  const centraux: Uint8Array[] = [];
  let offset = 0;
  for (const f of fichiers) {
    const comp = deflateRawSync(f.donnees);
    const nom = enc(f.nom);
    const crc = crc32(f.donnees) >>> 0;
    const local = new Uint8Array(30 + nom.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(8, 8, true);
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
  const taille = centraux.reduce((s, x) => s + x.length, 0);
  const fin = new Uint8Array(22);
  const e = new DataView(fin.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, fichiers.length, true);
  e.setUint16(10, fichiers.length, true);
  e.setUint32(12, taille, true);
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
const xmlTexte = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function lettres(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
function classeurXlsx(feuilles: Array<{ nom: string; lignes: CelluleTest[][] }>): Uint8Array {
  const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const feuille = (lignes: CelluleTest[][]) =>
    `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${lignes
      .map(
        (l, r) =>
          `<row r="${r + 1}">${l
            .map((v, c) =>
              v === null ? '' : typeof v === 'number' ? `<c r="${lettres(c)}${r + 1}"><v>${v}</v></c>` : `<c r="${lettres(c)}${r + 1}" t="inlineStr"><is><t xml:space="preserve">${xmlTexte(v)}</t></is></c>`,
            )
            .join('')}</row>`,
      )
      .join('')}</sheetData></worksheet>`;
  return ecrireZip([
    { nom: '_rels/.rels', donnees: enc(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    {
      nom: 'xl/workbook.xml',
      donnees: enc(`<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}><sheets>${feuilles.map((f, i) => `<sheet name="${xmlTexte(f.nom)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`),
    },
    {
      nom: 'xl/_rels/workbook.xml.rels',
      donnees: enc(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${feuilles.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}</Relationships>`),
    },
    ...feuilles.map((f, i) => ({ nom: `xl/worksheets/sheet${i + 1}.xml`, donnees: enc(feuille(f.lignes)) })),
  ]);
}

/**
 * SYNTHETIC multi-year DREES workbook, written from the layout described in
 * docs/data-formats.md (no real file could be fetched): one sheet per year (`APL 2022`, `APL
 * 2021`, older `APL_2019`), 8 title/notes rows, header on row 9 (some headers with a trailing
 * space), a units row, then the communes. The values are invented.
 */
function aplPluriannuelSynthetique(options: { anneeEnTete?: string } = {}): Uint8Array {
  const titres = (annee: string): CelluleTest[][] => [
    [`Indicateur d'accessibilité potentielle localisée (APL) aux médecins généralistes — ${annee} (CLASSEUR SYNTHÉTIQUE DE TEST)`],
    ['Source : SNIIR-AM, EGB, CNAM ; populations par sexe et âge, distancier METRIC, INSEE ; traitements DREES'],
    [],
    ["Note : l'APL est exprimée en nombre de consultations/visites accessibles par habitant standardisé et par an."],
    [],
    ['Champ : France entière'],
    [],
    [],
  ];
  const recent = (annee: string): CelluleTest[][] => [
    ...titres(annee),
    [
      'Code commune INSEE',
      'Commune',
      'APL aux médecins généralistes ',
      'APL aux médecins généralistes de 65 ans ou moins ',
      'APL aux médecins généralistes de 62 ans ou moins',
      'APL aux médecins généralistes de 60 ans ou moins',
      `Population standardisée ${options.anneeEnTete ?? annee} pour la médecine générale`,
      `Population totale ${annee} `,
    ],
    [null, null, 'consultations/visites par habitant standardisé', null, null, null, 'habitants', 'habitants'],
    ['01001', "L'Abergement-Clémenciat", 2.2, 2.1, 2, 1.9, 770.5, 780],
    [97101, 'Les Abymes', 0, 0, 0, 0, 51200.25, 53500],
    ['75101', 'Paris 1er Arrondissement', 6.1, 5.2, 4.8, 4.1, 16000.5, 15900],
    ['55039', 'Beaumont-en-Verdunois', null, null, null, null, null, null],
  ];
  return classeurXlsx([
    { nom: 'Présentation', lignes: [['APL aux médecins généralistes, 2019 à 2022 (synthétique)']] },
    { nom: 'APL 2022', lignes: recent('2022') },
    { nom: 'APL 2021', lignes: recent('2021') },
    {
      nom: 'APL_2019',
      lignes: [
        ...titres('2019'),
        [
          'Code commune INSEE',
          'Commune',
          'APL aux médecins généralistes',
          'APL aux médecins généralistes de moins de 65 ans',
          'Population standardisée 2019 pour la médecine générale',
          'Population totale 2019',
        ],
        [null, null, 'consultations/visites', null, 'habitants', 'habitants'],
        ['01001', "L'Abergement-Clémenciat", 2.4, 2.3, 760, 770],
        ['97101', 'Les Abymes', 0.5, 0.4, 51000, 53900],
      ],
    },
  ]);
}

describe('apl-drees on a SYNTHETIC multi-year workbook (layout of docs/data-formats.md)', () => {
  const bytes = memo(() => aplPluriannuelSynthetique());

  it('is recognised by content, each "APL AAAA" sheet a period, millésime = the last year', () => {
    const e = entreeSource('apl_medecins_generalistes.xlsx', bytes());
    expect(aplDrees.reconnaitre(e)).toBe(true);
    expect(detecterFormat(e).id).toBe('apl-drees');
    const x = aplDrees.lire(e, null);
    expect([x.millesime, x.cogSource, x.lignesLues]).toEqual(['2022', 2023, 10]);
    const v = valeurs(x);
    expect(compter(v, (r) => r.periode)).toEqual({ '2022': 24, '2021': 24, '2019': 8 });
    expect(x.variables!.map((d) => d.id)).toEqual([
      'apl-medecins-generalistes',
      'apl-medecins-generalistes-65-ans-et-moins',
      'apl-medecins-generalistes-62-ans-et-moins',
      'apl-medecins-generalistes-60-ans-et-moins',
      'population-standardisee-apl',
      'population-totale',
      'apl-medecins-generalistes-moins-de-65-ans',
    ]);
  });

  it('skips the units row, trims the headers, reads a code stored as a number, keeps empty cells absent', () => {
    const v = valeurs(aplDrees.lire(entreeSource('x.xlsx', bytes()), '2022'));
    const en2022 = v.filter((r) => r.periode === '2022');
    expect([...new Set(en2022.map((r) => r.code))]).toEqual(['01001', '97101', '75101', '55039']);
    expect(en2022.find((r) => r.code === '01001' && r.variable === 'apl-medecins-generalistes')).toMatchObject({ ligne: 11, valeur: 2.2, colonne: 'APL aux médecins généralistes' });
    expect(en2022.find((r) => r.code === '97101' && r.variable === 'population-totale')).toMatchObject({ valeur: 53500, libelle: 'Les Abymes' });
    expect(en2022.find((r) => r.code === '75101')!.niveau).toBe('arrondissement-municipal');
    expect(en2022.filter((r) => r.code === '55039').every((r) => r.statut === 'absent' && r.valeur === null)).toBe(true);
    expect(v.find((r) => r.periode === '2019' && r.code === '01001' && r.variable === 'apl-medecins-generalistes-moins-de-65-ans')!.valeur).toBe(2.3);
  });

  it('refuses a header of another year than its sheet, and a different millésime', () => {
    const faux = entreeSource('x.xlsx', aplPluriannuelSynthetique({ anneeEnTete: '2020' }));
    expect(erreurDe(() => aplDrees.lire(faux, null)).message).toBe(
      'x.xlsx, ligne 9, colonne 7 (Population standardisée 2020 pour la médecine générale) : feuille « APL 2022 » : colonne de l’année 2020 dans la feuille de 2022',
    );
    expect(erreurDe(() => aplDrees.lire(entreeSource('x.xlsx', bytes()), '2021')).message).toMatch(/millésime 2021 demandé, mais l’année la plus récente du classeur/);
  });

  it('maps the header wordings of both layouts', () => {
    expect(colonneApl("APL aux médecins généralistes (sans borne d'âge)")!.variable!.id).toBe('apl-medecins-generalistes');
    expect(colonneApl('APL aux médecins généralistes de 65 ans et moins')!.variable!.id).toBe('apl-medecins-generalistes-65-ans-et-moins');
    expect(colonneApl('  APL aux  médecins généralistes de 65 ans ou moins ')!.variable!.id).toBe('apl-medecins-generalistes-65-ans-et-moins');
    expect(colonneApl('Population standardisée 2022 pour la médecine générale')).toMatchObject({ annee: '2022' });
    expect(colonneApl('APL aux dentistes')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Estimations de population

describe('estimations-population on estim-pop-dep-sexe-aq-1975-2021.xlsx', () => {
  const x = memo(() => lireAvec(estimationsPopulation, 'insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx'));
  const v = memo(() => valeurs(x()));
  const val = (periode: string, code: string, sexe: string, age: string) => v().find((r) => r.periode === periode && r.code === code && r.sexe === sexe && r.age === age);

  it('reads the 47 year sheets: millésime 2021, COG 2021 from the update date of « À savoir »', () => {
    expect([x().millesime, x().cogSource]).toEqual(['2021', 2021]);
    expect(new Set(v().map((r) => r.periode)).size).toBe(47);
    // 4 727 kept rows (départements, France métropolitaine, France) × 3 sexes × 20 bands, but
    // 19 bands (90+) for the overseas départements and France of 1990–1998 (45 rows):
    expect(v()).toHaveLength((4_727 * 20 - 45) * 3);
    expect([x().lignesLues, x().lignes.length]).toEqual([4_727, 4_727]); // the 32 DOM subtotal rows are checked, not kept nor counted
    expect(x().niveaux).toEqual(['departement', 'france', 'france-metropolitaine']);
  });

  it('reads the ditto band, Ain 2021: total 662 244 and 75+ = 55 306', () => {
    expect(val('2021', '01', 'ensemble', '5-9')!.valeur).toBe(44_414);
    const ain = v().filter((r) => r.periode === '2021' && r.code === '01' && r.sexe === 'ensemble');
    expect(ain.map((r) => r.age)).toEqual(['0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85-89', '90-94', '95+']);
    expect(ain.reduce((s, r) => s + r.valeur!, 0)).toBe(662_244);
    expect(ain.filter((r) => ['75-79', '80-84', '85-89', '90-94', '95+'].includes(r.age!)).reduce((s, r) => s + r.valeur!, 0)).toBe(55_306);
  });

  it('turns an overseas code stored as a number into text; 1990–1998 overseas top band is 90+', () => {
    expect(val('2021', '971', 'ensemble', '0-4')).toMatchObject({ valeur: 18_456, libelle: 'Guadeloupe', niveau: 'departement', ligne: 103 });
    expect(val('1990', '971', 'ensemble', '90+')).toMatchObject({ valeur: 805 });
    expect(val('1990', '971', 'hommes', '90+')!.valeur).toBe(206);
    expect(val('1990', '971', 'ensemble', '95+')).toBeUndefined();
    expect(val('1990', '01', 'ensemble', '95+')!.valeur).toBe(283);
    expect(v().some((r) => r.periode === '1989' && r.code.startsWith('97'))).toBe(false); // métropole only before 1990
    expect(val('2013', '976', 'ensemble', '0-4')).toBeUndefined(); // Mayotte from 2014
    expect(val('2014', '976', 'ensemble', '0-4')!.valeur).toBe(35_310);
  });

  it('keeps France métropolitaine and France as their levels, drops the DOM subtotal', () => {
    const fm = v().filter((r) => r.periode === '2021' && r.niveau === 'france-metropolitaine' && r.sexe === 'ensemble');
    expect(fm[0]).toMatchObject({ code: 'FM', libelle: 'France métropolitaine', ligne: 102 });
    expect(fm.reduce((s, r) => s + r.valeur!, 0)).toBe(65_235_843);
    const fr = v().filter((r) => r.periode === '2021' && r.niveau === 'france' && r.sexe === 'ensemble');
    expect(fr[0]).toMatchObject({ code: 'FR', libelle: 'France métropolitaine et DOM' });
    expect(fr.reduce((s, r) => s + r.valeur!, 0)).toBe(67_407_241);
    expect(v().some((r) => r.code === 'DOM' || r.libelle === 'DOM')).toBe(false);
    expect(v().filter((r) => r.niveau === 'france').map((r) => r.periode).sort()[0]).toBe('1990');
  });

  it('checks Ensemble = Hommes + Femmes: holds everywhere but one corrupted cell of this copy, published non_disponible', () => {
    const parCle = new Map(v().map((r) => [`${r.periode}|${r.code}|${r.sexe}|${r.age}`, r]));
    const ko: string[] = [];
    for (const r of v()) {
      if (r.sexe !== 'ensemble') continue;
      const h = parCle.get(`${r.periode}|${r.code}|hommes|${r.age}`)!.valeur!;
      const f = parCle.get(`${r.periode}|${r.code}|femmes|${r.age}`)!.valeur!;
      if (r.valeur !== h + f) ko.push(`${r.periode} ${r.code} ${r.age} ${r.statut}`);
    }
    // Corrèze 2021, 65–69: the copy holds 1 where H + F = 8 535 + 9 366 = 17 901 and the row's
    // Total (239 071) implies 17 901 too (checked with Python on the workbook).
    expect(ko).toEqual(['2021 19 65-69 non_disponible']);
    expect(v().filter((r) => r.statut !== 'ok')).toEqual([expect.objectContaining({ periode: '2021', code: '19', sexe: 'ensemble', age: '65-69', valeur: null, ligne: 24 })]);
  });

  it('parses band labels', () => {
    expect(trancheAge('0 à 4 ans')).toEqual({ age: '0-4', debut: 0, fin: 4 });
    expect(trancheAge('95 ans et plus')).toEqual({ age: '95+', debut: 95, fin: null });
    expect(trancheAge(' Total ')).toBe('total');
    expect(trancheAge('"')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Comparateur

describe('comparateur on base_cc_comparateur_csv.zip', () => {
  const x = memo(() => lireAvec(comparateur, 'insee/comparateur/base_cc_comparateur_csv.zip'));
  const v = memo(() => valeurs(x()));

  it('reads 35 010 rows × 32 columns; millésime 2022 from the archive dates, COG 2021', () => {
    expect([x().millesime, x().cogSource, x().lignesLues, x().lignes.length]).toEqual(['2022', 2021, 35_010, 35_010]);
    expect(v()).toHaveLength(35_010 * 32);
    expect(x().niveaux).toEqual(['arrondissement-municipal', 'commune']);
  });

  it('gives every column a variable and a period; the manifest lists each variable once', () => {
    const periodes = Object.fromEntries(v().slice(0, 32).map((r) => [r.colonne, `${r.variable} ${r.periode}`]));
    expect(periodes).toMatchObject({
      P18_POP: 'population 2018',
      P13_POP: 'population 2013',
      SUPERF: 'superficie 2021',
      NAIS1318: 'naissances 2013-2018',
      DECE1318: 'deces 2013-2018',
      NAISD20: 'naissances 2020',
      DECESD20: 'deces 2020',
      MED19: 'mediane-niveau-vie 2019',
      ETTEFP1018: 'etablissements-actifs-10-salaries-ou-plus 2018',
    });
    const ids = x().variables!.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(x().variables!.find((d) => d.id === 'population')).toMatchObject({ colonneSource: 'P18_POP, P13_POP', libelle: 'Population', additive: true });
    expect(x().variables!.find((d) => d.id === 'superficie')).toMatchObject({ unite: 'km²', additive: true, libelle: 'Superficie (en km2)' });
    expect(x().variables!.find((d) => d.id === 'taux-pauvrete')).toMatchObject({ additive: false, unite: '%' });
  });

  it('keeps the non-integer RP estimates, PLM arrondissements as well as their commune', () => {
    const a = v().filter((r) => r.code === '01001');
    expect(a.find((r) => r.colonne === 'P18_LOG')!.valeur).toBe(353.730434782608);
    expect(a.find((r) => r.colonne === 'SUPERF')!.valeur).toBe(15.95);
    expect(a[0]!.libelle).toBe("L'Abergement-Clémenciat");
    const pop = v().filter((r) => r.colonne === 'P18_POP');
    expect(pop.filter((r) => r.niveau === 'arrondissement-municipal')).toHaveLength(45);
    expect(pop.filter((r) => ['75056', '69123', '13055'].includes(r.code)).map((r) => r.niveau)).toEqual(['commune', 'commune', 'commune']);
    expect(pop.reduce((s, r) => s + (r.valeur ?? 0), 0)).toBe(70_295_051);
    expect(pop.filter((r) => r.niveau === 'commune').reduce((s, r) => s + (r.valeur ?? 0), 0)).toBe(66_732_538);
  });

  it('empty cells: Mayotte absent (17 communes), Filosofi secrecy secret (3 636 communes)', () => {
    expect(v().filter((r) => r.colonne === 'P18_POP' && r.statut === 'absent').map((r) => r.code)).toEqual(Array.from({ length: 17 }, (_, i) => `976${String(i + 1).padStart(2, '0')}`));
    expect(compter(v().filter((r) => r.colonne === 'MED19'), (r) => r.statut)).toEqual({ ok: 31_357, secret: 3_636, absent: 17 });
    expect(v().filter((r) => r.colonne === 'DECESD20' && r.code === '97601')[0]!.valeur).toBe(29);
  });

  it('takes the millésime given, and refuses an archive without the data file', () => {
    expect(lireAvec(comparateur, 'insee/comparateur/base_cc_comparateur_csv.zip', '2023').millesime).toBe('2023');
    const meta = new TextEncoder().encode('COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\r\nP18_POP;Population en 2018;Population en 2018;;;NUM;7\r\n');
    const zip = ecrireZip([{ nom: 'meta_base_cc_comparateur.CSV', donnees: meta }]);
    const e = entreeSource('autre-nom.zip', zip);
    expect(comparateur.reconnaitre(e)).toBe(true);
    expect(erreurDe(() => comparateur.lire(e, null)).message).toBe(
      'autre-nom.zip : archive du comparateur incomplète : aucun fichier de données (en-tête « CODGEO;P18_POP;… ») ; l’archive contient : « meta_base_cc_comparateur.CSV »',
    );
  });
});
