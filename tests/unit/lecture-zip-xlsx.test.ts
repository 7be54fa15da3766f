import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { lireClasseur, type Classeur, type Feuille } from '../../functions/src/core/sources/lecture/xlsx.ts';
import { lireZip } from '../../functions/src/core/sources/lecture/zip.ts';
import { DATA } from '../helpers/chemins.ts';

// The facts asserted on the real files were established independently of this reader, with
// Python's zipfile and xml.etree (a real XML parser): every cell of every sheet of the four
// workbooks matched (1.68 million cells), see the report of the change.

const lire = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const texte = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const octets = (s: string) => new TextEncoder().encode(s);

/** Runs `f` and returns the SourceSchemaError it throws (fails the test otherwise). */
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
// A tiny ZIP writer for the garbage tests: every field can be forced to a wrong value.

interface FichierZip {
  nom: string | Uint8Array;
  donnees: Uint8Array | string;
  methode?: number;
  niveau?: number;
  /** Overrides the uncompressed size written in both headers. */
  tailleDeclaree?: number;
  drapeaux?: number;
}

function ecrireZip(fichiers: FichierZip[], options: { commentaire?: Uint8Array } = {}): Uint8Array {
  const locaux: Uint8Array[] = [];
  const centraux: Uint8Array[] = [];
  let offset = 0;
  for (const f of fichiers) {
    const donnees = typeof f.donnees === 'string' ? octets(f.donnees) : f.donnees;
    const methode = f.methode ?? 8;
    const compressees = methode === 8 ? deflateRawSync(donnees, { level: f.niveau ?? 6 }) : donnees;
    const nom = typeof f.nom === 'string' ? octets(f.nom) : f.nom;
    const drapeaux = f.drapeaux ?? (typeof f.nom === 'string' && /[^\x20-\x7e]/.test(f.nom) ? 0x0800 : 0);
    const taille = f.tailleDeclaree ?? donnees.byteLength;
    const crc = crc32(donnees) >>> 0;

    const local = new Uint8Array(30 + nom.byteLength);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, drapeaux, true);
    l.setUint16(8, methode, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, compressees.byteLength, true);
    l.setUint32(22, taille, true);
    l.setUint16(26, nom.byteLength, true);
    local.set(nom, 30);
    locaux.push(local, compressees);

    const central = new Uint8Array(46 + nom.byteLength);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, drapeaux, true);
    c.setUint16(10, methode, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, compressees.byteLength, true);
    c.setUint32(24, taille, true);
    c.setUint16(28, nom.byteLength, true);
    c.setUint32(42, offset, true);
    central.set(nom, 46);
    centraux.push(central);
    offset += local.byteLength + compressees.byteLength;
  }
  const tailleCentral = centraux.reduce((s, c) => s + c.byteLength, 0);
  const commentaire = options.commentaire ?? new Uint8Array();
  const eocd = new Uint8Array(22 + commentaire.byteLength);
  const e = new DataView(eocd.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, fichiers.length, true);
  e.setUint16(10, fichiers.length, true);
  e.setUint32(12, tailleCentral, true);
  e.setUint32(16, offset, true);
  e.setUint16(20, commentaire.byteLength, true);
  eocd.set(commentaire, 22);
  return concat([...locaux, ...centraux, eocd]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A minimal workbook written by hand, for the layout rules and the malformed-XML tests.

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function classeurTest(feuille1: string, options: { sansWorkbook?: boolean; partages?: string } = {}): Uint8Array {
  const parties: FichierZip[] = [
    {
      nom: '_rels/.rels',
      donnees: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      nom: 'xl/_rels/workbook.xml.rels',
      donnees: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/worksheet" Target="worksheets/../worksheets/sheet2.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
    {
      nom: 'xl/sharedStrings.xml',
      donnees:
        options.partages ??
        `<?xml version="1.0" encoding="UTF-8"?>\n<sst ${NS} count="4" uniqueCount="4"><si><t>code</t></si><si><r><rPr><b/></rPr><t>Taux </t></r><r><t xml:space="preserve">de pauvreté </t></r><r><t>(%)</t></r></si><si><t xml:space="preserve">  Guadeloupe </t></si><si><t>A &amp; B &lt;C&gt; &quot;q&quot; &apos;a&apos; &#233;&#xE8; _x000D_fin</t><rPh sb="0" eb="1"><t>PHONETIQUE</t></rPh></si></sst>`,
    },
    {
      nom: 'xl/worksheets/sheet1.xml',
      donnees: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><dimension ref="A1:E9"/><sheetData>${feuille1}</sheetData></worksheet>`,
    },
    { nom: 'xl/worksheets/sheet2.xml', donnees: `<worksheet ${NS}><sheetData/></worksheet>` },
  ];
  if (!options.sansWorkbook) {
    parties.push({
      nom: 'xl/workbook.xml',
      donnees: `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}><workbookPr date1904="1"/><sheets><sheet name="Données &amp; co" sheetId="1" r:id="rId1"/><sheet name="Vide" sheetId="2" r:id="rId2"/></sheets></workbook>`,
    });
  }
  return ecrireZip(parties);
}

const LIGNES_TEST =
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
  '<row r="3" spans="1:5"><c r="A3" t="str"><f>A1&amp;"x"</f><v>01001</v></c><c r="C3"><v>-1.5E-3</v></c><c r="E3" t="b"><v>1</v></c></row>' +
  '<row r="4"><c r="A4" t="inlineStr"><is><r><t>Saint-</t></r><r><t>Thibaut</t></r></is></c><c r="B4" t="e"><v>#N/A</v></c><c r="C4" s="2"/><c r="D4" t="s"><v>2</v></c></row>' +
  '<row><c><v>7</v></c><c t="s"><v>3</v></c></row>' +
  '\n  <row r="6">\n    <c r="B6" s="1">\n      <v>42</v>\n    </c>\n  </row>\n' +
  '<row r="8"><c r="A8" s="1"/></row>';

// ---------------------------------------------------------------------------------------------

describe('lireZip on the real INSEE comparateur archive', () => {
  const archive = lire('insee/comparateur/base_cc_comparateur_csv.zip');
  const entrees = lireZip(archive, 'base_cc_comparateur_csv.zip');

  it('lists the two entries with their sizes', () => {
    expect(entrees.map((e) => [e.nom, e.taille])).toEqual([
      ['base_cc_comparateur.CSV', 8_119_815],
      ['meta_base_cc_comparateur.CSV', 4_590_665],
    ]);
  });

  it('inflates the data CSV (size and CRC-32 checked): header, CRLF, 35 010 data rows', () => {
    const bytes = entrees[0]!.lire();
    expect(bytes.byteLength).toBe(8_119_815);
    const csv = texte(bytes);
    expect(csv.length).toBe(8_119_815); // ASCII: one character per byte
    expect(csv.slice(0, csv.indexOf('\r\n'))).toBe(
      'CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;DECE1318;P18_MEN;NAISD20;DECESD20;P18_LOG;P18_RP;P18_RSECOCC;P18_LOGVAC;P18_RP_PROP;NBMENFISC19;PIMP19;MED19;TP6019;P18_EMPLT;P18_EMPLT_SAL;P13_EMPLT;P18_POP1564;P18_CHOM1564;P18_ACT1564;ETTOT18;ETAZ18;ETBE18;ETFZ18;ETGU18;ETGZ18;ETOQ18;ETTEF118;ETTEFP1018',
    );
    expect(csv.split('\r\n')).toHaveLength(35_012); // header + 35 010 rows + '' after the final CRLF
    expect(csv.split('\r\n')[1]!.startsWith('01001;771;767;15.95;44;22;311;10;7;353.730434782608;')).toBe(true);
    expect(texte(entrees[1]!.lire()).startsWith('COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\r\n')).toBe(true);
  });

  it('reads an archive that is a view at a non-zero offset of a larger buffer', () => {
    const grand = new Uint8Array(archive.byteLength + 13);
    grand.set(archive, 7);
    const vue = grand.subarray(7, 7 + archive.byteLength);
    expect(lireZip(vue, 'x.zip').map((e) => e.taille)).toEqual([8_119_815, 4_590_665]);
  });

  it('detects a flipped byte in the compressed data of the real archive', () => {
    const abime = new Uint8Array(archive);
    abime[1_000_000] = abime[1_000_000]! ^ 0xff;
    const [donnees, meta] = lireZip(abime, 'base_cc_comparateur_csv.zip');
    const e = erreurDe(() => donnees!.lire());
    expect(e.message).toMatch(
      /^base_cc_comparateur_csv\.zip : entrée « base_cc_comparateur\.CSV » : (CRC-32 incorrect|données compressées corrompues|taille décompressée)/,
    );
    expect(meta!.lire().byteLength).toBe(4_590_665); // the other entry is intact
  });

  it('refuses the real archive truncated', () => {
    expect(erreurDe(() => lireZip(archive.subarray(0, 1_000_000), 'base.zip')).message).toBe(
      'base.zip : archive ZIP invalide : fin du répertoire central introuvable : archive tronquée',
    );
    // Only the last bytes missing: the end record is cut.
    expect(erreurDe(() => lireZip(archive.subarray(0, archive.byteLength - 5), 'base.zip')).message).toMatch(/archive tronquée/);
  });
});

describe('lireZip on built archives', () => {
  it('reads stored and deflated entries, UTF-8 and CP437 names, skips directories, accepts a comment', () => {
    const zip = ecrireZip(
      [
        { nom: 'données/', donnees: '', methode: 0 },
        { nom: 'données/é.csv', donnees: 'a;b\r\n1;2\r\n' },
        { nom: new Uint8Array([0x82, 0x74, 0x82, 0x2e, 0x74, 0x78, 0x74]), donnees: 'stocké', methode: 0 }, // "été.txt" in CP437
        { nom: 'vide.txt', donnees: '' },
      ],
      // A comment that starts with a fake end-of-central-directory signature (scanned first).
      { commentaire: octets('PK\x05\x06 piège : fausse fin de répertoire central dans le commentaire') },
    );
    const entrees = lireZip(zip, 'test.zip');
    expect(entrees.map((e) => [e.nom, e.taille])).toEqual([
      ['données/é.csv', 10],
      ['été.txt', 7],
      ['vide.txt', 0],
    ]);
    expect(texte(entrees[0]!.lire())).toBe('a;b\r\n1;2\r\n');
    expect(texte(entrees[1]!.lire())).toBe('stocké');
    expect(entrees[2]!.lire().byteLength).toBe(0);
  });

  it('refuses a file that is not a ZIP archive, and an empty one', () => {
    const csv = octets('CODGEO;P18_POP\r\n01001;771\r\n');
    expect(erreurDe(() => lireZip(csv, 'base.csv')).message).toBe(
      "base.csv : archive ZIP invalide : fin du répertoire central introuvable : ce n'est pas une archive ZIP, ou elle est tronquée",
    );
    expect(erreurDe(() => lireZip(new Uint8Array(), 'vide.zip')).message).toBe('vide.zip : archive ZIP invalide : fichier vide');
  });

  it('detects a flipped byte by the CRC-32 (stored entry, and deflate stored block)', () => {
    for (const [methode, niveau] of [
      [0, 0],
      [8, 0],
    ] as const) {
      const zip = ecrireZip([{ nom: 'a.txt', donnees: 'CODGEO;P18_POP\r\n01001;771\r\n', methode, niveau }]);
      zip[47] = zip[47]! ^ 0x01; // inside the data (30-byte header, 5-byte name, then the data or the 5-byte stored-block header)
      const e = erreurDe(() => lireZip(zip, 'a.zip')[0]!.lire());
      expect(e.message).toMatch(/^a\.zip : entrée « a\.txt » : CRC-32 incorrect \(calculé [0-9a-f]{8}, attendu [0-9a-f]{8}\) : données corrompues$/);
    }
  });

  it('reports corrupt deflate data', () => {
    const zip = ecrireZip([{ nom: 'a.txt', donnees: 'x'.repeat(1000) }]);
    zip[30 + 5] = 0xff; // first byte of the deflate stream: invalid block type 3
    expect(erreurDe(() => lireZip(zip, 'a.zip')[0]!.lire()).message).toMatch(/^a\.zip : entrée « a\.txt » : données compressées corrompues/);
  });

  it('refuses entry names that leave the extraction folder', () => {
    const cas: [string, RegExp][] = [
      ['../evil', /entrée « \.\.\/evil » : chemin remontant avec « \.\. » refusé/],
      ['data/../../evil.csv', /chemin remontant/],
      ['/etc/passwd', /entrée « \/etc\/passwd » : chemin absolu refusé/],
      ['C:/x.csv', /chemin absolu refusé/],
      ['dossier\\x.csv', /barre oblique inverse/],
    ];
    for (const [nom, attendu] of cas) {
      const e = erreurDe(() => lireZip(ecrireZip([{ nom: 'ok.txt', donnees: 'a' }, { nom, donnees: 'b' }]), 'evil.zip'));
      expect(e.message).toMatch(/^evil\.zip : /);
      expect(e.message).toMatch(attendu);
    }
    expect(erreurDe(() => lireZip(ecrireZip([{ nom: 'a', donnees: '1' }, { nom: 'a', donnees: '2' }]), 'd.zip')).message).toBe(
      'd.zip : entrée « a » : nom en double dans le répertoire central',
    );
  });

  it('refuses a zip bomb by its declared ratio, and one lying about its size when read', () => {
    const zeros = new Uint8Array(50 * 1024 * 1024);
    const bombe = ecrireZip([{ nom: 'bombe.csv', donnees: zeros, niveau: 9 }]);
    expect(bombe.byteLength).toBeLessThan(100_000);
    expect(erreurDe(() => lireZip(bombe, 'bombe.zip')).message).toMatch(
      /^bombe\.zip : entrée « bombe\.csv » : taux de compression suspect \(\d+:1 pour 52428800 octets, maximum 200:1\) : bombe de décompression probable/,
    );
    // Declares 1 000 bytes (ratio check passes), inflates to 50 MiB: stopped at the declared size.
    const menteuse = ecrireZip([{ nom: 'bombe.csv', donnees: zeros, niveau: 9, tailleDeclaree: 1000 }]);
    const [entree] = lireZip(menteuse, 'bombe.zip');
    expect(erreurDe(() => entree!.lire()).message).toBe(
      'bombe.zip : entrée « bombe.csv » : taille décompressée supérieure à la taille déclarée (1000 octets) : archive falsifiée ou corrompue',
    );
  });

  it('caps the total uncompressed size', () => {
    const zip = ecrireZip([
      { nom: 'a.csv', donnees: 'x'.repeat(600) },
      { nom: 'b.csv', donnees: 'y'.repeat(600) },
    ]);
    expect(erreurDe(() => lireZip(zip, 'gros.zip', { tailleTotaleMax: 1000 })).message).toBe(
      "gros.zip : archive ZIP invalide : taille décompressée totale supérieure à la limite de 1000 octets (atteinte à l'entrée « b.csv »)",
    );
  });

  it('refuses ZIP64, encryption and unsupported methods clearly', () => {
    const zip = ecrireZip([{ nom: 'a.txt', donnees: 'a' }]);
    const z64 = new Uint8Array(zip);
    new DataView(z64.buffer).setUint16(z64.byteLength - 22 + 10, 0xffff, true);
    new DataView(z64.buffer).setUint16(z64.byteLength - 22 + 8, 0xffff, true);
    expect(erreurDe(() => lireZip(z64, 'g.zip')).message).toBe(
      'g.zip : archive ZIP invalide : format ZIP64 (plus de 65 535 entrées ou plus de 4 Gio) non pris en charge',
    );
    expect(erreurDe(() => lireZip(ecrireZip([{ nom: 'a.txt', donnees: 'a', drapeaux: 1 }]), 'c.zip')).message).toBe(
      'c.zip : entrée « a.txt » : entrée chiffrée, non prise en charge',
    );
    expect(erreurDe(() => lireZip(ecrireZip([{ nom: 'a.txt', donnees: 'a', methode: 12 }]), 'b.zip')).message).toBe(
      'b.zip : entrée « a.txt » : méthode de compression 12 non prise en charge (seules 0 « stockée » et 8 « deflate » le sont)',
    );
  });

  it('refuses a central directory pointing outside the file or at a wrong local header', () => {
    const zip = ecrireZip([{ nom: 'a.txt', donnees: 'abc' }]);
    const horsFichier = new Uint8Array(zip);
    new DataView(horsFichier.buffer).setUint32(horsFichier.byteLength - 22 + 16, 1_000_000, true);
    expect(erreurDe(() => lireZip(horsFichier, 'h.zip')).message).toMatch(/^h\.zip : archive ZIP invalide : répertoire central hors du fichier/);
    const mauvaisNom = new Uint8Array(zip);
    mauvaisNom[30] = 0x62; // local name "b.txt", central "a.txt"
    expect(erreurDe(() => lireZip(mauvaisNom, 'n.zip')).message).toBe(
      "n.zip : entrée « a.txt » : l'en-tête local ne correspond pas au répertoire central (archive falsifiée ou corrompue)",
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('lireClasseur on a built workbook', () => {
  const classeur = lireClasseur(classeurTest(LIGNES_TEST), 'mini.xlsx');

  it('lists the sheets, with entities decoded, and the date system', () => {
    expect(classeur.feuilles).toEqual(['Données & co', 'Vide']);
    expect(classeur.date1904).toBe(true);
    expect(classeur.feuille('Vide').lignes).toEqual([]);
  });

  it('keeps Excel row numbers, empty rows as [], missing cells as null up to the last value', () => {
    expect(classeur.feuille('Données & co').lignes).toEqual([
      ['code', 'Taux de pauvreté (%)'],
      [],
      ['01001', null, -0.0015, null, true],
      ['Saint-Thibaut', null, null, '  Guadeloupe '],
      [7, 'A & B <C> "q" \'a\' éè \rfin'],
      [null, 42],
      [],
      [],
    ]);
  });

  it('caches a parsed sheet', () => {
    expect(classeur.feuille('Vide')).toBe(classeur.feuille('Vide'));
  });

  it('reads element prefixes (x:) as written by some .NET generators', () => {
    const ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const zip = ecrireZip([
      { nom: 'xl/workbook.xml', donnees: `<x:workbook ${ns} xmlns:r="${REL}"><x:sheets><x:sheet name="F" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>` },
      {
        nom: 'xl/_rels/workbook.xml.rels',
        donnees: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/f.xml"/></Relationships>`,
      },
      {
        nom: 'xl/worksheets/f.xml',
        donnees: `<x:worksheet ${ns}><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>2A004</x:t></x:is></x:c><x:c r="C2"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
      },
    ]);
    expect(lireClasseur(zip, 'x.xlsx').feuille('F').lignes).toEqual([[], [null, '2A004', 3]]);
  });
});

describe('lireClasseur on garbage', () => {
  it('refuses a legacy .xls (OLE2 compound file) with a clear message', () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(erreurDe(() => lireClasseur(xls, 'base-cc-filosofi-2015.xls')).message).toMatch(
      /^base-cc-filosofi-2015\.xls : classeur Excel 97-2003 \(\.xls\) non pris en charge, enregistrez-le en \.xlsx/,
    );
  });

  it('refuses a file that is not a ZIP', () => {
    expect(erreurDe(() => lireClasseur(octets('dept;siren\n01;200029999\n'), 'epcicom.xlsx')).message).toBe(
      "epcicom.xlsx : ce n'est pas un classeur .xlsx : une archive ZIP (signature « PK ») est attendue",
    );
    expect(erreurDe(() => lireClasseur(new Uint8Array(), 'vide.xlsx')).message).toBe('vide.xlsx : fichier vide');
  });

  it('refuses a ZIP without xl/workbook.xml', () => {
    expect(erreurDe(() => lireClasseur(classeurTest(LIGNES_TEST, { sansWorkbook: true }), 'sans.xlsx')).message).toMatch(
      /^sans\.xlsx : classeur \.xlsx invalide : partie « xl\/workbook\.xml » absente \(l'archive contient : _rels\/\.rels, xl\/_rels\/workbook\.xml\.rels, /,
    );
    const zip = ecrireZip([{ nom: 'base_cc_comparateur.CSV', donnees: 'CODGEO\r\n' }]);
    expect(erreurDe(() => lireClasseur(zip, 'z.xlsx')).message).toBe(
      "z.xlsx : classeur .xlsx invalide : partie « xl/workbook.xml » absente (l'archive contient : base_cc_comparateur.CSV)",
    );
  });

  it('names the cell of a malformed or invalid value (file, row, column)', () => {
    const cas: [string, string][] = [
      [
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>12,5</v></c></row>',
        'm.xlsx, ligne 1, colonne 2 (B) : feuille « Données & co » : nombre invalide « 12,5 »',
      ],
      [
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="AB2" t="s"><v>99</v></c></row>',
        'm.xlsx, ligne 2, colonne 28 (AB) : feuille « Données & co » : index de chaîne partagée invalide « 99 » (4 chaînes dans sharedStrings.xml)',
      ],
      [
        '<row r="1"><c r="A1" t="b"><v>oui</v></c></row>',
        'm.xlsx, ligne 1, colonne 1 (A) : feuille « Données & co » : booléen invalide « oui »',
      ],
      [
        '<row r="1"><c r="A1" t="str"><v>AT&T</v></c></row>',
        'm.xlsx, ligne 1, colonne 1 (A) : feuille « Données & co » : entité XML non terminée « &T »',
      ],
      [
        '<row r="1"><c r="A1" t="x"><v>1</v></c></row>',
        'm.xlsx, ligne 1, colonne 1 (A) : feuille « Données & co » : type de cellule inconnu « x »',
      ],
    ];
    for (const [xml, message] of cas) {
      const c = lireClasseur(classeurTest(xml), 'm.xlsx');
      expect(erreurDe(() => c.feuille('Données & co')).message).toBe(message);
    }
  });

  it('refuses malformed sheet XML instead of skipping cells', () => {
    const cas: [string, RegExp][] = [
      // a cell never closed: swallows the next one
      ['<row r="1"><c r="A1"><v>1</v><c r="B1"><v>2</v></c></row>', /ligne 1, colonne 1 \(A\) : feuille « Données & co » : XML invalide : cellule non refermée/],
      // text between cells
      ['<row r="1"><c r="A1"><v>1</v></c>oups<c r="B1"><v>2</v></c></row>', /ligne 1 : feuille « Données & co » : XML invalide : contenu inattendu « oups/],
      // a row never closed
      ['<row r="1"><c r="A1"><v>1</v></c><row r="2"></row>', /feuille « Données & co » : XML invalide : ligne 1 non refermée avant la suivante/],
      // rows out of order, cells out of order, a cell filed in the wrong row
      ['<row r="2"></row><row r="1"></row>', /ligne 1 en double ou dans le désordre \(après la ligne 2\)/],
      ['<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>', /ligne 1, colonne 1 \(A\) : .*cellule en double ou dans le désordre/],
      ['<row r="1"><c r="A2"><v>1</v></c></row>', /cellule de la ligne 2 rangée dans la ligne 1/],
      ['<row r="1"><c r="1A"><v>1</v></c></row>', /référence de cellule invalide « 1A »/],
      ['<row r="1"><c r="A1"><v>1</v><w>2</w></c></row>', /XML invalide : contenu de cellule inattendu « <v>1<\/v><w>2<\/w> »/],
      ['<row r="1"><c r="A1 t="s"><v>1</v></c></row>', /XML invalide, attributs illisibles/],
    ];
    for (const [xml, attendu] of cas) {
      const c = lireClasseur(classeurTest(xml), 'm.xlsx');
      const e = erreurDe(() => c.feuille('Données & co'));
      expect(e.message).toMatch(/^m\.xlsx/);
      expect(e.message).toMatch(attendu);
    }
    // Truncated part: no </sheetData>.
    const tronque = ecrireZip([
      { nom: 'xl/workbook.xml', donnees: `<workbook ${NS}><sheets><sheet name="F" sheetId="1" r:id="rId1"/></sheets></workbook>` },
      {
        nom: 'xl/_rels/workbook.xml.rels',
        donnees: `<Relationships><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      },
      { nom: 'xl/worksheets/sheet1.xml', donnees: `<worksheet ${NS}><sheetData><row r="1"><c r="A1"><v>1</v></c>` },
    ]);
    expect(erreurDe(() => lireClasseur(tronque, 't.xlsx').feuille('F')).message).toBe(
      't.xlsx : feuille « F » : XML invalide : élément <sheetData> non refermé (partie tronquée ?)',
    );
    // Malformed shared strings.
    const c = lireClasseur(classeurTest('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { partages: `<sst ${NS}><si><t>a</si></sst>` }), 's.xlsx');
    expect(erreurDe(() => c.feuille('Données & co')).message).toBe('s.xlsx : xl/sharedStrings.xml, chaîne partagée n° 0 : XML invalide : élément <t> mal formé');
  });
});

