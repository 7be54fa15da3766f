import { describe, expect, it } from 'vitest';
import { TerritoireInconnuError } from '../../functions/src/core/errors.ts';
import { formatNombre, formatPourcentage } from '../../functions/src/core/model/format.ts';
import { departementDeCommune, isCodeValide, isNiveau, normaliserRecherche } from '../../functions/src/core/model/niveaux.ts';

describe('territory codes are strings with a shape per level', () => {
  it.each([
    ['commune', '01001', true],
    ['commune', '2A004', true],
    ['commune', '97101', true],
    ['commune', '1001', false],
    ['commune', '2C004', false],
    ['commune', '01001 ', false],
    ['epci', '200046977', true],
    ['epci', '20004697', false],
    ['departement', '01', true],
    ['departement', '2A', true],
    ['departement', '971', true],
    ['departement', '1', false],
    ['region', '84', true],
    ['region', '2A', false],
    ['france', 'FR', true],
    ['france', 'fr', false],
  ] as const)('%s %s → %s', (niveau, code, ok) => {
    expect(isCodeValide(niveau, code)).toBe(ok);
  });

  it('rejects non-strings and unknown levels', () => {
    expect(isCodeValide('commune', 1001 as unknown as string)).toBe(false);
    expect(isNiveau('canton')).toBe(false);
    expect(isNiveau('epci')).toBe(true);
  });

  it('finds the département of a commune, overseas included', () => {
    expect(departementDeCommune('2A004')).toBe('2A');
    expect(departementDeCommune('97411')).toBe('974');
    expect(departementDeCommune('01001')).toBe('01');
  });
});

describe('normaliserRecherche', () => {
  it.each([
    ['Saint-Étienne', 'saint etienne'],
    ['  SAINT   etienne ', 'saint etienne'],
    ["L'Haÿ-les-Roses", 'l hay les roses'],
    ['Œuilly', 'oeuilly'],
    ['Île-de-France', 'ile de france'],
    ['CA de l’Albigeois (C2A)', 'ca de l albigeois c2a'],
  ])('%s → %s', (texte, attendu) => {
    expect(normaliserRecherche(texte)).toBe(attendu);
  });
});

describe('French number formats', () => {
  it('groups thousands with a narrow no-break space and uses a decimal comma', () => {
    expect(formatNombre(1234.5, 1)).toBe('1\u202f234,5');
    expect(formatNombre(68094280)).toBe('68\u202f094\u202f280');
  });
  it('formats percentages as 12,3 %', () => {
    expect(formatPourcentage(12.345, 1)).toBe('12,3\u00a0%');
  });
  it('shows an absent value as a dash, never 0', () => {
    expect(formatNombre(null)).toBe('–');
    expect(formatNombre(Number.NaN)).toBe('–');
    expect(formatPourcentage(undefined)).toBe('–');
  });
});

describe('unknown territory message', () => {
  it('names the level in French words, with its gender, never a raw id', () => {
    expect(new TerritoireInconnuError('commune', '99999').message).toBe('Territoire inconnu : aucune commune n’a le code « 99999 » dans la géographie en vigueur.');
    expect(new TerritoireInconnuError('departement', '96').message).toBe('Territoire inconnu : aucun département n’a le code « 96 » dans la géographie en vigueur.');
    expect(new TerritoireInconnuError('france', 'XX').message).toBe('Territoire inconnu : la France a le code « FR », pas « XX ».');
    // a level outside the list (never from a validated request) still reads as French
    expect(new TerritoireInconnuError('toString', '1').message).toBe('Territoire inconnu : aucun territoire n’a le code « 1 » dans la géographie en vigueur.');
  });
});
