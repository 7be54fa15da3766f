import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPath } from '../../functions/src/core/duckdb/duckdb.ts';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { ingererExtrait, type IngestResultat } from '../../functions/src/core/lake/ingest.ts';
import { lireManifesteDataset } from '../../functions/src/core/lake/manifeste.ts';
import { entreeSource } from '../../functions/src/core/sources/adapter.ts';
import { filosofiCc } from '../../functions/src/core/sources/filosofi-cc/adapter.ts';
import { filosofiXls } from '../../functions/src/core/sources/filosofi-xls/adapter.ts';
import { lireClasseurXls } from '../../functions/src/core/sources/lecture/xls.ts';
import { lireZip } from '../../functions/src/core/sources/lecture/zip.ts';
import { detecterFormat } from '../../functions/src/core/sources/registry.ts';
import { DATA } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// INSEE's Filosofi 2015 "base comparateur" zip (one Excel 97-2003 workbook). The values are
// cross-checked against an independent file of the same millésime: FILO2015_DISP_COM.csv (INSEE's
// "indicateurs de distribution", exported to CSV by a third party), whose NBMEN15 / NBPERS15 /
// Q215 (median) are the same statistics as NBMENFISC15 / NBPERSMENFISC15 / MED15 (Q215 rounded
// to one decimal).

const ZIP = 'insee/filosofi/filo-revenu-pauvrete-menage-2015.zip';
const octets = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const FEUILLES = ['COM', 'EPCI', 'ARR', 'DEP', 'REG', 'METRO', 'AU2010', 'UU2010', 'ZE2010', 'Variables', 'Documentation'];
const CODES_15 = 'CODGEO LIBGEO NBMENFISC15 NBPERSMENFISC15 MED15 PIMP15 TP6015 TP60AGE115 TP60AGE215 TP60AGE315 TP60AGE415 TP60AGE515 TP60AGE615 TP60TOL115 TP60TOL215 PACT15 PTSA15 PCHO15 PBEN15 PPEN15 PPAT15 PPSOC15 PPFAM15 PPMINI15 PPLOGT15 PIMPOT15 D115 D915 RD15'.split(' ');

/** Minimal ZIP writer (deflate) for the variants. */
function zip(fichiers: Array<{ nom: string; donnees: Uint8Array }>): Uint8Array {
  const locaux: Buffer[] = [];
  const centraux: Buffer[] = [];
  let offset = 0;
  for (const f of fichiers) {
    const nom = Buffer.from(f.nom);
    const comp = deflateRawSync(f.donnees);
    const crc = crc32(f.donnees);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x4c41, 12); // DOS date 2018-02-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(f.donnees.length, 22);
    local.writeUInt16LE(nom.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x4c41, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(f.donnees.length, 24);
    central.writeUInt16LE(nom.length, 28);
    central.writeUInt32LE(offset, 42);
    locaux.push(local, nom, comp);
    centraux.push(central, nom);
    offset += 30 + nom.length + comp.length;
  }
  const rep = Buffer.concat(centraux);
  const fin = Buffer.alloc(22);
  fin.writeUInt32LE(0x06054b50, 0);
  fin.writeUInt16LE(fichiers.length, 8);
  fin.writeUInt16LE(fichiers.length, 10);
  fin.writeUInt32LE(rep.length, 12);
  fin.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locaux, rep, fin]));
}

function erreurDe(f: () => unknown): SourceSchemaError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SourceSchemaError);
    return e as SourceSchemaError;
  }
  throw new Error('aucune erreur levée');
}

const bytesZip = octets(ZIP);
const xls = lireZip(bytesZip, 'f.zip')[0]!;
const octetsXls = xls.lire();