// ---------------------------------------------------------------------------------------------
// The real workbooks of data/. Each is parsed once.

function memo<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}
const dgcl = memo(() => lireClasseur(lire('dgcl/epcicom.xlsx'), 'epcicom.xlsx'));
const apl = memo(() => lireClasseur(lire('drees/apl/APL_mg_2021.xlsx'), 'APL_mg_2021.xlsx'));
const estimations = memo(() => lireClasseur(lire('insee/population/estim-pop-dep-sexe-aq-1975-2021.xlsx'), 'estim-pop-dep-sexe-aq-1975-2021.xlsx'));
const appartenance = memo(() => lireClasseur(lire('insee/cog/table-appartenance-geo-communes-22.xlsx'), 'table-appartenance-geo-communes-22.xlsx'));
const feuille = (c: () => Classeur, nom: string): Feuille => c().feuille(nom);

describe('DGCL composition des EPCI 2025 (epcicom.xlsx)', () => {
  it('has one sheet, Epcicom2025, and a missing sheet is named with the present ones', () => {
    expect(dgcl().feuilles).toEqual(['Epcicom2025']);
    expect(erreurDe(() => dgcl().feuille('Epcicom2024')).message).toBe(
      'epcicom.xlsx : feuille « Epcicom2024 » absente ; feuilles présentes : « Epcicom2025 »',
    );
  });

  it('has the documented header and 34 871 communes plus one trailing empty row', () => {
    const lignes = feuille(dgcl, 'Epcicom2025').lignes;
    expect(lignes[0]).toEqual([
      'dept', 'siren', 'raison_sociale', 'nature_juridique', 'mode_financ', 'nb_membres', 'total_pop_tot', 'total_pop_mun',
      'dep_com', 'insee', 'siren_membre', 'nom_membre', 'ptot_2025', 'pmun_2025',
    ]);
    expect(lignes).toHaveLength(34_873);
    expect(lignes[34_872]).toEqual([]); // row 34 873: two styled cells, no value
    const communes = lignes.slice(1, 34_872);
    expect(communes.every((l) => l.length === 14)).toBe(true);
    expect(communes.every((l) => typeof l[1] === 'number' && typeof l[9] === 'string')).toBe(true);
    expect(communes.reduce((s, l) => s + (l[13] as number), 0)).toBe(68_010_643);
  });

  it('reads a known row: siren a number, insee codes text', () => {
    const lignes = feuille(dgcl, 'Epcicom2025').lignes;
    expect(lignes[1]).toEqual(['01', 200029999, "CC Rives de l'Ain - Pays du Cerdon", 'CC', 'FPU', 14, 15156, 14873, '01', '01304', 210103040, "Pont-d'Ain", 2912, 2862]);
    expect(lignes[28_522]).toEqual(['74', 200000172, 'CC Faucigny - Glières', 'CC', 'FPU', 7, 29204, 28363, '74', '74042', 217400423, 'Bonneville', 13736, 13320]);
    const faucigny = lignes.filter((l) => l[1] === 200000172);
    expect(faucigny).toHaveLength(7);
    expect(faucigny.reduce((s, l) => s + (l[13] as number), 0)).toBe(28_363);
    expect(lignes[34_871]!.slice(8, 10)).toEqual(['2B', '2B025']);
  });
});

