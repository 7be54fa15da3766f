import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA } from './chemins.ts';

/** A line of the CLS registry sample of data/ (`registre-cls/registre-cls.csv`), split by hand. */
export interface LigneRegistreCls {
  code: string;
  libelle: string;
  version: number;
  type: string;
  membre: string;
}

/** The registry sample as written in data/: one line per perimeter member, by CLS and version. */
export function lireRegistreCls(): LigneRegistreCls[] {
  return readFileSync(path.join(DATA, 'registre-cls', 'registre-cls.csv'), 'utf-8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(';'))
    .map(([code, libelle, , , version, , , , type, membre]) => ({ code: code!, libelle: libelle!, version: Number(version), type: type!, membre: membre! }));
}
