import { crc32, inflateRawSync } from 'node:zlib';
import { SourceSchemaError } from '../../errors.ts';

/**
 * Reading of ZIP archives (INSEE download archives, and the container of `.xlsx` workbooks),
 * with no dependency: the central directory is parsed here, entries are inflated with
 * `node:zlib`. The archive is untrusted input, so everything is checked before use:
 *
 * - the End Of Central Directory record is searched backwards (an archive comment is allowed);
 *   ZIP64 archives and archives split over several volumes are detected and refused;
 * - every offset and length stays inside the file; entries may not overlap (the "overlapping
 *   files" zip bomb) nor run into the central directory;
 * - only methods 0 (stored) and 8 (deflate); encrypted entries are refused;
 * - names: UTF-8 when flag bit 11 is set (or an Info-ZIP Unicode Path extra field matches),
 *   else code page 437 (the ZIP default, decoded with its real table, not as Latin-1); a name
 *   that is absolute, contains a `..` segment, a backslash or a NUL is refused, and so is a
 *   name that appears twice;
 * - sizes: the declared uncompressed total is capped (500 MiB by default), an entry larger than
 *   1 MiB may not declare a compression ratio above 200:1, and inflation stops at the declared
 *   size, so an archive that lies about its sizes cannot allocate more than it declared;
 * - `lire()` checks the inflated size and the CRC-32 against the central directory.
 *
 * Every failure is a `SourceSchemaError` naming the archive, in French: "archive ZIP invalide :
 * …" for the archive as a whole, "entrée « nom » : …" for one entry.
 */

export interface EntreeZip {
  /** Path inside the archive, `/`-separated, relative (validated). */
  nom: string;
  /** Uncompressed size in bytes, as declared by the central directory (checked by `lire`). */
  taille: number;
  /**
   * Inflates the entry, then checks its size and CRC-32. Not cached: each call inflates again
   * and returns a new array the caller may keep or modify.
   */
  lire(): Uint8Array;
}

export interface LimitesZip {
  /** Cap on the sum of the declared uncompressed sizes of all entries, in bytes. */
  tailleTotaleMax: number;
  /** Highest accepted ratio uncompressed / compressed size for an entry above `tailleSansRatio`. */
  ratioMax: number;
  /** Entries up to this uncompressed size are not ratio-checked (small XML parts compress 15:1+). */
  tailleSansRatio: number;
}

export const limitesZipParDefaut: Readonly<LimitesZip> = Object.freeze({
  tailleTotaleMax: 500 * 1024 * 1024,
  ratioMax: 200,
  tailleSansRatio: 1024 * 1024,
});

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const TAILLE_EOCD = 22;
const TAILLE_CENTRAL = 46;
const TAILLE_LOCAL = 30;
const COMMENTAIRE_MAX = 0xffff;

/** Code page 437, bytes 0x80–0xFF (0x00–0x7F are ASCII for file names). */
const CP437_HAUT =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

interface EntreeCentrale {
  nom: string;
  methode: number;
  crc: number;
  tailleCompressee: number;
  taille: number;
  offsetLocal: number;
  debutDonnees: number;
}

/**
 * Lists the entries of a ZIP archive (directories excluded) in central-directory order.
 * `fichier` names the archive in error messages. `limites` overrides the size guards.
 */