describe('DREES APL 2021 (APL_mg_2021.xlsx)', () => {
  it('has its header on row 1 and 34 997 communes', () => {
    const lignes = feuille(apl, 'Sheet1').lignes;
    expect(apl().feuilles).toEqual(['Sheet1']);
    expect(lignes[0]).toEqual([
      'Code commune',
      'Libellé de la commune',
      'Population totale',
      "APL aux médecins généralistes (sans borne d'âge)",
      'APL aux médecins généralistes de 65 ans et moins',
      'APL aux médecins généralistes de 62 ans et moins',
      "Population standardisée par la consommation de soins par tranche d'âge",
    ]);
    expect(lignes).toHaveLength(34_998);
    expect(lignes[1]).toEqual(['01001', "L'Abergement-Clémenciat", 779, 2.15, 2.076, 2.076, 775.023]);
  });

  it('gives the 23 communes without values as [code, libellé] only (missing, not zero)', () => {
    const lignes = feuille(apl, 'Sheet1').lignes.slice(1);
    const sansValeur = lignes.filter((l) => l.slice(2).every((v) => v === null));
    expect(sansValeur).toHaveLength(23);
    expect(sansValeur.every((l) => l.length === 2)).toBe(true);
    expect(sansValeur.map((l) => l[0])).toEqual(['55039', '55050', '55139', '55189', '55239', '55307', ...Array.from({ length: 17 }, (_, i) => `976${String(i + 1).padStart(2, '0')}`)]);
    expect(sansValeur[0]).toEqual(['55039', 'Beaumont-en-Verdunois']);
    expect(lignes.filter((l) => l[3] === 0)).toHaveLength(504);
    expect(lignes.reduce((s, l) => s + ((l[2] as number | null) ?? 0), 0)).toBe(66_988_403);
  });

  it('keeps the empty label of the 45 PLM arrondissements as null', () => {
    const lignes = feuille(apl, 'Sheet1').lignes;
    const arrondissements = lignes.filter((l) => l[1] === null);
    expect(arrondissements).toHaveLength(45);
    expect(lignes[34_997]).toEqual(['75120', null, 194994, 4.144, 3.382, 3.015, 187719.246]);
  });
});

