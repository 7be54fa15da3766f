import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { decoderTexte } from '../../functions/src/core/sources/lecture/decodage.ts';
import { lignesCsv } from '../../functions/src/core/sources/texte.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('decoderTexte', () => {
  it('reads UTF-8 with or without a BOM', () => {
    expect(decoderTexte(enc('\uFEFFSaint-Étienne;b\n'), 'f.csv')).toEqual({ texte: 'Saint-Étienne;b\n', encodage: 'utf-8', bom: true });
    expect(decoderTexte(enc('Saint-Étienne'), 'f.csv').encodage).toBe('utf-8');
  });
  it('reads Latin-1 and Windows-1252 (œ 0x9C, ’ 0x92, € 0x80) when the file is not UTF-8', () => {
    const bytes = new Uint8Array([0x53, 0x61, 0x69, 0x6e, 0x74, 0x2d, 0xc9, 0x74, 0x69, 0x65, 0x6e, 0x6e, 0x65, 0x3b, 0x9c, 0x92, 0x80]);
    expect(decoderTexte(bytes, 'f.csv')).toEqual({ texte: 'Saint-Étienne;œ’€', encodage: 'windows-1252', bom: false });
  });
  it('reads UTF-16 with a BOM', () => {
    expect(decoderTexte(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00]), 'f.csv').texte).toBe('Aé');
  });
  it('rejects a file mixing UTF-8 and Latin-1 accents, naming the line', () => {
    const bytes = new Uint8Array([...enc('Ré;1\nÉtienne;2\n'), 0x43, 0xe9, 0x0a]);
    expect(() => decoderTexte(bytes, 'f.csv')).toThrow(/f\.csv, ligne 3 : encodage mélangé/);
  });
  it('rejects a binary file and an empty one', () => {
    expect(() => decoderTexte(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]), 'x.csv')).toThrow(/octet nul/);
    expect(() => decoderTexte(new Uint8Array(), 'x.csv')).toThrow(SourceSchemaError);
  });
});

describe('lignesCsv', () => {
  it('accepts CRLF, no final newline, and quoted fields', () => {
    const rows = [...lignesCsv('"A","B"\r\n"x;1","y ""q"""\r\n,', ',', 'f.csv')];
    expect(rows).toEqual([
      { ligne: 1, champs: ['A', 'B'] },
      { ligne: 2, champs: ['x;1', 'y "q"'] },
      { ligne: 3, champs: ['', ''] },
    ]);
  });
  it('ignores trailing blank lines', () => {
    expect([...lignesCsv('a;b\n1;2\n\n\n', ';', 'f.csv')]).toHaveLength(2);
  });
  it('reports an unclosed quote with its line', () => {
    expect(() => [...lignesCsv('a,b\n"x,1\n', ',', 'f.csv')]).toThrow(/ligne 2.*guillemet non refermé/);
  });
});
