import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { decoderRk, lireClasseurXls } from '../../functions/src/core/sources/lecture/xls.ts';

// Synthetic workbooks built byte by byte below (MS-CFB + MS-XLS BIFF8), so that every structure
// can be forced to a wrong value. The real INSEE workbook is read in
// tests/integration/filosofi-xls.test.ts.

function erreurDe(f: () => unknown): SourceSchemaError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SourceSchemaError);
    return e as SourceSchemaError;
  }
  throw new Error('aucune erreur levée');
}

// ---------------------------------------------------------------------------------------------
// BIFF8 writer

const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const f64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...b];
};
const rec = (type: number, data: number[]) => [...u16(type), ...u16(data.length), ...data];
/** XLUnicodeString: compressed when every char is Latin-1, else UTF-16. */
const xlStr = (s: string, cch16 = true) => {
  const large = [...s].some((c) => c.charCodeAt(0) > 0xff);
  const chars = large ? [...s].flatMap((c) => u16(c.charCodeAt(0))) : [...s].map((c) => c.charCodeAt(0));
  return [...(cch16 ? u16(s.length) : [s.length]), large ? 1 : 0, ...chars];
};
const cell = (type: number, r: number, c: number, rest: number[]) => rec(type, [...u16(r), ...u16(c), ...u16(15), ...rest]);
const BOF = (dt: number, version = 0x0600) => rec(0x0809, [...u16(version), ...u16(dt), ...u16(0x0dbb), ...u16(0x07cc), ...u32(0), ...u32(0x0206)]);
const EOF = rec(0x000a, []);

interface FeuilleTest {
  nom: string;
  type?: number; // BOUNDSHEET dt: 0 worksheet, 2 chart
  corps: number[];
}

/** A workbook stream: globals (extra records, SST records), then the sheets. */
function classeurBiff(feuilles: FeuilleTest[], opts: { sst?: number[]; globales?: number[]; version?: number } = {}): Uint8Array {
  const boundsheet = (f: FeuilleTest, pos: number) => rec(0x0085, [...u32(pos), 0, f.type ?? 0, ...xlStr(f.nom, false)]);
  const tete = [...BOF(0x0005, opts.version), ...(opts.globales ?? [])];
  const queue = [...(opts.sst ?? []), ...EOF];
  const longueurBs = feuilles.reduce((s, f) => s + boundsheet(f, 0).length, 0);
  let pos = tete.length + longueurBs + queue.length;
  const bs: number[] = [];
  const corps: number[] = [];
  for (const f of feuilles) {
    bs.push(...boundsheet(f, pos));
    const s = [...BOF(f.type === 2 ? 0x0020 : 0x0010), ...f.corps, ...EOF];
    corps.push(...s);
    pos += s.length;
  }
  return new Uint8Array([...tete, ...bs, ...queue, ...corps]);
}

/** SST record (+ CONTINUE records) from pre-cut pieces: `morceaux[0]` follows the counts. */
const sst = (total: number, uniques: number, morceaux: number[][]) => [
  ...rec(0x00fc, [...u32(total), ...u32(uniques), ...morceaux[0]!]),
  ...morceaux.slice(1).flatMap((m) => rec(0x003c, m)),
];

// ---------------------------------------------------------------------------------------------
// Compound file writer (MS-CFB, version 3 or 4)

interface OptionsCfb {
  tailleSecteur?: 512 | 4096;
  nomFlux?: string;
  /** FAT sector numbers listed in a DIFAT sector instead of the header. */
  difatExterne?: boolean;
  /** Called with the FAT before it is written (to corrupt it). */
  fat?: (fat: number[], premierFlux: number) => void;
  /** Called with the directory entries' bytes (to corrupt them). */
  repertoire?: (rep: Uint8Array) => void;
}

