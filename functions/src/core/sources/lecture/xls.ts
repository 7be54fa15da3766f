import { SourceSchemaError } from '../../errors.ts';
import type { Cellule, Classeur, Feuille } from './xlsx.ts';

/**
 * Reading of legacy Excel 97–2003 workbooks (`.xls`, BIFF8 inside an OLE2 / Compound File
 * Binary container), with no dependency. Returns the same `Classeur` shape as `lireClasseur`
 * (xlsx.ts): `lignes[i]` is Excel row i + 1, cells `string | number | boolean | null`.
 *
 * Compound file (MS-CFB): header (signature, sector size 512 or 4096), DIFAT (the 109 entries of
 * the header, then the chain of DIFAT sectors), FAT, directory (UTF-16 names, red-black tree
 * walked from the root), mini stream and mini FAT for streams under the cut-off (4096 bytes).
 * The `Workbook` stream (or `Book`, its Excel 5 name, refused below) is read from the root storage.
 *
 * Workbook (MS-XLS, BIFF8 only): globals (BOF, FILEPASS → refusal, DATEMODE, BOUNDSHEET8, SST
 * with its CONTINUE records), then every worksheet substream lazily on `feuille(nom)`:
 * LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK, BOOLERR, FORMULA (+ STRING), BLANK, MULBLANK, EOF.
 * Chart, macro and VBA sheets are not listed. Cell values:
 * - strings verbatim (8-bit "compressed" strings are Latin-1 by definition of BIFF8; rich-text
 *   runs and phonetic data skipped);
 * - NUMBER, RK, MULRK → `number`; BOOLERR → `boolean`, or `null` for an error (`#N/A`…);
 * - FORMULA → its cached value (number, string, boolean; error or empty → `null`);
 * - BLANK, MULBLANK → `null` (formatted empty cells).
 * Dates stay serial numbers (styles are not read), as in xlsx.ts.
 *
 * The file is untrusted: every offset is bounds-checked, sector chains are guarded against
 * cycles and against running past the file, and any malformed structure is a
 * `SourceSchemaError` "classeur Excel 97-2003 invalide : …". Encrypted workbooks and BIFF5/
 * BIFF7 (Excel 5/95) workbooks are refused with their own message.
 */

const SIGNATURE_CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const FIN_CHAINE = 0xfffffffe;
const LIBRE = 0xffffffff;
const SECTEUR_FAT = 0xfffffffd;
const SECTEUR_DIFAT = 0xfffffffc;
const SECTEUR_MAX = 0xfffffffa;
const PAS_DE_FRERE = 0xffffffff;
const LIGNES_MAX = 65536;
const COLONNES_MAX = 256;

// BIFF record types
const BOF = 0x0809;
const EOF = 0x000a;
const CONTINUE = 0x003c;
const FILEPASS = 0x002f;
const DATEMODE = 0x0022;
const BOUNDSHEET = 0x0085;
const SST = 0x00fc;
const LABELSST = 0x00fd;
const LABEL = 0x0204;
const RSTRING = 0x00d6;
const NUMBER = 0x0203;
const RK = 0x027e;
const MULRK = 0x00bd;
const BOOLERR = 0x0205;
const FORMULA = 0x0006;
const STRING = 0x0207;
const BLANK = 0x0201;
const MULBLANK = 0x00be;

/** True when the bytes start with the OLE2 compound file signature (xls, msg, doc…). */
export function estFichierCompose(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 8 && SIGNATURE_CFB.every((o, i) => bytes[i] === o);
}

type Erreur = (raison: string) => SourceSchemaError;

