import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingererExtrait } from '../../functions/src/core/lake/ingest.ts';
import { calculerMarts } from '../../functions/src/core/marts/compute.ts';
import type { ManifesteMarts } from '../../functions/src/core/marts/manifeste.ts';
import { DATA, FICHIER_MOUVEMENTS, FICHIER_POPULATIONS } from '../helpers/chemins.ts';
import { runtimeTemporaire } from '../helpers/lac.ts';

// Real Filosofi DISP commune files (2014, 2019) moved to the COG 2026 through the real
// movements; expected values read directly from the raw CSV lines.
const FILO = (annee: number) => path.join(DATA, `insee/filosofi/FILO${annee}_DISP_COM.csv`);
const brut = (annee: number, code: string, colonne: string): number | null => {
  const lignes = readFileSync(FILO(annee), 'utf-8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const entete = lignes[0]!.split(';');
  const ligne = lignes.find((l) => l.startsWith(`${code};`));
  if (!ligne) return null;
  const v = ligne.split(';')[entete.indexOf(colonne)]!;
  return v === '' ? null : Number(v.replace(',', '.'));
};

let ctx: Awaited<ReturnType<typeof runtimeTemporaire>>;
let manifeste: ManifesteMarts;
const lignes = async (cle: string, where: string) =>
  ctx.runtime.db.all<Record<string, unknown>>(`SELECT * FROM read_parquet('${await ctx.runtime.storage.localPath(cle)}') WHERE ${where} ORDER BY ALL`);

beforeAll(async () => {
  ctx = await runtimeTemporaire();
  const lire = (f: string) => new Uint8Array(readFileSync(f));
  await ingererExtrait(ctx.runtime, { fichier: 'mouvements-communes.csv', bytes: lire(FICHIER_MOUVEMENTS) });
  await ingererExtrait(ctx.runtime, { fichier: 'donnees_communes.csv', bytes: lire(FICHIER_POPULATIONS), millesime: '2023' });
  for (const annee of [2014, 2019]) await ingererExtrait(ctx.runtime, { fichier: path.basename(FILO(annee)), bytes: lire(FILO(annee)) });
  manifeste = (await calculerMarts(ctx.runtime)).manifeste;
}, 180_000);
afterAll(async () => ctx.nettoyer());

describe('commune measures on the COG 2026', () => {
  it('reads Filosofi 2014 on the COG of 1 January 2014, the one that places its codes', () => {
    const h = manifeste.harmonisations['filosofi-disp/2014/commune']!;
    expect(h.cogSource).toBe(2014);
    const parCog = Object.fromEntries(h.rapport.cogCandidats.map((c) => [c.cog, c.nonPlaces + c.scindes]));
    expect(parCog[2014]).toBeLessThan(parCog[2015]!); // the documented N+1 would lose codes (e.g. 14697)
    expect(h.rapport.nonPlaces).toEqual([]);
    expect(h.rapport.scindes.length).toBeGreaterThan(0); // rétablissements since 2014: reported, not summed
  });

  it('sums the counts of merged communes and never averages their medians (Arboys en Bugey, 2016)', async () => {
    const h = manifeste.harmonisations['filosofi-disp/2014/commune']!;
    const rows = await lignes(h.cle, "code_commune = '01015' AND variable IN ('nombre-menages-fiscaux', 'mediane-niveau-vie')");
    expect(rows).toEqual([
      expect.objectContaining({ variable: 'mediane-niveau-vie', valeur: null, statut: 'non_agrege', codes_source: '01015,01340' }),
      expect.objectContaining({ variable: 'nombre-menages-fiscaux', valeur: brut(2014, '01015', 'NBMEN14')! + brut(2014, '01340', 'NBMEN14')!, statut: 'ok', nb_codes_source: 2 }),
    ]);
  });

  it('never counts Paris twice: its arrondissements are dropped when the commune is in the file', async () => {
    const h = manifeste.harmonisations['filosofi-disp/2014/commune']!;
    expect(h.rapport.arrondissementsDoublons).toBe(45);
    const [paris] = await lignes(h.cle, "code_commune = '75056' AND variable = 'nombre-menages-fiscaux'");
    expect(paris).toMatchObject({ valeur: brut(2014, '75056', 'NBMEN14'), statut: 'ok', codes_source: '75056' });
  });

  it('follows a change of département and a merger on the same day (Pont-Farcy 14513 → 50649 → 50592, 2018)', async () => {
    const h = manifeste.harmonisations['filosofi-disp/2014/commune']!;
    expect(h.rapport.transferes.find((t) => t.code === '14513')).toMatchObject({ vers: '50592' });
    const [tessy] = await lignes(h.cle, "code_commune = '50592' AND variable = 'nombre-menages-fiscaux'");
    expect(String(tessy!.codes_source).split(',')).toContain('14513');
  });

  it('marks a sum partial when the file lacks a former commune (Saint-Thibaut, absent from Filosofi 2019)', async () => {
    const h = manifeste.harmonisations['filosofi-disp/2019/commune']!;
    expect(brut(2019, '02695', 'NBMEN19')).toBeNull();
    const [r] = await lignes(h.cle, "code_commune = '02054' AND variable = 'nombre-menages-fiscaux'");
    expect(r).toMatchObject({ valeur: brut(2019, '02054', 'NBMEN19'), statut: 'partiel', nb_codes_attendus: 2, codes_manquants: '02695' });
  });

  it('keeps secret cells secret, never 0', async () => {
    const h = manifeste.harmonisations['filosofi-disp/2019/commune']!;
    const [r] = await lignes(h.cle, "code_commune = '01001' AND variable = 'decile-1-niveau-vie'");
    expect(brut(2019, '01001', 'D119')).toBeNull();
    expect(r).toMatchObject({ valeur: null, statut: 'secret' });
  });

  it('recomputes only what changed', async () => {
    expect((await calculerMarts(ctx.runtime)).statut).toBe('inchange');
  });
});