describe('lecture du classeur réel base-cc-filosofi-2015.xls', () => {
  const t0 = performance.now();
  const classeur = lireClasseurXls(octetsXls, 'base-cc-filosofi-2015.xls');
  const com = classeur.feuille('COM').lignes;
  console.log(`base-cc-filosofi-2015.xls : données globales + feuille COM lues en ${(performance.now() - t0).toFixed(0)} ms`);

  it('a les feuilles, titres et ligne des codes de la base comparateur', () => {
    expect(xls.nom).toBe('base-cc-filosofi-2015.xls');
    expect(octetsXls.byteLength).toBe(6_830_592);
    expect(classeur.feuilles).toEqual(FEUILLES);
    for (const f of FEUILLES.slice(0, 9)) {
      const l = classeur.feuille(f).lignes;
      expect(l[0]).toEqual(['Fichier Localisé Social et Fiscal (FiLoSoFi) - Année 2015']);
      expect(l[2]).toEqual(['Mise en ligne le 19/06/2018       Géographie au 01/01/2016']);
      expect(l[4]![0]).toBe('Code géographique');
      expect(l[5]).toEqual(CODES_15);
    }
    expect(com[1]).toEqual(['France métropolitaine, Martinique et La Réunion - Communes']);
    expect(classeur.feuille('Variables').lignes[34]).toEqual(['RD15', 'Rapport interdécile 9e décile/1er décile', 'Rapport interdécile 9e décile/1er décile']);
  });

  it('compte 35 848 communes (lignes 7 à 35 854), codes en texte, et les niveaux attendus', () => {
    expect(com.length).toBe(35_854);
    const codes = com.slice(6).map((l) => l[0]);
    expect(codes.every((c) => typeof c === 'string' && /^(?:\d{5}|2[AB]\d{3})$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(35_848);
    expect(com[6]).toEqual(['01001', "L'Abergement-Clémenciat", 308, 801, 22228]);
    expect(com[7]).toEqual(['01002', "L'Abergement-de-Varey", 100, 245.5, 22883.33333333333]);
    expect(classeur.feuille('EPCI').lignes.length - 6).toBe(2048);
    expect(classeur.feuille('DEP').lignes.length - 6).toBe(98);
    expect(classeur.feuille('REG').lignes.length - 6).toBe(15);
    expect(classeur.feuille('METRO').lignes[6]!.slice(0, 5)).toEqual(['1', 'France métropolitaine', 27_071_573, 62_770_585.5, 20565.555555555555]);
  });

  it('concorde, commune par commune, avec FILO2015_DISP_COM.csv (fichier indépendant, même millésime)', () => {
    const csv = new TextDecoder().decode(octets('insee/filosofi/FILO2015_DISP_COM.csv')).replace(/^\uFEFF/, '').split(/\r?\n/);
    const entete = csv[0]!.split(';');
    const [iMen, iPers, iMed] = ['NBMEN15', 'NBPERS15', 'Q215'].map((n) => entete.indexOf(n)) as [number, number, number];
    const parCode = new Map(com.slice(6).map((l) => [l[0] as string, l]));
    let comparees = 0;
    for (const ligne of csv.slice(1)) {
      const c = ligne.split(';');
      const x = parCode.get(c[0]!);
      expect(x, c[0]).toBeDefined();
      const n = (s: string) => (s === '' ? null : Number(s.replace(',', '.')));
      expect(x![2], c[0]).toBe(n(c[iMen]!));
      expect(x![3], c[0]).toBe(n(c[iPers]!));
      expect(Math.abs((x![4] as number) - n(c[iMed]!)!), c[0]).toBeLessThanOrEqual(0.051);
      comparees += 1;
    }
    // Every commune of the DISP file (published above the threshold) is in the workbook.
    expect(comparees).toBe(32_252);
    // Spot values: Ambérieu-en-Bugey, Paris (CSV: 6216,0;13917,0;…;19735,2 and 1030953,0;2096399,0;…;26430,9).
    expect(parCode.get('01004')!.slice(2, 5)).toEqual([6216, 13917, 19735.2]);
    expect(parCode.get('75056')!.slice(2, 5)).toEqual([1_030_953, 2_096_399, 26430.9]);
  });

  it('reste plausible face au millésime 2019 (cc_filosofi_2019_COM.CSV)', () => {
    const csv = new TextDecoder().decode(octets('insee/filosofi/cc_filosofi_2019_COM.CSV')).split(/\r?\n/);
    const parCode = new Map(com.slice(6).map((l) => [l[0] as string, l]));
    for (const code of ['01004', '33063', '75056', '59350']) {
      const c19 = csv.find((l) => l.startsWith(`${code};`))!.split(';');
      const x = parCode.get(code)!;
      expect((x[2] as number) / Number(c19[1])).toBeGreaterThan(0.85); // ménages fiscaux
      expect((x[2] as number) / Number(c19[1])).toBeLessThan(1.1);
      expect((x[4] as number) / Number(c19[3])).toBeGreaterThan(0.85); // médiane (€ courants)
      expect((x[4] as number) / Number(c19[3])).toBeLessThan(1.05);
    }
  });

  it('troncature du classeur réel : erreur française, pas d’exception brute', () => {
    for (const fin of [511, 100_000, 3_000_000, octetsXls.byteLength - 512]) {
      const e = erreurDe(() => {
        const c = lireClasseurXls(octetsXls.subarray(0, fin), 'tronque.xls');
        for (const f of c.feuilles) c.feuille(f);
      });
      expect(e.message).toMatch(/^tronque\.xls : classeur Excel 97-2003 invalide : /);
    }
  });
});

describe('adaptateur filosofi-xls', () => {
  const t0 = performance.now();
  const entree = entreeSource('filo-revenu-pauvrete-menage-2015.zip', bytesZip);
  const adaptateur = detecterFormat(entree);
  const extrait = adaptateur.lire(entree, null);
  console.log(`filosofi-xls : détection + lecture ${(performance.now() - t0).toFixed(0)} ms, ${extrait.lignes.length} lignes`);

  it('reconnaît l’archive par son contenu et lit tous les niveaux du lac', () => {
    expect(adaptateur.id).toBe('filosofi-xls');
    // Also recognised under another name, and with the entry renamed (content: the workbook's sheets).
    expect(filosofiXls.reconnaitre(entreeSource('x.zip', zip([{ nom: 'classeur.xls', donnees: octetsXls }])))).toBe(true);
    expect(filosofiCc.reconnaitre(entree)).toBe(false);
    expect(extrait.millesime).toBe('2015');
    expect(extrait.cogSource).toBe(2016);
    expect(extrait.partie).toBeNull();
    expect(extrait.niveaux).toEqual(['arrondissement-municipal', 'commune', 'departement', 'epci', 'france-metropolitaine', 'region']);
    const parNiveau = new Map<string, number>();
    for (const l of extrait.lignes) parNiveau.set(l[1] as string, (parNiveau.get(l[1] as string) ?? 0) + 1);
    expect(Object.fromEntries(parNiveau)).toEqual({ commune: 35_803, 'arrondissement-municipal': 45, epci: 2048, departement: 98, region: 15, 'france-metropolitaine': 1 });
    expect(extrait.lignesLues).toBe(38_010);
    // ligne_source = 100 000 × sheet index + Excel row
    expect(extrait.lignes.find((l) => l[2] === '200000172')![0]).toBe(100_008);
    expect(extrait.lignes.find((l) => l[2] === '974' && l[1] === 'departement')![0]).toBe(300_104);
  });

  it('reprend les identifiants de variables de filosofi-cc', () => {
    const cc = filosofiCc.lire(entreeSource('cc.csv', octets('insee/filosofi/cc_filosofi_2019_COM.CSV')), null);
    expect(extrait.variables!.map((v) => [v.id, v.libelle, v.unite, v.additive])).toEqual(cc.variables!.map((v) => [v.id, v.libelle, v.unite, v.additive]));
    expect(extrait.variables!.map((v) => v.colonneSource)).toEqual(CODES_15.slice(2));
  });

  it('secret : cellule vide d’une commune sous le seuil ; toute la ligne pour une commune sans données', () => {
    const l = (code: string) => extrait.lignes.find((x) => x[2] === code && x[1] === 'commune')!;
    const valeurs = (x: Array<string | number | null>) => Array.from({ length: 27 }, (_, i) => [x[7 + 2 * i], x[8 + 2 * i]]);
    expect(valeurs(l('01001')).slice(0, 4)).toEqual([[308, 0], [801, 0], [22228, 0], [null, 1]]);
    expect(valeurs(l('01006')).every(([v, s]) => v === null && s === 1)).toBe(true);
    expect(l('01006')[3]).toBe('Ambléon');
  });

  it('millésime imposé : accepté s’il concorde, refusé sinon', () => {
    expect(filosofiXls.lire(entree, '2015').millesime).toBe('2015');
    const e = erreurDe(() => filosofiXls.lire(entree, '2016'));
    expect(e.message).toBe(
      'filo-revenu-pauvrete-menage-2015.zip › base-cc-filosofi-2015.xls › feuille COM, ligne 6, colonne 3 (NBMENFISC15) : millésime 2016 demandé, mais les colonnes portent l’année 2015',
    );
  });

  it('archives refusées avec un message clair', () => {
    const sansXls = entreeSource('a.zip', zip([{ nom: 'base-cc-filosofi-2015.csv', donnees: new TextEncoder().encode('CODGEO;LIBGEO\n') }]));
    expect(filosofiXls.reconnaitre(sansXls)).toBe(false);
    expect(erreurDe(() => filosofiXls.lire(sansXls, null)).message).toBe(
      'a.zip : archive Filosofi : un seul classeur .xls attendu, 0 trouvé(s) ; l’archive contient : « base-cc-filosofi-2015.csv »',
    );
    const pasOle = entreeSource('b.zip', zip([{ nom: 'base-cc-filosofi-2015.xls', donnees: new TextEncoder().encode('<html>pas un classeur</html>') }]));
    expect(filosofiXls.reconnaitre(pasOle)).toBe(true);
    expect(erreurDe(() => filosofiXls.lire(pasOle, null)).message).toBe(
      'b.zip › base-cc-filosofi-2015.xls : ce n’est pas un classeur Excel 97-2003 : signature OLE2 (D0 CF 11 E0 A1 B1 1A E1) absente',
    );
    const tronque = entreeSource('c.zip', zip([{ nom: 'base-cc-filosofi-2015.xls', donnees: octetsXls.subarray(0, 2_000_000) }]));
    expect(erreurDe(() => filosofiXls.lire(tronque, null)).message).toMatch(/^c\.zip › base-cc-filosofi-2015\.xls : classeur Excel 97-2003 invalide : /);
  });
});

describe('ingestion dans un lac temporaire', () => {
  let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
  let r: IngestResultat;
  let avant: Record<string, string>;
  beforeAll(async () => {
    ctx = await runtimeTemporaire();
    const t0 = performance.now();
    r = await ingererExtrait(ctx.runtime, { fichier: 'filo-revenu-pauvrete-menage-2015.zip', bytes: bytesZip, millesime: null });
    console.log(`filosofi-xls : ingestion ${(performance.now() - t0).toFixed(0)} ms, ${r.version.lignesDataset} valeurs`);
    avant = await empreinteDossier(ctx.lakeDir);
  });
  afterAll(async () => ctx?.nettoyer());

  it('publie une version 2015 (COG 2016) de toutes les valeurs, et rien la seconde fois', async () => {
    expect([r.statut, r.dataset, r.millesime, r.version.partie, r.version.cogSource]).toEqual(['publie', 'filosofi-xls', '2015', null, 2016]);
    expect(r.version.lignesDataset).toBe(38_010 * 27);
    const manifeste = (await lireManifesteDataset(ctx.runtime.storage, 'filosofi-xls'))!;
    expect(Object.keys(manifeste.versions)).toEqual(['2015']);
    const lignes = await ctx.runtime.db.all<Record<string, unknown>>(
      `SELECT niveau, code, libelle, variable, periode, valeur, statut, ligne_source, colonne_source FROM read_parquet(${sqlPath(await ctx.runtime.storage.localPath(r.version.cleParquet))})
       WHERE code IN ('01004', '75101', '01') AND variable IN ('mediane-niveau-vie', 'taux-pauvrete-75-ans-ou-plus') ORDER BY ligne_source, colonne_source`,
    );
    expect(lignes).toEqual([
      { niveau: 'commune', code: '01004', libelle: 'Ambérieu-en-Bugey', variable: 'mediane-niveau-vie', periode: '2015', valeur: 19735.2, statut: 'ok', ligne_source: 9, colonne_source: 'MED15' },
      { niveau: 'commune', code: '01004', libelle: 'Ambérieu-en-Bugey', variable: 'taux-pauvrete-75-ans-ou-plus', periode: '2015', valeur: null, statut: 'secret', ligne_source: 9, colonne_source: 'TP60AGE615' },
      { niveau: 'arrondissement-municipal', code: '75101', libelle: 'Paris 1er Arrondissement', variable: 'mediane-niveau-vie', periode: '2015', valeur: 31842.555555555555, statut: 'ok', ligne_source: expect.any(Number), colonne_source: 'MED15' },
      { niveau: 'arrondissement-municipal', code: '75101', libelle: 'Paris 1er Arrondissement', variable: 'taux-pauvrete-75-ans-ou-plus', periode: '2015', valeur: null, statut: 'secret', ligne_source: expect.any(Number), colonne_source: 'TP60AGE615' },
      { niveau: 'departement', code: '01', libelle: 'Ain', variable: 'mediane-niveau-vie', periode: '2015', valeur: 22020.47619047619, statut: 'ok', ligne_source: 300_007, colonne_source: 'MED15' },
      { niveau: 'departement', code: '01', libelle: 'Ain', variable: 'taux-pauvrete-75-ans-ou-plus', periode: '2015', valeur: 6.4809117810787855, statut: 'ok', ligne_source: 300_007, colonne_source: 'TP60AGE615' },
    ]);
    const encore = await ingererExtrait(ctx.runtime, { fichier: 'filo-revenu-pauvrete-menage-2015.zip', bytes: bytesZip, millesime: null });
    expect(encore.statut).toBe('inchange');
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });

  it('une variante refusée laisse le lac identique à l’octet près', async () => {
    const variantes: Array<[Uint8Array, string | null, RegExp]> = [
      [zip([{ nom: 'base-cc-filosofi-2015.xls', donnees: octetsXls.subarray(0, 4_000_000) }]), null, /classeur Excel 97-2003 invalide/],
      [bytesZip, '2014', /millésime 2014 demandé, mais les colonnes portent l’année 2015/],
      [zip([{ nom: 'base-cc-filosofi-2015.xls', donnees: octetsXls }, { nom: 'autre.xls', donnees: octetsXls }]), null, /un seul classeur \.xls attendu, 2 trouvé\(s\)/],
    ];
    for (const [bytes, millesime, attendu] of variantes) {
      const e = await ingererExtrait(ctx.runtime, { fichier: 'variante.zip', bytes, millesime }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(SourceSchemaError);
      expect((e as Error).message).toMatch(attendu);
      expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
    }
  });
});
