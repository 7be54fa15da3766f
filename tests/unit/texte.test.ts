import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { decoderUtf8, lignesCsv } from '../../functions/src/core/sources/texte.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('decoderUtf8', () => {
  it('strips a BOM', () => {
    expect(decoderUtf8(enc('\uFEFFa;b\n'), 'f.csv')).toBe('a;b\n');
  });
  it('names the line of an invalid UTF-8 byte (a Latin-1 é)', () => {
    const bytes = new Uint8Array([...enc('a;b\nc;d\n'), 0x43, 0xe9, 0x0a]);
    expect(() => decoderUtf8(bytes, 'f.csv')).toThrow(/f\.csv, ligne 3 : encodage invalide/);
  });
  it('rejects a binary file and an empty one', () => {
    expect(() => decoderUtf8(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]), 'x.csv')).toThrow(/octet nul/);
    expect(() => decoderUtf8(new Uint8Array(), 'x.csv')).toThrow(SourceSchemaError);
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
