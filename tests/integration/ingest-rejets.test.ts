import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatInconnuError, SourceSchemaError } from '../../functions/src/core/errors.ts';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import path from 'node:path';
import { DATA, FICHIER_MOUVEMENTS, FICHIER_POPULATIONS } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// Bad extracts derived from the real populations légales file: each is rejected with a message
// naming file, line and column, and the lake stays byte-identical.
const reel = readFileSync(FICHIER_POPULATIONS, 'utf-8');
const lignes = reel.split('\n');
const enc = (s: string) => new TextEncoder().encode(s);
/** The real file with line `n` (1-based) replaced. */
const avecLigne = (n: number, f: (l: string) => string) => lignes.map((l, i) => (i === n - 1 ? f(l) : l)).join('\n');
const champ = (l: string, i: number, v: string) => l.split(';').map((x, j) => (j === i ? v : x)).join(';');

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
let avant: Record<string, string>;

beforeAll(async () => {
  ctx = await runtimeTemporaire();
  await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: enc(reel), millesime: '2023' });
  avant = await empreinteDossier(ctx.lakeDir);
  expect(Object.keys(avant).length).toBe(3); // raw copy, parquet, manifest
});
afterAll(async () => ctx.nettoyer());

const cas: Array<[string, () => Uint8Array, string | null, RegExp]> = [
  ['a missing field', () => enc(avecLigne(120, (l) => l.split(';').slice(0, 10).join(';'))), '2023', /ligne 120 : 11 champs attendus séparés par « ; », 10 trouvés/],
  ['text in PMUN', () => enc(avecLigne(2, (l) => champ(l, 8, '8x60'))), '2023', /ligne 2, colonne 9 \(PMUN\) : entier positif attendu, « 8x60 » trouvé/],
  ['a decimal comma in PCAP', () => enc(avecLigne(3, (l) => champ(l, 9, '6,5'))), '2023', /ligne 3, colonne 10 \(PCAP\)/],
  ['a negative count', () => enc(avecLigne(5000, (l) => champ(l, 8, '-12'))), '2023', /ligne 5000, colonne 9 \(PMUN\)/],
  ['PTOT ≠ PMUN + PCAP', () => enc(avecLigne(7, (l) => champ(l, 10, '1'))), '2023', /ligne 7, colonne 11 \(PTOT\) : PTOT \(1\) différent de PMUN \+ PCAP/],
  ['a duplicated commune code', () => enc(avecLigne(3, () => lignes[1]!)), '2023', /ligne 3, colonne 7 \(COM\) : code commune « 01001 » en double \(déjà ligne 2\)/],
  ['a commune code read as a number (1001)', () => enc(avecLigne(2, (l) => champ(champ(l, 6, '1001'), 5, '001'))), '2023', /ligne 2, colonne 7 \(COM\) : code commune invalide « 1001 »/],
  ['a commune outside its département', () => enc(avecLigne(2, (l) => champ(l, 2, '02'))), '2023', /ligne 2, colonne 7 \(COM\) : le code commune « 01001 » n'appartient pas au département « 02 »/],
  ['a spreadsheet formula in a label', () => enc(avecLigne(2, (l) => champ(l, 7, '=HYPERLINK("http://x")'))), '2023', /ligne 2, colonne 8 \(Commune\) : nom de commune commençant par un caractère de formule/],
  ['an implausible population', () => enc(avecLigne(2, (l) => champ(champ(l, 8, '99999999999'), 10, '99999999999'))), '2023', /ligne 2, colonne 9 \(PMUN\) : valeur invraisemblable/],
  ['a wrong delimiter', () => enc(reel.replace(/;/g, ',')), '2023', /format non reconnu/],
  ['a renamed header', () => enc(reel.replace('PMUN', 'POPMUN')), '2023', /format non reconnu\. Formats connus : populations-legales/],
  ['UTF-8 and Latin-1 mixed', () => new Uint8Array([...enc(lignes.slice(0, 3).join('\n') + '\n'), ...[0x38, 0x34, 0x3b, 0x52, 0xe9]]), '2023', /ligne 4 : encodage mélangé/],
  ['binary junk', () => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), '2023', /octet nul : fichier binaire/],
  ['a ZIP that is no known format', () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x08]), '2023', /format non reconnu/],
  ['an empty file', () => new Uint8Array(), '2023', /fichier vide/],
  ['a header alone', () => enc(lignes[0]! + '\n'), '2023', /ligne 2 : aucune ligne de données/],
  ['no millésime given', () => enc(reel), null, /millésime absent : le fichier des populations légales ne porte pas son année/],
  ['a nonsense millésime', () => enc(reel), '23', /millésime invalide/],
  ['a truncated file (cut inside a line)', () => enc(reel.slice(0, reel.length - 3_000).replace(/;[^;\n]*$/, '')), '2023', /champs attendus/],
  ['an unclosed quote', () => enc(avecLigne(10, (l) => champ(l, 7, '"Saint'))), '2023', /ligne 10.*guillemet non refermé/],
  ['one 50 MB line', () => enc(`${lignes[0]}\n${'8'.repeat(50 * 1024 * 1024)}\n`), '2023', /ligne 2 : 11 champs attendus séparés par « ; », 1 trouvés/],
];