export function lireZip(bytes: Uint8Array, fichier: string, limites: Partial<LimitesZip> = {}): EntreeZip[] {
  const lim: LimitesZip = { ...limitesZipParDefaut, ...limites };
  const archive = (raison: string) => new SourceSchemaError({ fichier }, `archive ZIP invalide : ${raison}`);
  const entree = (nom: string, raison: string) => new SourceSchemaError({ fichier }, `entrée « ${nom} » : ${raison}`);
  const vue = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength;

  if (n === 0) throw archive('fichier vide');
  const eocd = chercherEocd(vue);
  if (eocd === -1) {
    throw archive(
      vue.byteLength >= 4 && vue.getUint32(0, true) === SIG_LOCAL
        ? 'fin du répertoire central introuvable : archive tronquée'
        : "fin du répertoire central introuvable : ce n'est pas une archive ZIP, ou elle est tronquée",
    );
  }
  const disque = vue.getUint16(eocd + 4, true);
  const disqueRepertoire = vue.getUint16(eocd + 6, true);
  const entreesDisque = vue.getUint16(eocd + 8, true);
  const nbEntrees = vue.getUint16(eocd + 10, true);
  const tailleRepertoire = vue.getUint32(eocd + 12, true);
  const offsetRepertoire = vue.getUint32(eocd + 16, true);
  if (
    nbEntrees === 0xffff ||
    entreesDisque === 0xffff ||
    tailleRepertoire === 0xffffffff ||
    offsetRepertoire === 0xffffffff ||
    (eocd >= 20 && vue.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR)
  ) {
    throw archive('format ZIP64 (plus de 65 535 entrées ou plus de 4 Gio) non pris en charge');
  }
  if (disque !== 0 || disqueRepertoire !== 0 || entreesDisque !== nbEntrees) {
    throw archive('archive en plusieurs volumes non prise en charge');
  }
  if (offsetRepertoire + tailleRepertoire > eocd) {
    throw archive(
      `répertoire central hors du fichier (début ${offsetRepertoire}, ${tailleRepertoire} octets, fin du répertoire à ${eocd}) : archive tronquée ou corrompue`,
    );
  }

  const centrales: EntreeCentrale[] = [];
  const noms = new Set<string>();
  let total = 0;
  let pos = offsetRepertoire;
  const finRepertoire = offsetRepertoire + tailleRepertoire;
  for (let i = 0; i < nbEntrees; i++) {
    if (pos + TAILLE_CENTRAL > finRepertoire || vue.getUint32(pos, true) !== SIG_CENTRAL) {
      throw archive(`entrée n° ${i + 1} du répertoire central illisible (signature absente à l'octet ${pos})`);
    }
    const drapeaux = vue.getUint16(pos + 8, true);
    const methode = vue.getUint16(pos + 10, true);
    const crc = vue.getUint32(pos + 16, true);
    const tailleCompressee = vue.getUint32(pos + 20, true);
    const taille = vue.getUint32(pos + 24, true);
    const longueurNom = vue.getUint16(pos + 28, true);
    const longueurExtra = vue.getUint16(pos + 30, true);
    const longueurCommentaire = vue.getUint16(pos + 32, true);
    const offsetLocal = vue.getUint32(pos + 42, true);
    const finEntree = pos + TAILLE_CENTRAL + longueurNom + longueurExtra + longueurCommentaire;
    if (finEntree > finRepertoire) throw archive(`entrée n° ${i + 1} du répertoire central tronquée`);
    const nomBrut = bytes.subarray(pos + TAILLE_CENTRAL, pos + TAILLE_CENTRAL + longueurNom);
    const extra = bytes.subarray(pos + TAILLE_CENTRAL + longueurNom, pos + TAILLE_CENTRAL + longueurNom + longueurExtra);
    const nom = decoderNom(nomBrut, extra, (drapeaux & 0x0800) !== 0, () => archive(`entrée n° ${i + 1} : nom UTF-8 invalide`));
    pos = finEntree;

    verifierNom(nom, (raison) => entree(nom, raison));
    if (noms.has(nom)) throw entree(nom, 'nom en double dans le répertoire central');
    noms.add(nom);
    if (tailleCompressee === 0xffffffff || taille === 0xffffffff || offsetLocal === 0xffffffff) {
      throw entree(nom, 'format ZIP64 (entrée de plus de 4 Gio) non pris en charge');
    }
    if ((drapeaux & 0x0001) !== 0) throw entree(nom, 'entrée chiffrée, non prise en charge');
    if (methode !== 0 && methode !== 8) {
      throw entree(nom, `méthode de compression ${methode} non prise en charge (seules 0 « stockée » et 8 « deflate » le sont)`);
    }
    if (methode === 0 && tailleCompressee !== taille) {
      throw entree(nom, `entrée stockée dont la taille compressée (${tailleCompressee}) diffère de la taille (${taille})`);
    }
    if (taille > lim.tailleSansRatio && taille > lim.ratioMax * Math.max(tailleCompressee, 1)) {
      const ratio = Math.round(taille / Math.max(tailleCompressee, 1));
      throw entree(
        nom,
        `taux de compression suspect (${ratio}:1 pour ${taille} octets, maximum ${lim.ratioMax}:1) : bombe de décompression probable, entrée refusée`,
      );
    }
    total += taille;
    if (total > lim.tailleTotaleMax) {
      throw archive(`taille décompressée totale supérieure à la limite de ${lim.tailleTotaleMax} octets (atteinte à l'entrée « ${nom} »)`);
    }

    // Local header: signature, same name and method, data inside the file.
    if (offsetLocal + TAILLE_LOCAL > offsetRepertoire || vue.getUint32(offsetLocal, true) !== SIG_LOCAL) {
      throw entree(nom, `en-tête local absent à l'octet ${offsetLocal}`);
    }
    const longueurNomLocal = vue.getUint16(offsetLocal + 26, true);
    const longueurExtraLocal = vue.getUint16(offsetLocal + 28, true);
    const nomLocal = bytes.subarray(offsetLocal + TAILLE_LOCAL, offsetLocal + TAILLE_LOCAL + longueurNomLocal);
    if (!memesOctets(nomLocal, nomBrut) || vue.getUint16(offsetLocal + 8, true) !== methode) {
      throw entree(nom, "l'en-tête local ne correspond pas au répertoire central (archive falsifiée ou corrompue)");
    }
    const debutDonnees = offsetLocal + TAILLE_LOCAL + longueurNomLocal + longueurExtraLocal;
    if (debutDonnees + tailleCompressee > offsetRepertoire) {
      throw entree(nom, `données hors de l'archive (${tailleCompressee} octets à partir de l'octet ${debutDonnees}) : archive tronquée`);
    }
    centrales.push({ nom, methode, crc, tailleCompressee, taille, offsetLocal, debutDonnees });
  }
  if (pos !== finRepertoire) {
    throw archive(`le répertoire central annonce ${nbEntrees} entrées mais sa taille ne correspond pas (${tailleRepertoire} octets déclarés, ${pos - offsetRepertoire} lus)`);
  }

  // No two entries may share bytes: an entry's data ends before the next local header.
  const parOffset = [...centrales].sort((a, b) => a.offsetLocal - b.offsetLocal);
  for (let i = 0; i + 1 < parOffset.length; i++) {
    const a = parOffset[i]!;
    const b = parOffset[i + 1]!;
    if (a.debutDonnees + a.tailleCompressee > b.offsetLocal) {
      throw entree(b.nom, `chevauche l'entrée « ${a.nom} » (archive falsifiée : bombe de décompression par recouvrement ?)`);
    }
  }

  return centrales
    .filter((c) => !(c.nom.endsWith('/') && c.taille === 0))
    .map((c) => ({
      nom: c.nom,
      taille: c.taille,
      lire: () => lireEntree(bytes, c, (raison) => entree(c.nom, raison)),
    }));
}

