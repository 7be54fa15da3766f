import { describe, expect, it } from 'vitest';
import { createCacheLru } from '../../functions/src/core/api/cache-lru.ts';
import { versCsv } from '../../functions/src/core/api/csv.ts';
import { proteger, valeurVide } from '../../functions/src/core/api/valeurs.ts';
import { INTITULES_NIVEAUX, isCodeValide, LIBELLES_NIVEAUX } from '../../functions/src/core/model/niveaux.ts';
import { comparerPeriodes, dernierePeriode } from '../../functions/src/core/model/periodes.ts';

describe('the cls level', () => {
  it.each([
    ['CLS-78-VGP', true],
    ['CLS-78-VGP.v1', true],
    ['CLS-78-VGP.v123', true],
    ['CLS-78-VGP.v1234', false],
    ['cls-78-vgp', false],
    ['-CLS', false],
    ['C', false],
    ['CLS 78', false],
    ['CLS-78-VGP.V1', false],
    ['A'.repeat(40), true],
    ['A'.repeat(41), false],
  ] as const)('%s → %s', (code, ok) => expect(isCodeValide('cls', code)).toBe(ok));

  it('has a short and a long label', () => {
    expect(LIBELLES_NIVEAUX.cls).toBe('CLS');
    expect(INTITULES_NIVEAUX.cls).toBe('Contrat local de santé');
  });
});

describe('periods', () => {
  it('are ordered by their last year, then their first', () => {
    expect(['2023', '2015-2020', '2019', '2013-2018', '1999-2008', '1999-2007', '2020'].sort(comparerPeriodes)).toEqual(['1999-2007', '1999-2008', '2013-2018', '2019', '2015-2020', '2020', '2023']);
    expect(dernierePeriode(['2013-2018', '2015'])).toBe('2013-2018');
    expect(dernierePeriode([])).toBeNull();
  });
});

describe('CSV exports', () => {
  it('BOM, `;`, CRLF, decimal comma at full precision, quoted and formula-safe text', () => {
    const csv = versCsv(
      [
        { entete: 'libellé', valeur: (l: { t: string; n: number | null }) => l.t },
        { entete: 'valeur', valeur: (l) => l.n },
      ],
      [
        { t: 'Saint-Étienne', n: 1234.5678901 },
        { t: 'a;b "c"', n: -0.5 },
        { t: '=SOMME(A1)', n: 1.5e-7 },
        { t: '-x', n: null },
      ],
    );
    expect(csv).toBe('\uFEFFlibellé;valeur\r\nSaint-Étienne;1234,5678901\r\n"a;b ""c""";-0,5\r\n\'=SOMME(A1);1,5e-7\r\n\'-x;\r\n');
  });
});

describe('the secrecy guard', () => {
  const ligne = (statut: string, numerateur: number | null) => ({
    ...valeurVide('ok'),
    statut: statut as 'ok',
    valeur: 1.5,
    numerateur,
    ic_bas: 1,
    ic_haut: 2,
    p_france: 0.01,
    denominateur: 1000,
    methode_ic: 'Byar',
    fiabilite: 'petits_effectifs',
  });

  it('blanks masked and secret rows, whatever the mart holds, down to what tells a count apart (interval method, reliability)', () => {
    for (const statut of ['masque', 'masque_secondaire', 'masque_complementaire', 'secret']) {
      // a secondary mask is published as a primary one (told apart, they bound the count)
      const publie = statut === 'masque_secondaire' ? 'masque' : statut;
      expect(proteger(ligne(statut, 50), 'insee')).toMatchObject({ valeur: null, numerateur: null, ic_bas: null, ic_haut: null, p_france: null, methode_ic: null, fiabilite: null, denominateur: 1000, statut: publie });
    }
    expect(proteger(ligne('ok', 50), 'insee')).toMatchObject({ valeur: 1.5, methode_ic: 'Byar', fiabilite: 'petits_effectifs' });
  });

  it('never serves 1 to 10 events of a health indicator', () => {
    expect(proteger(ligne('ok', 7), 'sante')).toMatchObject({ statut: 'masque', valeur: null, numerateur: null });
    expect(proteger(ligne('ok', 0), 'sante')).toMatchObject({ statut: 'ok', valeur: 1.5, numerateur: 0 });
    expect(proteger(ligne('ok', 11), 'sante')).toMatchObject({ statut: 'ok', numerateur: 11 });
    expect(proteger(ligne('ok', 7), 'insee')).toMatchObject({ statut: 'ok', numerateur: 7 });
  });
});

describe('the LRU cache', () => {
  it('evicts the least recently used entry and counts hits', () => {
    const c = createCacheLru<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.taille]).toEqual([1, 3, 2]);
    c.supprimer('a', 99);
    expect(c.get('a')).toBe(1);
    c.supprimer('a', 1);
    expect(c.get('a')).toBeUndefined();
    expect(c.statistiques).toEqual({ succes: 4, echecs: 2 });
  });
});