describe('INSEE estimations de population 1975–2021', () => {
  it('has one sheet per year after the notes, 2006 before 2007 as in the file', () => {
    const annees = Array.from({ length: 47 }, (_, i) => String(2021 - i));
    annees.splice(annees.indexOf('2007'), 2, '2006', '2007');
    expect(estimations().feuilles).toEqual(['À savoir', ...annees]);
  });

  it('has 5 title rows and the ditto mark " as the 5–9 band header of the Ensemble block', () => {
    const lignes = feuille(estimations, '2021').lignes;
    expect(lignes.slice(0, 3)).toEqual([
      ['Estimation de population au 1er janvier, par département, sexe et âge quinquennal'],
      ['Année 2021'],
      [],
    ]);
    expect(lignes[3]).toHaveLength(45);
    expect([lignes[3]![0], lignes[3]![2], lignes[3]![23], lignes[3]![44]]).toEqual(['Départements', 'Ensemble', 'Hommes', 'Femmes']);
    expect(lignes[4]).toHaveLength(65);
    expect(lignes[4]!.slice(0, 5)).toEqual([null, null, '0 à 4 ans', '"', '10 à 14 ans']);
    expect(lignes[4]!.slice(22, 25)).toEqual(['Total', '0 à 4 ans', '5 à 9 ans']);
    expect(lignes[4]![64]).toBe('Total');
  });

  it('reads the data rows: codes text but overseas codes numbers, names with trailing spaces, subtotals', () => {
    const lignes = feuille(estimations, '2021').lignes;
    expect(lignes[5]!.slice(0, 3)).toEqual(['01', 'Ain', 38718]);
    expect(lignes[5]![22]).toBe(662_244);
    expect((lignes[5]!.slice(17, 22) as number[]).reduce((a, b) => a + b, 0)).toBe(55_306); // 75 ans et plus
    expect(lignes.slice(100, 109).map((l) => l.slice(0, 2))).toEqual([
      ['95', "Val-d'Oise"],
      ['France métropolitaine ', null],
      [971, 'Guadeloupe '],
      [972, 'Martinique '],
      [973, 'Guyane'],
      [974, 'La Réunion'],
      [976, 'Mayotte'],
      ['DOM', null],
      ['France métropolitaine et DOM', null],
    ]);
    expect(lignes[108]![22]).toBe(67_407_241);
  });

  it('reads an older sheet', () => {
    expect(feuille(estimations, '1990').lignes.slice(1, 6).map((l) => l.slice(0, 3))).toEqual([
      ['Année 1990'],
      [],
      ['Départements', null, 'Ensemble'],
      [null, null, '0 à 4 ans'],
      ['01', 'Ain', 34008],
    ]);
  });
});