function cfb(flux: Uint8Array, o: OptionsCfb = {}): Uint8Array {
  const ss = o.tailleSecteur ?? 512;
  const parSecteur = ss / 4;
  const mini = flux.length < 4096;
  const secteurs = (n: number) => Math.ceil(n / ss);
  const pad = (b: number[] | Uint8Array, m: number) => {
    const out = new Uint8Array(Math.ceil(b.length / m) * m || m);
    out.set(b);
    return out;
  };
  // Chains: directory (1 sector), [mini FAT, mini stream] or the stream itself.
  const miniStream = mini ? pad(flux, 64) : new Uint8Array(0);
  const nMini = miniStream.length / 64;
  const miniFat = mini ? pad(u32s(Array.from({ length: nMini }, (_, i) => (i === nMini - 1 ? 0xfffffffe : i + 1)), 0xff, ss), ss) : new Uint8Array(0);
  const chaines = [new Uint8Array(ss), ...(mini ? [miniFat, pad(miniStream, ss)] : [pad(flux, ss)])];
  const nDonnees = chaines.reduce((s, c) => s + secteurs(c.length), 0);
  const nDifat = o.difatExterne ? 1 : 0;
  let nFat = 1;
  while (nFat * parSecteur < nFat + nDifat + nDonnees) nFat += 1;
  const fat: number[] = [];
  for (let i = 0; i < nFat; i++) fat.push(0xfffffffd);
  for (let i = 0; i < nDifat; i++) fat.push(0xfffffffc);
  const debuts: number[] = [];
  for (const c of chaines) {
    const n = secteurs(c.length);
    debuts.push(fat.length);
    for (let i = 0; i < n; i++) fat.push(i === n - 1 ? 0xfffffffe : fat.length + 1);
  }
  o.fat?.(fat, debuts[debuts.length - 1]!);
  while (fat.length < nFat * parSecteur) fat.push(0xffffffff);

  // Directory: root, the stream.
  const rep = new Uint8Array(ss);
  const entree = (i: number, nom: string, type: number, enfant: number, debut: number, taille: number) => {
    const b = i * 128;
    [...nom].forEach((c, k) => rep.set(u16(c.charCodeAt(0)), b + 2 * k));
    rep.set(u16((nom.length + 1) * 2), b + 0x40);
    rep[b + 0x42] = type;
    rep[b + 0x43] = 1;
    rep.set(u32(0xffffffff), b + 0x44);
    rep.set(u32(0xffffffff), b + 0x48);
    rep.set(u32(enfant), b + 0x4c);
    rep.set(u32(debut), b + 0x74);
    rep.set(u32(taille), b + 0x78);
  };
  entree(0, 'Root Entry', 5, 1, mini ? debuts[2]! : 0xfffffffe, mini ? miniStream.length : 0);
  entree(1, o.nomFlux ?? 'Workbook', 2, 0xffffffff, mini ? 0 : debuts[1]!, flux.length);
  for (let i = 2; i < ss / 128; i++) {
    rep.set(u32(0xffffffff), i * 128 + 0x44);
    rep.set(u32(0xffffffff), i * 128 + 0x48);
    rep.set(u32(0xffffffff), i * 128 + 0x4c);
  }
  o.repertoire?.(rep);
  chaines[0] = rep;

  const entete = new Uint8Array(512);
  entete.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  entete.set(u16(0x3e), 0x18);
  entete.set(u16(ss === 512 ? 3 : 4), 0x1a);
  entete.set(u16(0xfffe), 0x1c);
  entete.set(u16(ss === 512 ? 9 : 12), 0x1e);
  entete.set(u16(6), 0x20);
  entete.set(u32(nFat), 0x2c);
  entete.set(u32(debuts[0]!), 0x30);
  entete.set(u32(4096), 0x38);
  entete.set(u32(mini ? debuts[1]! : 0xfffffffe), 0x3c);
  entete.set(u32(mini ? 1 : 0), 0x40);
  entete.set(u32(nDifat ? nFat : 0xfffffffe), 0x44);
  entete.set(u32(nDifat), 0x48);
  for (let i = 0; i < 109; i++) entete.set(u32(!o.difatExterne && i < nFat ? i : 0xffffffff), 0x4c + 4 * i);
  const corps: Uint8Array[] = [];
  for (let k = 0; k < nFat; k++) corps.push(u32s(fat.slice(k * parSecteur, (k + 1) * parSecteur), 0xff, ss));
  if (nDifat) corps.push(u32s([...Array.from({ length: nFat }, (_, i) => i), ...new Array(parSecteur - 1 - nFat).fill(0xffffffff), 0xfffffffe], 0xff, ss));
  corps.push(...chaines);
  const total = (ss === 512 ? 512 : ss) + corps.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  out.set(entete);
  let p = ss;
  for (const c of corps) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
function u32s(valeurs: number[], remplissage: number, taille: number): Uint8Array {
  const b = new Uint8Array(Math.max(taille, valeurs.length * 4)).fill(remplissage);
  valeurs.forEach((v, i) => b.set(u32(v), 4 * i));
  return b;
}

// ---------------------------------------------------------------------------------------------
// A workbook exercising every cell record

const SST_BASE = sst(3, 3, [
  [...xlStr('CODGEO'), ...xlStr('Bourg-en-Bresse'), ...xlStr('Saint-Étienne')],
]);
const FEUILLES_BASE: FeuilleTest[] = [
  {
    nom: 'COM',
    corps: [
      ...rec(0x0200, [...u32(0), ...u32(4), ...u16(0), ...u16(6), 0, 0]), // DIMENSIONS: ignored
      ...cell(0x00fd, 0, 0, u32(0)), // LABELSST "CODGEO"
      ...cell(0x0204, 0, 1, xlStr('Libellé ✓')), // LABEL, UTF-16
      ...cell(0x00fd, 1, 1, u32(1)),
      ...cell(0x0203, 1, 2, f64(22883.333333333332)), // NUMBER
      ...cell(0x027e, 1, 3, u32((308 << 2) | 2)), // RK integer
      ...cell(0x027e, 1, 4, u32((123 << 2) | 3)), // RK integer ×100 → 1.23
      // MULRK row 3, columns 0..2: 1.0 (double RK), 0.01 (double ×100), -5 (integer)
      ...rec(0x00bd, [...u16(2), ...u16(0), ...u16(15), ...u32(0x3ff00000), ...u16(15), ...u32(0x3ff00001), ...u16(15), ...u32(((-5 << 2) | 2) >>> 0), ...u16(2)]),
      ...cell(0x0205, 3, 0, [1, 0]), // BOOLERR true
      ...cell(0x0205, 3, 1, [0x2a, 1]), // BOOLERR #N/A → null
      ...cell(0x0205, 3, 2, [0, 0]), // false
      // FORMULA number, then FORMULA string + STRING, then FORMULA bool, FORMULA error
      ...cell(0x0006, 4, 0, [...f64(42.5), ...u16(0), ...u32(0), ...u16(0)]),
      ...cell(0x0006, 4, 1, [0, 0, 0, 0, 0, 0, 0xff, 0xff, ...u16(0), ...u32(0), ...u16(0)]),
      ...rec(0x0207, xlStr('calculé')),
      ...cell(0x0006, 4, 2, [1, 0, 1, 0, 0, 0, 0xff, 0xff, ...u16(0), ...u32(0), ...u16(0)]),
      ...cell(0x0006, 4, 3, [2, 0, 7, 0, 0, 0, 0xff, 0xff, ...u16(0), ...u32(0), ...u16(0)]),
      ...cell(0x0201, 5, 0, []), // BLANK
      ...rec(0x00be, [...u16(6), ...u16(0), ...u16(15), ...u16(15), ...u16(1)]), // MULBLANK row 7
      ...cell(0x00fd, 7, 2, u32(2)),
    ],
  },
  { nom: 'Graphique', type: 2, corps: [] },
  { nom: 'Vide', corps: [] },
];

const ATTENDU: Array<Array<string | number | boolean | null>> = [
  ['CODGEO', 'Libellé ✓'],
  [null, 'Bourg-en-Bresse', 22883.333333333332, 308, 1.23],
  [1, 0.01, -5],
  [true, null, false],
  [42.5, 'calculé', true], // error formula → null, trailing nulls not kept
  [],
  [],
  [null, null, 'Saint-Étienne'],
];

describe('lireClasseurXls — lecture', () => {
  it('lit toutes les sortes de cellules (mini-flux, secteurs de 512 octets)', () => {
    const c = lireClasseurXls(cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE })), 'test.xls');
    expect(c.feuilles).toEqual(['COM', 'Vide']); // chart sheet not listed
    expect(c.date1904).toBe(false);
    expect(c.feuille('COM').lignes).toEqual(ATTENDU);
    expect(c.feuille('COM')).toBe(c.feuille('COM'));
    expect(c.feuille('Vide').lignes).toEqual([]);
    expect(erreurDe(() => c.feuille('Graphique')).message).toContain('feuille « Graphique » absente ; feuilles présentes : « COM », « Vide »');
  });

  it('lit un flux de plus de 4096 octets (FAT), en secteurs de 4096 octets, et avec un secteur DIFAT', () => {
    const lignes = Array.from({ length: 400 }, (_, r) => cell(0x0203, r, 0, f64(r + 0.5))).flat();
    const flux = classeurBiff([{ nom: 'Grand', corps: lignes }], { globales: rec(0x0022, u16(1)) });
    expect(flux.length).toBeGreaterThan(4096);
    for (const o of [{}, { tailleSecteur: 4096 as const }, { difatExterne: true }]) {
      const c = lireClasseurXls(cfb(flux, o), 'grand.xls');
      expect(c.date1904).toBe(true);
      const l = c.feuille('Grand').lignes;
      expect(l.length).toBe(400);
      expect(l[399]).toEqual([399.5]);
    }
  });

  it('table SST découpée par CONTINUE : octet d’options répété, passage en UTF-16, runs riches et données phonétiques ignorés', () => {
    // String 1 "Abcdéf": 3 compressed chars in the SST, 3 UTF-16 chars in the CONTINUE (flags 01).
    // String 2: rich (2 runs) + phonetic (5 bytes), the run bytes straddling a CONTINUE (no flags byte).
    const morceaux = [
      [...u16(6), 0, 0x41, 0x62, 0x63],
      [1, ...u16(0x64), ...u16(0xe9), ...u16(0x66), ...u16(3), 0x0c, ...u16(2), ...u32(5), 0x58, 0x59, 0x5a, 1, 0, 1, 0],
      [2, 0, 2, 0, 9, 9, 9, 9, 9, ...xlStr('fin')],
    ];
    const c = lireClasseurXls(
      cfb(classeurBiff([{ nom: 'S', corps: [0, 1, 2].flatMap((i) => cell(0x00fd, i, 0, u32(i))) }], { sst: sst(3, 3, morceaux) })),
      'sst.xls',
    );
    expect(c.feuille('S').lignes).toEqual([['Abcdéf'], ['XYZ'], ['fin']]);
  });

  it('décode les nombres RK', () => {
    expect(decoderRk(0x3ff00000)).toBe(1);
    expect(decoderRk(0x3ff00001)).toBe(0.01);
    expect(decoderRk((100 << 2) | 2)).toBe(100);
    expect(decoderRk((12345 << 2) | 3)).toBe(123.45);
    expect(decoderRk(((-7 << 2) | 2) >>> 0)).toBe(-7);
  });
});

