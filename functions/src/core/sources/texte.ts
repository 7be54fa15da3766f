import { SourceSchemaError } from '../errors.ts';

/** Line splitting of delimited text extracts (decoding: `lecture/decodage.ts`). */

export interface LigneCsv {
  /** 1-based line number in the file (the header is line 1). */
  ligne: number;
  champs: string[];
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