describe("INSEE table d'appartenance géographique des communes 2022", () => {
  it('lists its sheets', () => {
    expect(appartenance().feuilles).toEqual(['COM', 'ARM', 'Zones_supra_communales', 'Variables', 'Documentation']);
  });

  it('has 4 title rows, labels on row 5, codes on row 6, then 34 955 communes and a trailing empty row', () => {
    const lignes = feuille(appartenance, 'COM').lignes;
    expect(lignes.slice(0, 4)).toEqual([
      ['Liste des communes au 1er janvier 2022'],
      ['France - Communes'],
      ['Mise en ligne le 18/03/2022       Géographie au 01/01/2022'],
      ['@Insee       Source(s) : Insee, Code officiel géographique'],
    ]);
    expect(lignes[4]!.slice(0, 5)).toEqual(['Code géographique', 'Libellé géographique', 'Département', 'Région', 'Intercommunalité - Métropole']);
    expect(lignes[5]).toEqual([
      'CODGEO', 'LIBGEO', 'DEP', 'REG', 'EPCI', 'NATURE_EPCI', 'ARR', 'CV', 'ZE2020', 'UU2020', 'TUU2017', 'TDUU2017', 'AAV2020',
      'TAAV2017', 'TDAAV2017', 'CATEAAV2020', 'BV2012',
    ]);
    expect(lignes[6]).toEqual(["01001", "L'Abergement-Clémenciat", '01', '84', '200069193', 'CC', '012', '0108', '8405', '01000', '0', '00', '524', '1', '11', '20', '01093']);
    expect(lignes).toHaveLength(34_962);
    expect(lignes.slice(6, 34_961).every((l) => l.length === 17 && typeof l[0] === 'string')).toBe(true);
    expect(lignes[34_961]).toEqual([]);
  });

  it('reads the ARM sheet (an extra COM column) and rich-text cells of the documentation', () => {
    const arm = feuille(appartenance, 'ARM').lignes;
    expect(arm[5]).toEqual(['CODGEO', 'LIBGEO', 'DEP', 'REG', 'EPCI', 'NATURE_EPCI', 'ARR', 'CV', 'ZE2020', 'UU2020', 'TUU2017', 'TDUU2017', 'AAV2020', 'TAAV2017', 'TDAAV2017', 'CATEAAV2020', 'BV2012', 'COM']);
    expect(arm.slice(6).filter((l) => l.length > 0)).toHaveLength(45);
    expect(arm[6]!.slice(0, 2)).toEqual(['13201', 'Marseille 1er Arrondissement']);
    const doc = feuille(appartenance, 'Documentation').lignes.flat();
    // Two runs (bold label + xml:space="preserve" text) concatenated into one string.
    expect(doc.find((v) => typeof v === 'string' && v.startsWith("Tranche d'aire d'attraction des villes 2017 :"))).toMatch(
      /^Tranche d'aire d'attraction des villes 2017 : ce code indique la tranche/,
    );
  });
});