/** Reads a stream of the compound file: the `Workbook` stream's bytes. */
function fluxClasseur(bytes: Uint8Array, invalide: Erreur, fichier: string): Uint8Array {
  const n = bytes.byteLength;
  if (n === 0) throw new SourceSchemaError({ fichier }, 'fichier vide');
  if (!estFichierCompose(bytes)) throw invalide('signature OLE2 (D0 CF 11 E0 A1 B1 1A E1) absente');
  if (n < 512) throw invalide(`en-tête tronqué (${n} octets, 512 attendus)`);
  const vue = new DataView(bytes.buffer, bytes.byteOffset, n);
  const u16 = (o: number) => vue.getUint16(o, true);
  const u32 = (o: number) => vue.getUint32(o, true);
  if (u16(0x1c) !== 0xfffe) throw invalide('marque d’ordre des octets invalide dans l’en-tête');
  const version = u16(0x1a);
  const decalage = u16(0x1e);
  if (!((version === 3 && decalage === 9) || (version === 4 && decalage === 12))) {
    throw invalide(`version ${version} et taille de secteur 2^${decalage} non prises en charge (512 ou 4096 octets attendus)`);
  }
  if (u16(0x20) !== 6) throw invalide(`taille de mini-secteur 2^${u16(0x20)} invalide (64 octets attendus)`);
  const tailleSecteur = 1 << decalage;
  const nbSecteurs = Math.max(0, Math.ceil((n - tailleSecteur) / tailleSecteur));
  const nbFat = u32(0x2c);
  const premierRepertoire = u32(0x30);
  const seuilMini = u32(0x38);
  const premierMiniFat = u32(0x3c);
  const nbMiniFat = u32(0x40);
  let difatSuivant = u32(0x44);
  const nbDifat = u32(0x48);
  if (seuilMini !== 4096) throw invalide(`seuil du mini-flux ${seuilMini} invalide (4096 attendu)`);
  if (nbFat > nbSecteurs) throw invalide(`${nbFat} secteurs de FAT annoncés pour ${nbSecteurs} secteurs dans le fichier (fichier tronqué ?)`);

  const debutSecteur = (s: number, quoi: string): number => {
    if (s >= nbSecteurs) throw invalide(`secteur ${s} de ${quoi} hors du fichier (${nbSecteurs} secteurs : fichier tronqué ?)`);
    return (s + 1) * tailleSecteur;
  };

  // DIFAT: 109 entries in the header, then DIFAT sectors (last entry = next DIFAT sector).
  const secteursFat: number[] = [];
  for (let i = 0; i < 109 && secteursFat.length < nbFat; i++) {
    const s = u32(0x4c + 4 * i);
    if (s === LIBRE) break;
    secteursFat.push(s);
  }
  const parSecteur = tailleSecteur / 4;
  const difatVus = new Set<number>();
  for (let k = 0; secteursFat.length < nbFat; k++) {
    if (difatSuivant === FIN_CHAINE || difatSuivant === LIBRE) break;
    if (k >= nbDifat || difatVus.has(difatSuivant)) throw invalide('chaîne DIFAT en boucle ou plus longue qu’annoncé');
    difatVus.add(difatSuivant);
    const o = debutSecteur(difatSuivant, 'DIFAT');
    for (let i = 0; i < parSecteur - 1 && secteursFat.length < nbFat; i++) {
      const s = u32(o + 4 * i);
      if (s === LIBRE) continue;
      secteursFat.push(s);
    }
    difatSuivant = u32(o + tailleSecteur - 4);
  }
  if (secteursFat.length !== nbFat) throw invalide(`${secteursFat.length} secteurs de FAT trouvés, ${nbFat} annoncés`);

  const fat = new Uint32Array(secteursFat.length * parSecteur);
  secteursFat.forEach((s, k) => {
    const o = debutSecteur(s, 'FAT');
    for (let i = 0; i < parSecteur; i++) fat[k * parSecteur + i] = u32(o + 4 * i);
  });

  /** Sectors of a chain, in order, each seen once; stops at ENDOFCHAIN. */
  const chaine = (debut: number, table: Uint32Array, quoi: string, limite: number): number[] => {
    const out: number[] = [];
    const vus = new Set<number>();
    let s = debut;
    while (s !== FIN_CHAINE) {
      if (s > SECTEUR_MAX || s >= table.length || s >= limite) {
        const nature = s === LIBRE ? 'secteur libre' : s === SECTEUR_FAT ? 'secteur de FAT' : s === SECTEUR_DIFAT ? 'secteur DIFAT' : `secteur ${s} hors limites`;
        throw invalide(`chaîne de ${quoi} interrompue (${nature})`);
      }
      if (vus.has(s)) throw invalide(`chaîne de ${quoi} en boucle (secteur ${s} déjà lu)`);
      vus.add(s);
      out.push(s);
      s = table[s]!;
    }
    return out;
  };
  const lireChaine = (debut: number, taille: number | null, quoi: string): Uint8Array => {
    const secteurs = chaine(debut, fat, quoi, nbSecteurs);
    const total = taille ?? secteurs.length * tailleSecteur;
    if (secteurs.length * tailleSecteur < total) throw invalide(`flux ${quoi} de ${total} octets, mais sa chaîne n’a que ${secteurs.length} secteurs`);
    const out = new Uint8Array(total);
    let pos = 0;
    for (const s of secteurs) {
      if (pos >= total) break;
      const o = debutSecteur(s, quoi);
      const k = Math.min(tailleSecteur, total - pos, n - o);
      out.set(bytes.subarray(o, o + k), pos);
      pos += k;
      if (k < Math.min(tailleSecteur, total - pos + k)) throw invalide(`flux ${quoi} tronqué (fin du fichier atteinte)`);
    }
    return out;
  };

  // Directory
  const repertoire = lireChaine(premierRepertoire, null, 'répertoire');
  const nbEntrees = Math.floor(repertoire.byteLength / 128);
  const vr = new DataView(repertoire.buffer, repertoire.byteOffset, repertoire.byteLength);
  interface EntreeRep {
    nom: string;
    type: number;
    gauche: number;
    droite: number;
    enfant: number;
    debut: number;
    taille: number;
  }
  const entree = (i: number): EntreeRep => {
    const o = i * 128;
    const longueur = vr.getUint16(o + 0x40, true);
    if (longueur > 64 || longueur % 2 !== 0) throw invalide(`entrée de répertoire ${i} : longueur de nom ${longueur} invalide`);
    let nom = '';
    for (let k = 0; k + 2 < longueur; k += 2) nom += String.fromCharCode(vr.getUint16(o + k, true));
    const haut = version === 4 ? vr.getUint32(o + 0x7c, true) : 0;
    if (haut !== 0) throw invalide(`entrée « ${nom} » : taille supérieure à 4 Gio`);
    return {
      nom,
      type: vr.getUint8(o + 0x42),
      gauche: vr.getUint32(o + 0x44, true),
      droite: vr.getUint32(o + 0x48, true),
      enfant: vr.getUint32(o + 0x4c, true),
      debut: vr.getUint32(o + 0x74, true),
      taille: vr.getUint32(o + 0x78, true),
    };
  };
  if (nbEntrees === 0) throw invalide('répertoire vide');
  const racine = entree(0);
  if (racine.type !== 5) throw invalide('première entrée du répertoire : entrée racine attendue');

  // Streams of the root storage (walk of the sibling tree, guarded).
  const flux = new Map<string, EntreeRep>();
  const pile = [racine.enfant];
  const vus = new Set<number>();
  while (pile.length > 0) {
    const i = pile.pop()!;
    if (i === PAS_DE_FRERE) continue;
    if (i >= nbEntrees) throw invalide(`entrée de répertoire ${i} hors du répertoire (${nbEntrees} entrées)`);
    if (vus.has(i)) throw invalide(`arbre du répertoire en boucle (entrée ${i})`);
    vus.add(i);
    const e = entree(i);
    if (e.type === 2) flux.set(e.nom.toLowerCase(), e);
    pile.push(e.gauche, e.droite);
  }
  const classeur = flux.get('workbook');
  if (classeur === undefined) {
    if (flux.has('book')) throw invalide('classeur Excel 5/95 (flux « Book », BIFF5) non pris en charge : enregistrez-le en .xlsx');
    if (flux.has('encryptedpackage')) throw invalide('classeur chiffré (protégé par mot de passe) : retirez la protection');
    const noms = [...flux.values()].map((e) => `« ${e.nom} »`).slice(0, 8).join(', ') || 'aucun';
    throw invalide(`flux « Workbook » absent (flux présents : ${noms}) : ce n’est pas un classeur Excel`);
  }
  if (classeur.taille >= seuilMini) return lireChaine(classeur.debut, classeur.taille, '« Workbook »');

  // Small stream: in the mini stream (chain of the root entry), addressed by the mini FAT.
  const miniFlux = lireChaine(racine.debut, racine.taille, 'mini-flux');
  const miniFatOctets = nbMiniFat === 0 ? new Uint8Array(0) : lireChaine(premierMiniFat, null, 'mini-FAT');
  const miniFat = new Uint32Array(Math.floor(miniFatOctets.byteLength / 4));
  const vm = new DataView(miniFatOctets.buffer, miniFatOctets.byteOffset, miniFatOctets.byteLength);
  for (let i = 0; i < miniFat.length; i++) miniFat[i] = vm.getUint32(4 * i, true);
  const secteurs = chaine(classeur.debut, miniFat, 'mini-FAT', Math.floor(miniFlux.byteLength / 64));
  if (secteurs.length * 64 < classeur.taille) throw invalide(`flux « Workbook » de ${classeur.taille} octets, mais sa chaîne n’a que ${secteurs.length} mini-secteurs`);
  const out = new Uint8Array(classeur.taille);
  secteurs.forEach((s, k) => {
    const p = k * 64;
    if (p < out.length) out.set(miniFlux.subarray(s * 64, s * 64 + Math.min(64, out.length - p)), p);
  });
  return out;
}