// Filosofi DISP (real 2019 département file), bad variants.
const disp = readFileSync(path.join(DATA, 'insee/filosofi/FILO2019_DISP_DEP.csv'), 'utf-8');
const dispLignes = disp.split('\r\n');
const dispAvec = (n: number, f: (l: string) => string) => dispLignes.map((l, i) => (i === n - 1 ? f(l) : l)).join('\r\n');
const casDisp: Array<[string, () => Uint8Array, string | null, RegExp]> = [
  ['the right shape with the wrong millésime', () => enc(disp), '2020', /FILO2019_DISP_DEP\.csv, ligne 1, colonne \(NBMEN19\) : millésime 2020 demandé, mais les colonnes portent l’année 2019/],
  ['a renamed column', () => enc(disp.replace('Q219', 'MEDIANE19')), null, /ligne 1, colonne 7 \(MEDIANE19\) : colonne inconnue du format Filosofi DISP/],
  ['a required column missing', () => enc(dispLignes.map((l) => l.split(';').filter((_, i) => i !== 6).join(';')).join('\r\n')), null, /colonne \(Q219\) : colonne obligatoire absente/],
  ['a negative count', () => enc(dispAvec(3, (l) => champ(l, 2, '-5'))), null, /ligne 3, colonne 3 \(NBMEN19\) : valeur négative -5 impossible/],
  ['a number with a decimal point in a comma file', () => enc(dispAvec(4, (l) => champ(l, 4, '423377.7'))), null, /ligne 4, colonne 5 \(NBUC19\) : nombre invalide « 423377\.7 » \(le séparateur décimal de ce fichier est la virgule\)/],
  ['a formula in a label', () => enc(dispAvec(2, (l) => champ(l, 1, '@SUM(A1:A9)'))), null, /ligne 2, colonne 2 \(LIBGEO\) : libellé commençant par un caractère de formule/],
  ['départements and communes mixed', () => enc(dispAvec(5, (l) => champ(l, 0, '01001'))), null, /niveaux géographiques mélangés/],
  ['a département label that is nothing', () => enc(dispLignes.slice(0, 2).map((l, i) => (i === 1 ? champ(l, 1, 'Atlantide') : l)).join('\r\n')), null, /ligne 2, colonne \(LIBGEO\) : ni département ni région/],
  ['a value after the last named column', () => enc(dispAvec(2, (l) => `${l};42`)), null, /ligne 2, colonne 32 \(champ 32\) : valeur au-delà de la dernière colonne nommée/],
];

describe('bad Filosofi DISP files are rejected, the lake untouched', () => {
  it.each(casDisp)('%s', async (_nom, bytes, millesime, message) => {
    const erreur = await ingererExtrait(ctx.runtime, { fichier: 'FILO2019_DISP_DEP.csv', bytes: bytes(), millesime }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(erreur).toBeInstanceOf(SourceSchemaError);
    expect((erreur as Error).message).toMatch(message);
    expect((erreur as Error).message.length).toBeLessThan(400);
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });
});

describe('bad populations légales files are rejected, the lake untouched', () => {
  it.each(cas)('%s', async (_nom, bytes, millesime, message) => {
    const erreur = await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: bytes(), millesime }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(erreur).toBeInstanceOf(erreur instanceof FormatInconnuError ? FormatInconnuError : SourceSchemaError);
    expect((erreur as Error).message).toMatch(/^donnees_communes\.csv/);
    expect((erreur as Error).message).toMatch(message);
    // short, whatever the input (the list of known formats excepted)
    expect((erreur as Error).message.length).toBeLessThan(erreur instanceof FormatInconnuError ? 2000 : 400);
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });

  it('recognises a real file of another format (the COG movements) by its content, whatever its name', async () => {
    const r = await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: new Uint8Array(readFileSync(FICHIER_MOUVEMENTS)), millesime: null });
    expect(r.dataset).toBe('cog-mouvements'); // detection by content, not by name
  });

  it('treats the same file twice as a no-op', async () => {
    const ctx2 = await runtimeTemporaire();
    try {
      const a = await ingererExtrait(ctx2.runtime, { fichier: 'donnees_communes.csv', bytes: enc(reel), millesime: '2023' });
      const etat = await empreinteDossier(ctx2.lakeDir);
      const b = await ingererExtrait(ctx2.runtime, { fichier: 'autre-nom.csv', bytes: enc(reel), millesime: '2023' });
      expect([a.statut, b.statut]).toEqual(['publie', 'inchange']);
      expect(await empreinteDossier(ctx2.lakeDir)).toEqual(etat);
    } finally {
      await ctx2.nettoyer();
    }
  });

  it('replaces a corrected file: the manifest points at the new version, the raw copies stay', async () => {
    const ctx2 = await runtimeTemporaire();
    try {
      await ingererExtrait(ctx2.runtime, { fichier: 'donnees_communes.csv', bytes: enc(reel), millesime: '2023' });
      const corrige = avecLigne(2, (l) => champ(champ(l, 8, '861'), 10, '877'));
      const r = await ingererExtrait(ctx2.runtime, { fichier: 'donnees_communes.csv', bytes: enc(corrige), millesime: '2023' });
      expect(r.statut).toBe('publie');
      const [row] = await ctx2.runtime.db.all<{ pmun: number }>(
        `SELECT pmun FROM read_parquet('${await ctx2.runtime.storage.localPath(r.version.cleParquet)}') WHERE code_source = '01001'`,
      );
      expect(row?.pmun).toBe(861);
      expect((await ctx2.runtime.storage.list('raw/populations-legales/2023/')).length).toBe(2);
    } finally {
      await ctx2.nettoyer();
    }
  });
});