describe('lireClasseurXls — fichiers invalides (message en français, jamais d’exception brute)', () => {
  const bon = () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE }));
  const cas: Array<[string, () => Uint8Array, string | RegExp]> = [
    ['fichier vide', () => new Uint8Array(0), 'fichier vide'],
    ['mauvaise signature', () => new TextEncoder().encode('CODGEO;LIBGEO\n'.repeat(60)), 'classeur Excel 97-2003 invalide : signature OLE2 (D0 CF 11 E0 A1 B1 1A E1) absente'],
    ['en-tête tronqué', () => bon().subarray(0, 300), 'classeur Excel 97-2003 invalide : en-tête tronqué (300 octets, 512 attendus)'],
    ['fichier tronqué', () => bon().subarray(0, 1024 + 100), /classeur Excel 97-2003 invalide : .*(hors du fichier|tronqué)/],
    [
      'taille de secteur invalide',
      () => {
        const b = bon();
        b[0x1e] = 10;
        return b;
      },
      'taille de secteur 2^10 non prises en charge',
    ],
    [
      'cycle dans la FAT',
      () => {
        const lignes = Array.from({ length: 400 }, (_, r) => cell(0x0203, r, 0, f64(r))).flat();
        return cfb(classeurBiff([{ nom: 'G', corps: lignes }]), { fat: (fat, debut) => (fat[debut + 3] = debut + 1) });
      },
      'classeur Excel 97-2003 invalide : chaîne de « Workbook » en boucle (secteur',
    ],
    [
      'chaîne de FAT vers un secteur libre',
      () => {
        const lignes = Array.from({ length: 400 }, (_, r) => cell(0x0203, r, 0, f64(r))).flat();
        return cfb(classeurBiff([{ nom: 'G', corps: lignes }]), { fat: (fat, debut) => (fat[debut + 2] = 0xffffffff) });
      },
      'chaîne de « Workbook » interrompue (secteur libre)',
    ],
    [
      'arbre du répertoire en boucle',
      () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE }), { repertoire: (rep) => rep.set(u32(1), 128 + 0x44) }),
      'arbre du répertoire en boucle (entrée 1)',
    ],
    ['pas de flux Workbook', () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE }), { nomFlux: 'WordDocument' }), 'flux « Workbook » absent (flux présents : « WordDocument »)'],
    ['classeur Excel 5 (flux Book)', () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE }), { nomFlux: 'Book' }), 'classeur Excel 5/95 (flux « Book », BIFF5) non pris en charge'],
    ['version BIFF5 dans le BOF', () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE, version: 0x0500 })), 'classeur Excel au format BIFF 0x500 (Excel 5/95 ou antérieur) non pris en charge'],
    ['classeur chiffré (FILEPASS)', () => cfb(classeurBiff(FEUILLES_BASE, { sst: SST_BASE, globales: rec(0x002f, [1, 0, 1, 0, ...new Array(48).fill(0)]) })), 'classeur Excel 97-2003 chiffré (protégé par mot de passe, enregistrement FILEPASS)'],
    ['SST annonçant plus de chaînes que de données', () => cfb(classeurBiff(FEUILLES_BASE, { sst: sst(9, 1_000_000, [[...xlStr('a')]]) })), 'table des chaînes (SST) : 1000000 chaînes annoncées pour 12 octets'],
    ['SST tronquée', () => cfb(classeurBiff(FEUILLES_BASE, { sst: sst(3, 3, [[...xlStr('a'), ...u16(40), 0, 0x41]]) })), 'table des chaînes (SST) : chaîne tronquée (39 caractères manquants)'],
    [
      'CONTINUE avec un octet d’options invalide',
      () => cfb(classeurBiff(FEUILLES_BASE, { sst: sst(3, 3, [[...u16(4), 0, 0x41], [7, 0x42, 0x43, 0x44], [...xlStr('b'), ...xlStr('c')]]) })),
      'octet d’options 0x7 invalide au début d’un CONTINUE',
    ],
    [
      'LABELSST vers une chaîne absente',
      () => cfb(classeurBiff([{ nom: 'X', corps: cell(0x00fd, 4, 0, u32(3)) }], { sst: SST_BASE })),
      'feuille « X » : ligne 5 : chaîne partagée n° 3 absente de la table (3 chaînes)',
    ],
    [
      'enregistrement plus long que le flux',
      () => {
        const f = classeurBiff([{ nom: 'X', corps: cell(0x0203, 0, 0, f64(1)) }]);
        return cfb(f.subarray(0, f.length - 6));
      },
      /au-delà de la fin du flux|feuille sans enregistrement EOF/,
    ],
    [
      'position de feuille hors du flux',
      () => {
        const f = classeurBiff([{ nom: 'X', corps: [] }]);
        const i = f.indexOf(0x85);
        new DataView(f.buffer).setUint32(i + 4, 1_000_000, true);
        return cfb(f);
      },
      'feuille « X » : position 1000000 au-delà de la fin du flux',
    ],
    ['globales sans EOF', () => cfb(new Uint8Array([...BOF(0x0005), ...rec(0x0022, u16(0))])), 'données globales sans enregistrement EOF (flux tronqué ?)'],
    ['MULRK incohérent', () => cfb(classeurBiff([{ nom: 'X', corps: rec(0x00bd, [...u16(0), ...u16(0), ...u16(15), ...u32(2), ...u16(5)]) }])), 'enregistrement MULRK incohérent (ligne 1)'],
  ];
  it.each(cas)('%s', (_nom, octets, attendu) => {
    const e = erreurDe(() => {
      const c = lireClasseurXls(octets(), 'mauvais.xls');
      for (const f of c.feuilles) c.feuille(f);
    });
    expect(e.position.fichier).toBe('mauvais.xls');
    if (typeof attendu === 'string') expect(e.message).toContain(attendu);
    else expect(e.message).toMatch(attendu);
  });

  it('octets altérés au hasard : une SourceSchemaError ou une lecture, jamais une autre exception', () => {
    const lignes = Array.from({ length: 300 }, (_, r) => cell(0x0203, r, 0, f64(r))).flat();
    const sources = [bon(), cfb(classeurBiff([{ nom: 'G', corps: [...lignes, ...cell(0x00fd, 1, 1, u32(1))] }], { sst: SST_BASE }))];
    let graine = 12345;
    const hasard = () => (graine = (graine * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let erreurs = 0;
    for (let k = 0; k < 600; k++) {
      const b = sources[k % 2]!.slice();
      for (let j = 0; j < 1 + Math.floor(hasard() * 4); j++) b[Math.floor(hasard() * b.length)] = Math.floor(hasard() * 256);
      try {
        const c = lireClasseurXls(b, 'alea.xls');
        for (const f of c.feuilles) c.feuille(f);
      } catch (e) {
        if (!(e instanceof SourceSchemaError)) throw e;
        erreurs += 1;
      }
    }
    expect(erreurs).toBeGreaterThan(0);
  });
});
