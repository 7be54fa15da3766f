import { SourceSchemaError } from '../errors.ts';

/**
 * Decoding and line splitting of delimited text extracts. Strict: a byte sequence that is not
 * valid UTF-8 is reported with its line; a NUL byte means a binary file. (Latin-1 and
 * Windows-1252 transcoding belongs to the multi-format ingestion.)
 */

export interface LigneCsv {
  /** 1-based line number in the file (the header is line 1). */
  ligne: number;
  champs: string[];
}

export function decoderUtf8(bytes: Uint8Array, fichier: string): string {
  if (bytes.byteLength === 0) throw new SourceSchemaError({ fichier }, 'fichier vide');
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new SourceSchemaError({ fichier, ligne: ligneDeOctet(bytes, nul) }, 'octet nul : fichier binaire, pas un CSV');
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    // Locate the first invalid sequence for the message.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    let ligne = 1;
    for (let i = 0; i <= bytes.byteLength; i++) {
      if (i === bytes.byteLength || bytes[i] === 0x0a) {
        try {
          decoder.decode(bytes.subarray(start, i));
        } catch {
          throw new SourceSchemaError({ fichier, ligne }, "encodage invalide : le fichier n'est pas en UTF-8");
        }
        start = i + 1;
        ligne += 1;
      }
    }
    throw new SourceSchemaError({ fichier }, "encodage invalide : le fichier n'est pas en UTF-8");
  }
}

function ligneDeOctet(bytes: Uint8Array, offset: number): number {
  let ligne = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) ligne += 1;
  return ligne;
}

/**
 * Splits a delimited text into records. Accepts CRLF or LF, a missing final newline, and
 * double-quoted fields (`""` inside quotes). Blank lines at the end are ignored; a blank line
 * in the middle is reported by the caller (it has zero fields of content).
 */
export function* lignesCsv(text: string, delimiteur: string, fichier: string): Generator<LigneCsv> {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.replace(/\r$/, '') === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    yield { ligne: i + 1, champs: decouperChamps(raw, delimiteur, fichier, i + 1) };
  }
}

function decouperChamps(line: string, delimiteur: string, fichier: string, ligne: number): string[] {
  if (!line.includes('"')) return line.split(delimiteur);
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= line.length) throw new SourceSchemaError({ fichier, ligne, numeroColonne: out.length + 1, colonne: `champ ${out.length + 1}` }, 'guillemet non refermé');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          value += line[i];
          i += 1;
        }
      }
      if (i < line.length && line[i] !== delimiteur) {
        throw new SourceSchemaError({ fichier, ligne, numeroColonne: out.length + 1, colonne: `champ ${out.length + 1}` }, 'caractère inattendu après un guillemet fermant');
      }
      out.push(value);
      i += 1;
    } else {
      const next = line.indexOf(delimiteur, i);
      const end = next === -1 ? line.length : next;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** A text cell that a spreadsheet would execute as a formula. */
export function estInjectionFormule(valeur: string): boolean {
  return /^[=+\-@\t\r]/.test(valeur);
}