function lireEntree(bytes: Uint8Array, c: EntreeCentrale, erreur: (raison: string) => SourceSchemaError): Uint8Array {
  const brut = bytes.subarray(c.debutDonnees, c.debutDonnees + c.tailleCompressee);
  let donnees: Uint8Array;
  if (c.methode === 0) {
    donnees = new Uint8Array(brut);
  } else {
    try {
      // Never inflate past the declared size: an archive lying about it cannot exhaust memory.
      // One output chunk of the declared size: no concatenation of 16 KiB chunks.
      donnees = inflateRawSync(brut, { maxOutputLength: Math.max(c.taille, 1), chunkSize: Math.max(c.taille, 64) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw erreur(`taille décompressée supérieure à la taille déclarée (${c.taille} octets) : archive falsifiée ou corrompue`);
      }
      throw erreur(`données compressées corrompues (${(e as Error).message})`);
    }
  }
  if (donnees.byteLength !== c.taille) {
    throw erreur(`taille décompressée (${donnees.byteLength} octets) différente de la taille déclarée (${c.taille} octets)`);
  }
  const calcule = crc32(donnees) >>> 0;
  if (calcule !== c.crc) {
    throw erreur(`CRC-32 incorrect (calculé ${hex8(calcule)}, attendu ${hex8(c.crc)}) : données corrompues`);
  }
  return donnees;
}

/** Offset of the End Of Central Directory record, searched backwards over a possible comment; -1 if absent. */
function chercherEocd(vue: DataView): number {
  const n = vue.byteLength;
  const plusBas = Math.max(0, n - TAILLE_EOCD - COMMENTAIRE_MAX);
  let candidat = -1;
  for (let i = n - TAILLE_EOCD; i >= plusBas; i--) {
    if (vue.getUint32(i, true) !== SIG_EOCD) continue;
    const longueurCommentaire = vue.getUint16(i + 20, true);
    // The comment must end exactly at the end of the file; otherwise the signature bytes
    // may be part of a comment or of data (kept as a fallback for trailing garbage).
    if (i + TAILLE_EOCD + longueurCommentaire === n) return i;
    if (candidat === -1 && i + TAILLE_EOCD + longueurCommentaire <= n) candidat = i;
  }
  return candidat;
}

function decoderNom(brut: Uint8Array, extra: Uint8Array, utf8: boolean, erreur: () => SourceSchemaError): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(brut);
    } catch {
      throw erreur();
    }
  }
  // Info-ZIP Unicode Path extra field (0x7075): version 1, CRC-32 of the raw name, UTF-8 name.
  const vue = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let p = 0; p + 4 <= extra.byteLength; ) {
    const id = vue.getUint16(p, true);
    const longueur = vue.getUint16(p + 2, true);
    if (id === 0x7075 && longueur >= 5 && p + 4 + longueur <= extra.byteLength && extra[p + 4] === 1) {
      if ((vue.getUint32(p + 5, true) >>> 0) === (crc32(brut) >>> 0)) {
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(extra.subarray(p + 9, p + 4 + longueur));
        } catch {
          throw erreur();
        }
      }
    }
    p += 4 + longueur;
  }
  let nom = '';
  for (const octet of brut) nom += octet < 0x80 ? String.fromCharCode(octet) : CP437_HAUT[octet - 0x80]!;
  return nom;
}

function verifierNom(nom: string, erreur: (raison: string) => SourceSchemaError): void {
  if (nom === '') throw erreur('nom vide');
  if (nom.includes('\0')) throw erreur('nom contenant un octet nul');
  if (nom.includes('\\')) throw erreur('nom contenant une barre oblique inverse « \\ » (chemin Windows), refusé');
  if (nom.startsWith('/') || /^[A-Za-z]:/.test(nom)) throw erreur('chemin absolu refusé');
  if (nom.split('/').includes('..')) throw erreur('chemin remontant avec « .. » refusé');
}

function memesOctets(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** ZIP-based formats (XLSX, zipped CSV) start with the local file header signature `PK\x03\x04`. */
export function estZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