interface Enregistrement {
  type: number;
  debut: number;
  fin: number;
}

/** Iterates the BIFF records of the stream from `position` (header checked against its end). */
function* enregistrements(flux: Uint8Array, position: number, invalide: Erreur): Generator<Enregistrement> {
  let p = position;
  while (p < flux.byteLength) {
    if (p + 4 > flux.byteLength) throw invalide(`enregistrement tronqué à l’octet ${p} du flux`);
    const type = flux[p]! | (flux[p + 1]! << 8);
    const longueur = flux[p + 2]! | (flux[p + 3]! << 8);
    const debut = p + 4;
    const fin = debut + longueur;
    if (fin > flux.byteLength) throw invalide(`enregistrement 0x${type.toString(16).padStart(4, '0')} de ${longueur} octets au-delà de la fin du flux (octet ${p})`);
    yield { type, debut, fin };
    p = fin;
  }
}

/**
 * Sequential reader over a record and its CONTINUE records. `caracteres` re-reads the flags byte
 * at each CONTINUE boundary, as BIFF8 requires for strings split across records.
 */
class Lecteur {
  private k = 0;
  private p: number;
  private readonly flux: Uint8Array;
  private readonly segments: Enregistrement[];
  private readonly invalide: Erreur;
  private readonly quoi: string;
  constructor(flux: Uint8Array, segments: Enregistrement[], invalide: Erreur, quoi: string) {
    this.flux = flux;
    this.segments = segments;
    this.invalide = invalide;
    this.quoi = quoi;
    this.p = segments[0]!.debut;
  }
  private avancer(): void {
    while (this.p >= this.segments[this.k]!.fin) {
      if (this.k + 1 >= this.segments.length) throw this.invalide(`${this.quoi} : données au-delà de la fin de l’enregistrement`);
      this.k += 1;
      this.p = this.segments[this.k]!.debut;
    }
  }
  octet(): number {
    this.avancer();
    return this.flux[this.p++]!;
  }
  u16(): number {
    return this.octet() | (this.octet() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  sauter(n: number): void {
    let reste = n;
    while (reste > 0) {
      this.avancer();
      const k = Math.min(reste, this.segments[this.k]!.fin - this.p);
      this.p += k;
      reste -= k;
    }
  }
  /** `cch` characters, 1 or 2 bytes each according to `large`, re-read at each CONTINUE. */
  caracteres(cch: number, large: boolean): string {
    const morceaux: string[] = [];
    let reste = cch;
    let l = large;
    while (reste > 0) {
      if (this.p >= this.segments[this.k]!.fin) {
        // Characters continue in the next CONTINUE record, which starts with a new flags byte.
        if (this.k + 1 >= this.segments.length) throw this.invalide(`${this.quoi} : chaîne tronquée (${reste} caractères manquants)`);
        this.k += 1;
        this.p = this.segments[this.k]!.debut;
        if (this.p >= this.segments[this.k]!.fin) throw this.invalide(`${this.quoi} : enregistrement CONTINUE vide`);
        const drapeaux = this.flux[this.p++]!;
        if ((drapeaux & 0xfe) !== 0) throw this.invalide(`${this.quoi} : octet d’options 0x${drapeaux.toString(16)} invalide au début d’un CONTINUE`);
        l = (drapeaux & 1) === 1;
      }
      const dispo = this.segments[this.k]!.fin - this.p;
      const n = Math.min(reste, l ? Math.floor(dispo / 2) : dispo);
      if (n === 0) {
        if (dispo > 0) throw this.invalide(`${this.quoi} : caractère UTF-16 coupé par la fin de l’enregistrement`);
        continue;
      }
      if (l) {
        const codes = new Array<number>(n);
        for (let i = 0; i < n; i++) codes[i] = this.flux[this.p + 2 * i]! | (this.flux[this.p + 2 * i + 1]! << 8);
        morceaux.push(String.fromCharCode(...codes));
        this.p += 2 * n;
      } else {
        morceaux.push(latin1.decode(this.flux.subarray(this.p, this.p + n)));
        this.p += n;
      }
      reste -= n;
    }
    return morceaux.join('');
  }
  /** XLUnicodeRichExtendedString (SST, with runs and phonetic data) or XLUnicodeString. */
  chaine(etendue: boolean): string {
    const cch = this.u16();
    const drapeaux = this.octet();
    if (!etendue && (drapeaux & 0xfe) !== 0) throw this.invalide(`${this.quoi} : octet d’options 0x${drapeaux.toString(16)} invalide`);
    const riche = (drapeaux & 0x08) !== 0;
    const phonetique = (drapeaux & 0x04) !== 0;
    const runs = riche ? this.u16() : 0;
    const ext = phonetique ? this.u32() : 0;
    const texte = this.caracteres(cch, (drapeaux & 1) === 1);
    this.sauter(runs * 4 + ext);
    return texte;
  }
}

// 8-bit BIFF8 strings are UTF-16 with the high byte dropped: Latin-1, not the code page.
const latin1 = new TextDecoder('latin1');

/** Decodes an RK number (×100 flag in bit 0, 30-bit integer in bit 1, else high bits of a double). */
export function decoderRk(rk: number): number {
  let v: number;
  if (rk & 2) v = rk >> 2;
  else {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setUint32(0, (rk & 0xfffffffc) >>> 0, false);
    dv.setUint32(4, 0, false);
    v = dv.getFloat64(0, false);
  }
  return rk & 1 ? v / 100 : v;
}

interface DefinitionFeuille {
  nom: string;
  position: number;
}

/**
 * Parses a legacy Excel 97–2003 workbook (BIFF8 in a compound file). Globals are read at once,
 * each worksheet on first `feuille(nom)`. Throws `SourceSchemaError` on any malformed structure.
 */
export function lireClasseurXls(bytes: Uint8Array, fichier: string): Classeur {
  const invalide: Erreur = (raison) => new SourceSchemaError({ fichier }, `classeur Excel 97-2003 invalide : ${raison}`);
  const flux = fluxClasseur(bytes, invalide, fichier);
  const vue = new DataView(flux.buffer, flux.byteOffset, flux.byteLength);

  // Globals substream
  const iter = enregistrements(flux, 0, invalide);
  const premier = iter.next();
  if (premier.done || premier.value.type !== BOF) throw invalide('le flux « Workbook » ne commence pas par un enregistrement BOF');
  const bof = premier.value;
  if (bof.fin - bof.debut < 4) throw invalide('enregistrement BOF trop court');
  const versionBiff = vue.getUint16(bof.debut, true);
  if (versionBiff !== 0x0600) {
    throw new SourceSchemaError({ fichier }, `classeur Excel au format BIFF 0x${versionBiff.toString(16)} (Excel 5/95 ou antérieur) non pris en charge : enregistrez-le en .xlsx`);
  }
  if (vue.getUint16(bof.debut + 2, true) !== 0x0005) throw invalide('le premier BOF n’est pas celui des données globales du classeur');
  let date1904 = false;
  const definitions: DefinitionFeuille[] = [];
  let sst: Enregistrement[] | null = null;
  let fini = false;
  for (const r of iter) {
    if (r.type === EOF) {
      fini = true;
      break;
    }
    if (r.type === FILEPASS) {
      throw new SourceSchemaError({ fichier }, 'classeur Excel 97-2003 chiffré (protégé par mot de passe, enregistrement FILEPASS) : retirez la protection ou enregistrez-le en .xlsx sans mot de passe');
    }
    if (r.type === DATEMODE && r.fin - r.debut >= 2) date1904 = vue.getUint16(r.debut, true) === 1;
    else if (r.type === BOUNDSHEET) {
      const l = new Lecteur(flux, [r], invalide, 'BOUNDSHEET8');
      const position = l.u32();
      l.octet(); // visibility
      const type = l.octet();
      const cch = l.octet();
      const drapeaux = l.octet();
      if ((drapeaux & 0xfe) !== 0) throw invalide(`BOUNDSHEET8 : octet d’options 0x${drapeaux.toString(16)} invalide`);
      const nom = l.caracteres(cch, drapeaux === 1);
      if (type !== 0) continue; // chart (2), macro (1), VBA module (6)
      if (position >= flux.byteLength) throw invalide(`feuille « ${nom} » : position ${position} au-delà de la fin du flux`);
      if (definitions.some((d) => d.nom === nom)) throw invalide(`feuille « ${nom} » en double`);
      definitions.push({ nom, position });
    } else if (r.type === SST) sst = [r];
    else if (r.type === CONTINUE && sst !== null && sst[sst.length - 1]!.fin === r.debut - 4) sst.push(r);
  }
  if (!fini) throw invalide('données globales sans enregistrement EOF (flux tronqué ?)');
  if (definitions.length === 0) throw invalide('aucune feuille de calcul (BOUNDSHEET8)');

  const chaines: string[] = [];
  if (sst !== null) {
    const l = new Lecteur(flux, sst, invalide, 'table des chaînes (SST)');
    l.u32(); // total references
    const uniques = l.u32();
    const taille = sst.reduce((s, r) => s + r.fin - r.debut, 0);
    // Each string takes at least 3 bytes: a count beyond the data is rejected before allocating.
    if (uniques * 3 > taille) throw invalide(`table des chaînes (SST) : ${uniques} chaînes annoncées pour ${taille} octets`);
    for (let i = 0; i < uniques; i++) chaines.push(l.chaine(true));
  }

  const cache = new Map<string, Feuille>();
  return {
    feuilles: definitions.map((d) => d.nom),
    date1904,
    feuille(nom: string): Feuille {
      const deja = cache.get(nom);
      if (deja !== undefined) return deja;
      const def = definitions.find((d) => d.nom === nom);
      if (def === undefined) {
        throw new SourceSchemaError({ fichier }, `feuille « ${nom} » absente ; feuilles présentes : ${definitions.map((d) => `« ${d.nom} »`).join(', ')}`);
      }
      const feuille: Feuille = { nom, lignes: lireFeuille(flux, vue, def, chaines, fichier) };
      cache.set(nom, feuille);
      return feuille;
    },
  };
}

function lireFeuille(flux: Uint8Array, vue: DataView, def: DefinitionFeuille, chaines: string[], fichier: string): Cellule[][] {
  const invalide: Erreur = (raison) => new SourceSchemaError({ fichier }, `classeur Excel 97-2003 invalide : feuille « ${def.nom} » : ${raison}`);
  const iter = enregistrements(flux, def.position, invalide);
  const premier = iter.next();
  if (premier.done || premier.value.type !== BOF) throw invalide('la feuille ne commence pas par un enregistrement BOF');
  const lignes: Cellule[][] = [];
  let derniere = -1;
  const taille = (r: Enregistrement, min: number, quoi: string) => {
    if (r.fin - r.debut < min) throw invalide(`enregistrement ${quoi} trop court (${r.fin - r.debut} octets)`);
  };
  const placer = (ligne: number, col: number, v: Cellule) => {
    if (ligne >= LIGNES_MAX || col >= COLONNES_MAX) throw invalide(`cellule hors limites (ligne ${ligne + 1}, colonne ${col + 1})`);
    if (ligne > derniere) derniere = ligne;
    if (v === null) return;
    while (lignes.length <= ligne) lignes.push([]);
    const cells = lignes[ligne]!;
    while (cells.length < col) cells.push(null);
    cells[col] = v;
  };
  let profondeur = 1;
  let formuleChaine: { ligne: number; col: number } | null = null;
  // Records read one at a time (a sheet is followed by the others: never materialise the stream).
  let suivant: Enregistrement | null = null;
  const lire = (): Enregistrement | null => {
    if (suivant !== null) {
      const r = suivant;
      suivant = null;
      return r;
    }
    const x = iter.next();
    return x.done ? null : x.value;
  };
  const continues = (premier: Enregistrement): Enregistrement[] => {
    const segs = [premier];
    for (;;) {
      const r = lire();
      if (r === null) return segs;
      if (r.type !== CONTINUE) {
        suivant = r;
        return segs;
      }
      segs.push(r);
    }
  };
  for (let r = lire(); r !== null; r = lire()) {
    const d = r.debut;
    if (r.type === BOF) {
      profondeur += 1; // embedded chart substream: skipped
      continue;
    }
    if (r.type === EOF) {
      profondeur -= 1;
      if (profondeur === 0) {
        if (formuleChaine !== null) throw invalide('formule de type chaîne sans enregistrement STRING');
        while (lignes.length <= derniere) lignes.push([]);
        return lignes;
      }
      continue;
    }
    if (profondeur > 1) continue;
    if (formuleChaine !== null && r.type !== STRING) throw invalide(`formule de type chaîne (ligne ${formuleChaine.ligne + 1}) sans enregistrement STRING`);
    switch (r.type) {
      case LABELSST: {
        taille(r, 10, 'LABELSST');
        const i = vue.getUint32(d + 6, true);
        if (i >= chaines.length) throw invalide(`ligne ${vue.getUint16(d, true) + 1} : chaîne partagée n° ${i} absente de la table (${chaines.length} chaînes)`);
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), chaines[i]!);
        break;
      }
      case LABEL:
      case RSTRING: {
        taille(r, 9, 'LABEL');
        const segs = continues({ type: r.type, debut: d + 6, fin: r.fin });
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), new Lecteur(flux, segs, invalide, 'LABEL').chaine(false));
        break;
      }
      case NUMBER:
        taille(r, 14, 'NUMBER');
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), nombre(vue.getFloat64(d + 6, true)));
        break;
      case RK:
        taille(r, 10, 'RK');
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), nombre(decoderRk(vue.getUint32(d + 6, true))));
        break;
      case MULRK: {
        taille(r, 6, 'MULRK');
        const ligne = vue.getUint16(d, true);
        const colPremiere = vue.getUint16(d + 2, true);
        const n = (r.fin - d - 6) / 6;
        const colDerniere = vue.getUint16(r.fin - 2, true);
        if (!Number.isInteger(n) || colDerniere - colPremiere + 1 !== n) throw invalide(`enregistrement MULRK incohérent (ligne ${ligne + 1})`);
        for (let i = 0; i < n; i++) placer(ligne, colPremiere + i, nombre(decoderRk(vue.getUint32(d + 4 + 6 * i + 2, true))));
        break;
      }
      case BOOLERR:
        taille(r, 8, 'BOOLERR');
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), flux[d + 7] === 1 ? null : flux[d + 6] === 1);
        break;
      case FORMULA: {
        taille(r, 20, 'FORMULA');
        const ligne = vue.getUint16(d, true);
        const col = vue.getUint16(d + 2, true);
        if (vue.getUint16(d + 12, true) === 0xffff) {
          const t = flux[d + 6];
          if (t === 0) {
            placer(ligne, col, null);
            formuleChaine = { ligne, col };
          } else if (t === 1) placer(ligne, col, flux[d + 8] === 1);
          else placer(ligne, col, t === 3 ? '' : null);
        } else placer(ligne, col, nombre(vue.getFloat64(d + 6, true)));
        break;
      }
      case STRING: {
        if (formuleChaine === null) break; // stray STRING (shared formula of an array): ignored
        const segs = continues(r);
        placer(formuleChaine.ligne, formuleChaine.col, new Lecteur(flux, segs, invalide, 'STRING').chaine(false));
        formuleChaine = null;
        break;
      }
      case BLANK:
        taille(r, 6, 'BLANK');
        placer(vue.getUint16(d, true), vue.getUint16(d + 2, true), null);
        break;
      case MULBLANK:
        taille(r, 6, 'MULBLANK');
        placer(vue.getUint16(d, true), vue.getUint16(r.fin - 2, true), null);
        break;
      default:
        break;
    }
  }
  throw invalide('feuille sans enregistrement EOF (flux tronqué ?)');

  function nombre(v: number): number {
    if (!Number.isFinite(v)) throw invalide(`nombre non fini (${v})`);
    return v === 0 ? 0 : v;
  }
}
