import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCacheLru } from '../../functions/src/core/api/cache-lru.ts';
import { choisirCodage, etagCode, etagConnu, preparerCorps } from '../../functions/src/core/api/representations.ts';

// Cached bodies: content coding from Accept-Encoding, 304 from If-None-Match, both fed whatever a
// client may send; and the cache's eviction.

describe('Accept-Encoding → the coding sent', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['deflate', null],
    ['identity', null],
    ['zstd', null],
    ['*', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0', null],
    ['*;q=0', null],
    ['*;q=0, gzip', 'gzip'],
    ['br;q=0, *', 'gzip'],
    ['gzip ; q = 0.8', 'gzip'],
    ['gzip;q=1.000', 'gzip'],
    // unreadable weights: the member is ignored
    ['gzip;q=2', null],
    ['gzip;q=-1', null],
    ['gzip;q=abc', null],
    ['gzip;q=0.0001', null],
    ['gzip;q=', null],
    ['br;q=NaN, gzip', 'gzip'],
    // other parameters do not count
    ['gzip;level=9', 'gzip'],
    // garbage
    [',,,;;;', null],
    ['gz ip', null],
    ['"gzip"', null],
    ['gzip\u0000', null],
    ['br\u202e', null],
    ['💩, gzip', 'gzip'],
    ['%67zip', null],
    [`${'a,'.repeat(5000)}gzip`, null],
    [`${' '.repeat(10_000)}gzip`, null],
  ] as const)('%j → %s', (valeur, attendu) => {
    expect(choisirCodage(valeur)).toBe(attendu);
    // read twice (remembered values): the same answer
    expect(choisirCodage(valeur)).toBe(attendu);
  });

  it('remembers a bounded number of values', () => {
    for (let i = 0; i < 2000; i++) expect(choisirCodage(`gzip;q=0.${String(i % 1000).padStart(3, '0')}, x${i}`)).toBe(i % 1000 === 0 ? null : 'gzip');
    expect(choisirCodage('br')).toBe('br');
  });
});

describe('If-None-Match', () => {
  const etag = '"AbC-123_x"';
  it.each([
    [undefined, false],
    ['', false],
    ['"AbC-123_x"', true],
    ['W/"AbC-123_x"', true],
    ['"autre", "AbC-123_x"', true],
    ['"autre",W/"AbC-123_x"  ', true],
    ['*', true],
    [' * ', true],
    ['"*"', false],
    ['"abc-123_x"', false],
    ['AbC-123_x', false],
    ['"AbC-123_x', false],
    ['"AbC-123_x-gzip"', false],
    ['w/"AbC-123_x"', true],
    ['"autre"', false],
    ['\u0000"AbC-123_x"', true],
    ['"AbC\u0000-123_x"', false],
    ['💩', false],
    [`${'"x", '.repeat(100)}"AbC-123_x"`, false],
    [`${' '.repeat(5000)}"AbC-123_x"`, false],
    ['"'.repeat(10_000), false],
  ] as const)('%j → %s', (valeur, attendu) => {
    expect(etagConnu(valeur, etag)).toBe(attendu);
  });
});

describe('a prepared body', () => {
  const texte = JSON.stringify({ territoire: 'Vélizy-Villacoublay', valeurs: Array.from({ length: 500 }, (_, i) => ({ i, statut: 'ok' })) });

  it('keeps its UTF-8 bytes, a strong ETag of them, and its codings, made once', async () => {
    const a = preparerCorps(texte, 'application/json; charset=utf-8');
    expect(a.octets.toString('utf8')).toBe(texte);
    expect(a.etag).toMatch(/^"[\w-]{27}"$/);
    expect(preparerCorps(texte, 'application/json; charset=utf-8').etag).toBe(a.etag);
    expect(preparerCorps(texte + ' ', 'application/json; charset=utf-8').etag).not.toBe(a.etag);
    expect(a.compressePret('gzip')).toBeUndefined();
    const [g1, g2] = await Promise.all([a.compresse('gzip'), a.compresse('gzip')]);
    expect(g1).toBe(g2);
    expect(a.compressePret('gzip')).toBe(g1);
    expect(gunzipSync(g1).toString('utf8')).toBe(texte);
    expect(brotliDecompressSync(await a.compresse('br')).toString('utf8')).toBe(texte);
    expect(g1.length).toBeLessThan(a.octets.length / 5);
  });

  it('has one ETag per coding, and the headers of each', () => {
    const a = preparerCorps('a;b', 'text/csv; charset=utf-8', { 'content-disposition': 'attachment; filename="x.csv"' });
    expect(new Set([etagCode(a, null), etagCode(a, 'gzip'), etagCode(a, 'br')]).size).toBe(3);
    expect(etagCode(a, 'gzip')).toMatch(/^"[\w-]{27}-gzip"$/);
    const { ok, nonModifie } = a.entetesReponse('gzip');
    expect(ok).toMatchObject({ 'content-type': 'text/csv; charset=utf-8', 'content-encoding': 'gzip', 'content-disposition': 'attachment; filename="x.csv"', etag: etagCode(a, 'gzip'), vary: 'accept-encoding' });
    expect(nonModifie).not.toHaveProperty('content-type');
    expect(a.entetesReponse(null).ok).not.toHaveProperty('content-encoding');
    expect(a.entetesReponse('gzip')).toBe(a.entetesReponse('gzip'));
  });
});

