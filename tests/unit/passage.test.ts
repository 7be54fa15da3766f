import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { construirePassage } from '../../functions/src/core/marts/compute.ts';
import { chargerReferentiel } from '../../functions/src/core/geographie/referentiel.ts';
import { passerAuCogCourant, successeursDesScissions, type Mouvement } from '../../functions/src/core/geographie/passage.ts';
import { cogMouvements } from '../../functions/src/core/sources/cog-mouvements/adapter.ts';
import { entreeSource } from '../../functions/src/core/sources/adapter.ts';
import { FICHIER_MOUVEMENTS } from '../helpers/chemins.ts';

// The real INSEE commune movements 1943–2026 (data/insee/cog/2026), read by the real adapter.
let mouvements: Mouvement[];
beforeAll(() => {
  const extrait = cogMouvements.lire(entreeSource('mouvements-communes.csv', new Uint8Array(readFileSync(FICHIER_MOUVEMENTS))), null);
  expect(extrait.millesime).toBe('2026');
  expect(extrait.lignes).toHaveLength(13734);
  mouvements = extrait.lignes.map(([, mod, date, typeAv, comAv, , typeAp, comAp]) => ({
    mod: mod as number,
    dateEffet: date as string,
    typeAvant: (typeAv as string | null) ?? '',
    codeAvant: (comAv as string | null) ?? '',
    typeApres: (typeAp as string | null) ?? '',
    codeApres: (comAp as string | null) ?? '',
  }));
});

describe('passage from an older COG to the COG 2026 through the real movements', () => {
  it('moves a commune absorbed on 1 January 2025 to its commune nouvelle (Ruffieu → Haut Valromey)', () => {
    const r = passerAuCogCourant(['01330'], mouvements, 2024, 2026).get('01330')!;
    expect(r).toMatchObject({ codeCible: '01187', statut: 'transfere' });
    expect(r.etapes).toEqual([{ date: '2025-01-01', mod: 32, de: '01330', vers: '01187' }]);
  });

  it('does not apply events already in the source COG (state at 1 January)', () => {
    expect(passerAuCogCourant(['01187'], mouvements, 2025, 2026).get('01187')).toMatchObject({ codeCible: '01187', statut: 'identique' });
    expect(passerAuCogCourant(['01330'], mouvements, 2025, 2026).get('01330')).toMatchObject({ codeCible: '01330', statut: 'identique' });
  });

  it('applies mid-year code changes (Aurseulles 14011 → 14581 on 2024-04-24)', () => {
    expect(passerAuCogCourant(['14011'], mouvements, 2024, 2026).get('14011')).toMatchObject({ codeCible: '14581', statut: 'transfere' });
  });

  it('reads a reused code as what it meant at the source date (60054)', () => {
    // COG 2023: 60054 is Les Hauts-Talican, split back on 2024-01-01 → cannot be summed.
    expect(passerAuCogCourant(['60054'], mouvements, 2023, 2026).get('60054')).toMatchObject({ codeCible: null, statut: 'scinde' });
    // COG 2024: 60054 is Beaumont-les-Nonains again, unchanged since.
    expect(passerAuCogCourant(['60054'], mouvements, 2024, 2026).get('60054')).toMatchObject({ codeCible: '60054', statut: 'identique' });
    // COG 2018: Villotran (60694) merged into Les Hauts-Talican (60054) in 2019, which was split in 2024.
    expect(passerAuCogCourant(['60694'], mouvements, 2018, 2026).get('60694')).toMatchObject({ statut: 'scinde' });
  });

  it('places arrondissements in their commune and reports what it cannot place', () => {
    const { lignes, rapport } = construirePassage(['75101', '69381', '13201', '01330', '01999', '60054', '42218'], mouvements, 2023, chargerReferentiel());
    const parCode = new Map(lignes.map(([code, cible, methode]) => [code, { cible, methode }]));
    expect(parCode.get('75101')).toEqual({ cible: '75056', methode: 'arrondissement' });
    expect(parCode.get('69381')).toEqual({ cible: '69123', methode: 'arrondissement' });
    expect(parCode.get('13201')).toEqual({ cible: '13055', methode: 'arrondissement' });
    expect(parCode.get('01330')).toEqual({ cible: '01187', methode: 'mouvement' });
    expect(parCode.get('42218')).toEqual({ cible: '42218', methode: 'identique' });
    expect(parCode.get('01999')).toEqual({ cible: null, methode: 'non_place' });
    expect(parCode.get('60054')).toEqual({ cible: null, methode: 'scinde' });
    expect(rapport.nonPlaces.map((n) => n.code)).toEqual(['01999']);
    expect(rapport.scindes.map((n) => n.code)).toEqual(['60054']);
    expect(rapport.arrondissements).toBe(3);
  });
});

describe('successors of split communes (rétablissements), for the territories that hold them all', () => {
  it('gives the real splits since 2023 with their current communes (Essarts-en-Bocage, Les Hauts-Talican, Neussargues en Pinatelle)', () => {
    const referentiel = chargerReferentiel();
    const chefLieu = new Map(referentiel.communesDelegueesAssociees.map((d) => [d.code, d.commune]));
    const s = successeursDesScissions(mouvements, 2026, (c) => chefLieu.get(c));
    expect(s.get('85084')).toEqual(['85084', '85165', '85212']);
    expect(s.get('60054')).toEqual(['60054', '60694']);
    expect(s.get('15141')).toEqual(['15031', '15035', '15047', '15141', '15171']);
    // every successor is a commune of the COG 2026
    const communes = new Set(referentiel.communes.map((c) => c.code));
    for (const code of ['85084', '60054', '15141']) expect(s.get(code)!.every((c) => communes.has(c))).toBe(true);
  });

  it('follows a successor through later events, maps a former commune déléguée to its commune, and leaves out what it cannot follow', () => {
    const m = (mod: number, dateEffet: string, typeAvant: string, codeAvant: string, typeApres: string, codeApres: string): Mouvement => ({ mod, dateEffet, typeAvant, codeAvant, typeApres, codeApres });
    const mvts = [
      m(21, '2020-01-01', 'COM', '99001', 'COM', '99001'),
      m(21, '2020-01-01', 'COM', '99001', 'COM', '99002'),
      // the second successor merges into a third commune later
      m(32, '2022-01-01', 'COM', '99002', 'COM', '99003'),
      // a successor named as a commune associée: its commune, through communeDe
      m(21, '2021-01-01', 'COM', '99010', 'COM', '99010'),
      m(21, '2021-01-01', 'COM', '99010', 'COMA', '99011'),
      // a successor nobody can place
      m(21, '2021-01-01', 'COM', '99020', 'COMA', '99021'),
      // split on two dates
      m(21, '2019-01-01', 'COM', '99030', 'COM', '99031'),
      m(21, '2023-01-01', 'COM', '99030', 'COM', '99032'),
      // after the target COG: not yet
      m(21, '2027-01-01', 'COM', '99040', 'COM', '99041'),
    ];
    const s = successeursDesScissions(mvts, 2026, (c) => (c === '99011' ? '99012' : undefined));
    expect([...s]).toEqual([
      ['99001', ['99001', '99003']],
      ['99010', ['99010', '99012']],
    ]);
  });
});
