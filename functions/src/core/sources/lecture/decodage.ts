import { SourceSchemaError } from '../../errors.ts';

/**
 * Decodes a text extract whatever its encoding: UTF-8 with or without BOM, UTF-16 with BOM,
 * otherwise Windows-1252 (a superset of Latin-1 for printable characters: `œ`, `’`, `€`).
 * Node ≥ 22's `TextDecoder('windows-1252')` maps 0x80–0x9F correctly (Node 20's did not).
 * A file mixing UTF-8 and single-byte accents is rejected: decoding it either way would
 * corrupt some names.
 */

export type Encodage = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface TexteDecode {
  texte: string;
  encodage: Encodage;
  bom: boolean;
}

export function decoderTexte(bytes: Uint8Array, fichier: string): TexteDecode {
  if (bytes.byteLength === 0) throw new SourceSchemaError({ fichier }, 'fichier vide');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { texte: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encodage: 'utf-16le', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { texte: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encodage: 'utf-16be', bom: true };
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new SourceSchemaError({ fichier, ligne: ligneDeOctet(bytes, nul) }, 'octet nul : fichier binaire, pas un fichier texte');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { texte: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encodage: 'utf-8', bom };
  } catch {
    // not UTF-8: single-byte Windows-1252 / Latin-1, unless the file also holds UTF-8 sequences
  }
  const texte = new TextDecoder('windows-1252').decode(bytes);
  const mojibake = /Ã[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]|â€/.exec(texte);
  if (bom || mojibake) {
    const ligne = premiereLigneInvalideUtf8(bytes);
    throw new SourceSchemaError({ fichier, ligne }, 'encodage mélangé : le fichier contient à la fois de l’UTF-8 et des caractères accentués sur un octet (Latin-1/Windows-1252) ; réenregistrez-le en UTF-8');
  }
  return { texte, encodage: 'windows-1252', bom: false };
}

function ligneDeOctet(bytes: Uint8Array, offset: number): number {
  let ligne = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) ligne += 1;
  return ligne;
}

function premiereLigneInvalideUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let ligne = 1;
  for (let i = 0; i <= bytes.byteLength; i++) {
    if (i === bytes.byteLength || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return ligne;
      }
      start = i + 1;
      ligne += 1;
    }
  }
  return 1;
}