describe('the cache (second chance)', () => {
  it('keeps entries seen since they were last passed over, evicts the others oldest first', () => {
    const c = createCacheLru<number>(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect(c.get('a')).toBe(1);
    c.set('d', 4);
    // b: the oldest not seen
    expect([c.contient('a'), c.contient('b'), c.contient('c'), c.contient('d')]).toEqual([true, false, true, true]);
    c.set('e', 5);
    // a had its second chance and was passed to the end: c is now the oldest
    expect([c.contient('a'), c.contient('c'), c.contient('d'), c.contient('e')]).toEqual([true, false, true, true]);
    expect(c.taille).toBe(3);
    // `contient` neither counts nor marks
    expect(c.statistiques).toEqual({ succes: 1, echecs: 0 });
  });

  it('never evicts the entry being added, even when every other one was seen', () => {
    const c = createCacheLru<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.get('b');
    c.set('c', 3);
    expect(c.get('c')).toBe(3);
    expect(c.taille).toBe(2);
    const un = createCacheLru<number>(0);
    un.set('x', 1);
    un.set('y', 2);
    expect([un.get('x'), un.get('y'), un.capacite]).toEqual([undefined, 2, 1]);
  });

  it('by weight: evicts until the total fits, never keeps an entry heavier than the whole cache', () => {
    const c = createCacheLru<string>(10, (v) => v.length);
    c.set('a', 'xxxx');
    c.set('b', 'xxxx');
    expect([c.taille, c.charge]).toEqual([2, 8]);
    c.get('a');
    // 4 + 4 + 3 > 10: b (oldest not seen) goes, a gets its second chance
    c.set('c', 'xxx');
    expect([c.contient('a'), c.contient('b'), c.contient('c'), c.charge]).toEqual([true, false, true, 7]);
    // replacing an entry replaces its weight
    c.set('a', 'x');
    expect(c.charge).toBe(4);
    // exactly the capacity: everything else goes
    c.set('d', 'x'.repeat(10));
    expect([c.taille, c.charge, c.get('d')]).toEqual([1, 10, 'x'.repeat(10)]);
    // heavier than the cache: not kept, the others stay
    c.set('e', 'x'.repeat(11));
    expect([c.contient('e'), c.contient('d'), c.charge]).toEqual([false, true, 10]);
    // an entry replaced by one too heavy is gone, not left stale
    c.set('d', 'x'.repeat(50));
    expect([c.contient('d'), c.taille, c.charge]).toEqual([false, 0, 0]);
    c.set('f', 'xx');
    c.supprimer('f', 'autre');
    expect(c.charge).toBe(2);
    c.supprimer('f');
    c.set('g', 'xxx');
    c.clear();
    expect([c.taille, c.charge]).toEqual([0, 0]);
    // a weight that is no number is not kept, and leaves the total a number
    const n = createCacheLru<number>(10, (v) => v);
    n.set('a', Number.NaN);
    n.set('b', Number.POSITIVE_INFINITY);
    n.set('c', 4);
    expect([n.contient('a'), n.contient('b'), n.charge]).toEqual([false, false, 4]);
  });
});
