import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { entreeSource } from '../../functions/src/core/sources/adapter.ts';
import { orsIndicateurs } from '../../functions/src/core/sources/ors-indicateurs/adapter.ts';
import { DATA } from '../helpers/chemins.ts';
import { empreinteDossier, runtimeTemporaire } from '../helpers/lac.ts';

// The ORS indicator template: the real example (CépiDc rates, values checked against the CépiDc
// file they come from), the synthetic age-specific example, and bad variants of both.
const fichier = (f: string) => path.join(DATA, 'ors', f);
const reel = readFileSync(fichier('exemple-taux-standardises-cepidc.csv'), 'utf-8');
const synthetique = readFileSync(fichier('exemple-deces-par-age-SYNTHETIQUE.csv'), 'utf-8');
const enc = (s: string) => new TextEncoder().encode(s);
const lignes = synthetique.trimEnd().split('\n');
const avec = (n: number, col: number, v: string) => lignes.map((l, i) => (i === n - 1 ? l.split(';').map((x, j) => (j === col ? v : x)).join(';') : l)).join('\n');

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
let avant: Record<string, string>;
beforeAll(async () => {
  ctx = await runtimeTemporaire();
  await ingererExtrait(ctx.runtime, { fichier: 'exemple-taux-standardises-cepidc.csv', bytes: enc(reel) });
  await ingererExtrait(ctx.runtime, { fichier: 'exemple-deces-par-age-SYNTHETIQUE.csv', bytes: enc(synthetique) });
  avant = await empreinteDossier(ctx.lakeDir);
});
afterAll(async () => ctx.nettoyer());

describe('ORS indicator template', () => {
  it('is recognised by its header; the empty template is not a dataset', () => {
    expect(orsIndicateurs.reconnaitre(entreeSource('x.csv', enc(reel)))).toBe(true);
    expect(() => orsIndicateurs.lire(entreeSource('modele.csv', new Uint8Array(readFileSync(fichier('modele-indicateurs-ors.csv')))), null)).toThrow(/aucune ligne de données/);
  });

  it('carries the real CépiDc values unchanged (checked against data/cepidc/toutes_causes.csv)', async () => {
    const cepidc = readFileSync(path.join(DATA, 'cepidc/toutes_causes.csv'), 'utf-8').trim().split('\n').slice(1).map((l) => l.split(','));
    const attendu = Number(cepidc.find((r) => r[0] === '2023' && r[1] === '2A')![5]);
    const m = JSON.parse(readFileSync(path.join(ctx.lakeDir, 'lake/ors-indicateurs/manifest.json'), 'utf-8'));
    const v = Object.values(m.versions as Record<string, { partie: string; cleParquet: string; lignesLues: number; lignesAcceptees: number }>).find((x) => x.partie.startsWith('cepidc'))!;
    expect([v.lignesLues, v.lignesAcceptees]).toEqual([cepidc.length, cepidc.length]);
    const [r] = await ctx.runtime.db.all(`SELECT valeur, statut FROM read_parquet('${path.join(ctx.lakeDir, v.cleParquet)}') WHERE code = '2A' AND periode = '2023'`);
    expect(r).toEqual({ valeur: attendu, statut: 'ok' });
  });

  it('keeps age-specific counts as additive numerators and denominators, marked synthetic', async () => {
    const m = JSON.parse(readFileSync(path.join(ctx.lakeDir, 'lake/ors-indicateurs/manifest.json'), 'utf-8'));
    const v = Object.values(m.versions as Record<string, { partie: string; variables: Array<{ id: string; additive: boolean }> }>).find((x) => x.partie.includes('synthetique'))!;
    expect(v.variables.map((x) => [x.id, x.additive])).toEqual([
      ['deces-toutes-causes', false],
      ['deces-toutes-causes-numerateur', true],
      ['deces-toutes-causes-denominateur', true],
    ]);
  });

  const cas: Array<[string, () => string, RegExp]> = [
    ['numerator above denominator', () => avec(2, 11, '9999999'), /ligne 2, colonne 12 \(numerateur\) : numérateur \(9999999\) supérieur au dénominateur/],
    ['an unknown sex', () => avec(3, 8, 'tous'), /ligne 3, colonne 9 \(sexe\) : sexe « tous » inconnu/],
    ['a département code read as a number', () => avec(2, 2, '1'), /ligne 2, colonne 3 \(code\) : code « 1 » invalide pour le niveau departement/],
    ['a duplicated row', () => `${lignes.join('\n')}\n${lignes[1]}`, /ligne 38, colonne 5 \(indicateur\) : ligne en double .* ligne 2\)/],
    ['two datasets in one file', () => avec(4, 0, 'Autre jeu'), /ligne 4, colonne 1 \(jeu\) : un fichier = un jeu/],
    ['a source missing', () => avec(5, 15, ''), /ligne 5, colonne 16 \(source\) : source manquante/],
    ['a formula in the source', () => avec(5, 15, '=cmd|calc'), /ligne 5, colonne 16 \(source\) : texte commençant par un caractère de formule/],
    ['decimal marks mixed', () => reel.split('\n').map((l, i) => (i === 5 ? l.replace(/;(\d+),(\d);/, ';$1.$2;') : l)).join('\n'), /ligne 6, colonne 11 \(valeur\) : séparateur décimal « \. » alors que le fichier utilise « , » \(ligne 2, valeur\)/],
    ['a negative count', () => avec(2, 11, '-3'), /ligne 2, colonne 12 \(numerateur\) : effectif négatif -3/],
    ['a bad period', () => avec(2, 7, '2019-2017'), /ligne 2, colonne 8 \(periode\) : période « 2019-2017 » invalide/],
    ['a unit changing within an indicator', () => avec(7, 6, 'pour mille'), /ligne 7, colonne 7 \(unite\) : « deces-toutes-causes » décrit autrement qu’à la ligne 2/],
    ['a missing column', () => lignes.map((l) => l.split(';').slice(0, 15).join(';')).join('\n'), /format non reconnu/],
  ];
  it.each(cas)('rejects %s, the lake untouched', async (_nom, texte, message) => {
    const erreur = await ingererExtrait(ctx.runtime, { fichier: 'exemple.csv', bytes: enc(texte()) }).then(() => null, (e: unknown) => e);
    expect(erreur).toBeInstanceOf(Error);
    expect((erreur as Error).message).toMatch(message);
    expect(await empreinteDossier(ctx.lakeDir)).toEqual(avant);
  });

  it('accepts the real file in Latin-1 with decimal points (values identical)', async () => {
    const latin1 = new Uint8Array(Buffer.from(reel.replace(/(\d),(\d)/g, '$1.$2'), 'latin1'));
    const ctx2 = await runtimeTemporaire();
    try {
      const r = await ingererExtrait(ctx2.runtime, { fichier: 'latin1.csv', bytes: latin1 });
      expect(r.version.encodage).toBe('windows-1252');
      const [x] = await ctx2.runtime.db.all(`SELECT libelle, valeur FROM read_parquet('${path.join(ctx2.lakeDir, r.version.cleParquet)}') WHERE code = '2A' AND periode = '2023'`);
      expect(x).toMatchObject({ libelle: 'Corse-du-Sud' });
    } finally {
      await ctx2.nettoyer();
    }
  });

  it('rejects garbage as SourceSchemaError, not a crash', async () => {
    await expect(ingererExtrait(ctx.runtime, { fichier: 'x.csv', bytes: enc(`${lignes[0]}\n;;;;;;;;;;;;;;;\n`) })).rejects.toBeInstanceOf(SourceSchemaError);
  });
});
